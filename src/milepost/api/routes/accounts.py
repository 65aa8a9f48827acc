"""Signing in and out, one's password and API tokens, and users (admins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from milepost.api.context import COOKIE, Ctx
from milepost.api.params import Limit, Offset, Search
from milepost.errors import AuthenticationError
from milepost.schemas.accounts import (
    LoginRequest,
    PasswordChange,
    SessionRead,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from milepost.schemas.common import Page
from milepost.services import accounts, auth

router = APIRouter(tags=["accounts"])


@router.post("/auth/login", response_model=SessionRead)
def login(body: LoginRequest, response: Response, ctx: Ctx) -> Any:
    """Sign in with e-mail and password: sets the session cookie and returns the CSRF token."""
    client = ctx.request.client.host if ctx.request.client else "unknown"
    signed = ctx.anonymous(auth.login, ctx.settings, body.email, body.password, client)
    if signed is None:
        raise AuthenticationError("the e-mail or the password is not right")
    response.set_cookie(
        COOKIE,
        signed.secret,
        max_age=signed.max_age,
        httponly=True,
        secure=ctx.settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    return {"user": signed.user, "csrf_token": signed.csrf_token}


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(response: Response, ctx: Ctx) -> None:
    """Sign out of this browser."""
    secret = ctx.request.cookies.get(COOKIE)
    if secret:
        ctx.run_for_password_change(lambda session, _actor: auth.logout(session, secret))
    response.delete_cookie(COOKIE, path="/")


@router.get("/auth/me", response_model=UserRead)
def me(ctx: Ctx) -> Any:
    """Who is signed in."""
    return ctx.run_for_password_change(
        lambda session, actor: accounts.user_view(accounts.get_user(session, actor.user_id))
    )


@router.post("/auth/password", response_model=UserRead)
def change_password(body: PasswordChange, ctx: Ctx) -> Any:
    """Change one's own password (required after a one-time password)."""
    return ctx.run_for_password_change(accounts.change_password, body)


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(ctx: Ctx) -> Any:
    """One's personal API tokens."""
    return ctx.run(auth.list_tokens)


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(body: TokenCreate, ctx: Ctx) -> Any:
    """A new personal API token: copy it now, it is not shown again."""
    return ctx.run(auth.create_token, body)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: int, ctx: Ctx) -> None:
    """Revoke one of one's tokens."""
    ctx.run(auth.revoke_token, token_id)


@router.get("/users", response_model=Page[UserRead])
def list_users(ctx: Ctx, q: Search = "", limit: Limit = 100, offset: Offset = 0) -> Any:
    """Users of the workspace (admins)."""
    return ctx.run(accounts.list_users, q=q, limit=limit, offset=offset)


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, ctx: Ctx) -> Any:
    """A new local account (admins)."""
    return ctx.run(accounts.create_user, body)


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(user_id: int, body: UserUpdate, ctx: Ctx) -> Any:
    """Rename, make admin or deactivate a user (admins)."""
    return ctx.run(accounts.update_user, user_id, body)
