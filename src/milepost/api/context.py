"""One request's unit of work: who is asking, and the transaction that is committed
before the reply is sent.

A caller signs in with a personal API token (``Authorization: Bearer mp_...``) or the
browser's session cookie.  With the cookie, every request that changes something must
also carry the session's CSRF token (``X-CSRF-Token`` header, or a ``csrf_token``
form field), so another site cannot act in the user's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from milepost.config import Settings
from milepost.errors import AuthenticationError, InvalidInputError, PermissionDeniedError, Problem
from milepost.services import auth
from milepost.services.access import Actor
from milepost.storage.db import Session, SessionFactory, transaction

T = TypeVar("T")
COOKIE = "milepost_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Context:
    """What a route needs: the request, the database and the settings."""

    request: Request
    factory: SessionFactory
    settings: Settings

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(session, actor, *args)`` for the signed-in caller, committed before returning."""
        with transaction(self.factory) as session:
            return fn(session, self.actor(session), *args, **kwargs)

    def run_for_password_change(self, fn: Callable[..., T], *args: Any) -> T:
        """Like :meth:`run`, also for a user who must first change their password."""
        with transaction(self.factory) as session:
            return fn(session, self.actor(session, password_change=True), *args)

    def anonymous(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(session, *args)`` without signing in (sign-in itself), committed."""
        with transaction(self.factory) as session:
            return fn(session, *args)

    def actor(self, session: Session, *, password_change: bool = False) -> Actor:
        """The signed-in caller (401 without valid credentials, 403 without a CSRF token)."""
        request = self.request
        header = request.headers.get("authorization", "")
        if header:
            scheme, _, secret = header.partition(" ")
            found = auth.token_actor(session, secret.strip()) if scheme.lower() == "bearer" else None
            if found is None:
                raise AuthenticationError("the API token is not valid (unknown, revoked, or its user deactivated)")
            return self._checked(found, password_change)
        cookie = request.cookies.get(COOKIE)
        signed = auth.session_actor(session, cookie) if cookie else None
        if signed is None:
            raise AuthenticationError("sign in first (POST /api/v1/auth/login), or send an API token")
        actor, csrf = signed
        if request.method not in SAFE_METHODS and not auth.csrf_ok(csrf, request.headers.get(CSRF_HEADER)):
            raise PermissionDeniedError(
                f"this change needs the session's CSRF token in the {CSRF_HEADER} header", code="csrf_failed"
            )
        return self._checked(actor, password_change)

    @staticmethod
    def _checked(actor: Actor, password_change: bool) -> Actor:
        if actor.must_change_password and not password_change:
            raise PermissionDeniedError(
                "change your one-time password first (POST /api/v1/auth/password)", code="password_change_required"
            )
        return actor


def context(request: Request) -> Context:
    """The request's context (the app keeps the database and settings in its state)."""
    state = request.app.state
    return Context(request, state.sessions, state.settings)


Ctx = Annotated[Context, Depends(context)]


def if_match(request: Request) -> int | None:
    """The version an ``If-Match`` header names (``"3"``, ``W/"3"`` or ``3``)."""
    raw = request.headers.get("if-match")
    if raw is None:
        return None
    text = raw.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        message = f'If-Match must name a version such as "3", got {raw!r}'
        raise InvalidInputError(Problem("invalid_if_match", message, "header.If-Match"))
    return int(text)


IfMatch = Annotated[int | None, Depends(if_match)]
