"""Signing in and out, and one's account: password and API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from milepost.errors import MilepostError, RateLimitedError
from milepost.schemas.accounts import PasswordChange, TokenCreate
from milepost.services import accounts, auth
from milepost.storage.db import Session
from milepost.web.context import COOKIE, PageCtx
from milepost.web.routes.common import by_field, form_model, go, page, safe_next

router = APIRouter()
Text = Annotated[str, Form()]
Csrf = Annotated[str, Form()]


@router.get("/login")
def login_page(ctx: PageCtx, next: str = "/") -> Response:
    """The sign-in form."""
    return page(ctx, "login.html", None, next=safe_next(next), email="", error="")


@router.post("/login")
def login(ctx: PageCtx, email: Text, password: Text, next: Annotated[str, Form()] = "/") -> Response:
    """Sign in: the session cookie, then back where the user was going."""
    client = ctx.request.client.host if ctx.request.client else "unknown"
    target = safe_next(next)
    try:
        signed = ctx.anonymous(auth.login, ctx.settings, email, password, client)
    except RateLimitedError as exc:
        return page(ctx, "login.html", None, 429, next=target, email=email, error=exc.message)
    if signed is None:
        error = "The e-mail or the password is not right."
        return page(ctx, "login.html", None, 401, next=target, email=email, error=error)
    response = go("/account?first=1" if signed.user["must_change_password"] else target)
    response.set_cookie(
        COOKIE, signed.secret, max_age=signed.max_age, httponly=True, secure=ctx.settings.secure_cookies,
        samesite="lax", path="/",
    )  # fmt: skip
    return response


@router.post("/logout")
def logout(ctx: PageCtx, csrf_token: Csrf = "") -> Response:
    """Sign out of this browser."""
    secret = ctx.request.cookies.get(COOKIE)
    if secret:
        with ctx.transaction() as session:
            ctx.viewer(session, csrf_token, password_change=True)
            auth.logout(session, secret)
    response = go("/login")
    response.delete_cookie(COOKIE, path="/")
    return response


def _account(session: Session, actor: Any) -> dict[str, Any]:
    return {"tokens": auth.list_tokens(session, actor)}


@router.get("/account")
def account(ctx: PageCtx, first: bool = False) -> Response:
    """Password and API tokens."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, password_change=True)
        first = first or viewer.actor.must_change_password
        values = {} if first else _account(session, viewer.actor)
    return page(ctx, "account.html", viewer, first=first, problems={}, new_token="", **{"tokens": [], **values})


@router.post("/account/password")
def change_password(ctx: PageCtx, current_password: Text, new_password: Text, csrf_token: Csrf = "") -> Response:
    """Change one's password."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf_token, password_change=True)
        first = viewer.actor.must_change_password
        try:
            body = form_model(PasswordChange, current_password=current_password, new_password=new_password)
            accounts.change_password(session, viewer.actor, body)
        except MilepostError as exc:
            session.rollback()
            values = {} if first else _account(session, viewer.actor)
            return page(ctx, "account.html", viewer, 422, first=first, problems=by_field(exc), new_token="",
                        **{"tokens": [], **values})  # fmt: skip
    if first:
        return go("/")
    changed = [{"kind": "good", "text": "Your password was changed."}]
    return page(ctx, "account.html", viewer, first=False, problems={}, new_token="", messages=changed,
                **_reread(ctx, csrf_token))  # fmt: skip


def _reread(ctx: PageCtx, csrf: str) -> dict[str, Any]:
    with ctx.transaction() as session:  # still answering the form: its token is checked again
        return _account(session, ctx.viewer(session, csrf).actor)


@router.post("/account/tokens")
def create_token(ctx: PageCtx, name: Text, csrf_token: Csrf = "") -> Response:
    """A new API token, shown once."""
    made, viewer = ctx.run(auth.create_token, form_model(TokenCreate, name=name), csrf=csrf_token)
    return page(
        ctx, "account.html", viewer, first=False, problems={}, new_token=made["token"], **_reread(ctx, csrf_token)
    )


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(ctx: PageCtx, token_id: int, csrf_token: Csrf = "") -> Response:
    """Revoke a token."""
    ctx.run(auth.revoke_token, token_id, csrf=csrf_token)
    return go("/account")
