"""One page request: who is signed in (the session cookie), the CSRF check, and the
transaction committed before the page is sent.

A visitor who is not signed in is sent to the sign-in page (for HTMX requests with an
``HX-Redirect`` header, so the whole page changes); a user with a one-time password to
the account page.  Every form carries the session's CSRF token (a hidden ``csrf_token``
field, or the ``X-CSRF-Token`` header HTMX adds to its requests).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request

from milepost.config import Settings
from milepost.errors import MilepostError, PermissionDeniedError
from milepost.services import auth
from milepost.services.access import Actor
from milepost.storage.db import Session, SessionFactory, transaction

T = TypeVar("T")
COOKIE = "milepost_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(MilepostError):  # noqa: N818 (a signal, handled by a redirect)
    """Raised to send the visitor to the sign-in page."""

    code = "not_authenticated"

    def __init__(self, target: str) -> None:
        super().__init__("sign in first")
        self.target = target


@dataclass
class Viewer:
    """The signed-in user of a page, with the session's CSRF token (for the forms)."""

    actor: Actor
    csrf_token: str


@dataclass
class Page:
    """What a page route needs: the request, the database and the settings."""

    request: Request
    factory: SessionFactory
    settings: Settings

    @property
    def htmx(self) -> bool:
        """Whether HTMX made the request (it wants a fragment, not a page)."""
        return self.request.headers.get("hx-request") == "true"

    def run(self, fn: Callable[..., T], *args: Any, csrf: str | None = None, **kwargs: Any) -> tuple[T, Viewer]:
        """``fn(session, actor, *args)`` for the signed-in user, committed; with the viewer."""
        with transaction(self.factory) as session:
            viewer = self.viewer(session, csrf)
            return fn(session, viewer.actor, *args, **kwargs), viewer

    def transaction(self) -> AbstractContextManager[Session]:
        """A transaction of its own, committed at the end (for pages that do several things)."""
        return transaction(self.factory)

    def anonymous(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(session, *args)`` without signing in, committed."""
        with transaction(self.factory) as session:
            return fn(session, *args)

    def viewer(self, session: Session, csrf: str | None = None, *, password_change: bool = False) -> Viewer:
        """The signed-in user (else :class:`SignInRequired`); checks the CSRF token of a change."""
        secret = self.request.cookies.get(COOKIE)
        signed = auth.session_actor(session, secret) if secret else None
        if signed is None:
            raise SignInRequired(self.here())
        actor, token = signed
        if self.request.method not in SAFE:
            sent = csrf or self.request.headers.get(CSRF_HEADER)  # the form's field, else HTMX's header
            if not auth.csrf_ok(token, sent):
                raise PermissionDeniedError(
                    "this form has expired (its security token does not match): reload the page and try again",
                    code="csrf_failed",
                )
        if actor.must_change_password and not password_change:
            raise SignInRequired("/account?first=1")
        return Viewer(actor, token)

    def here(self) -> str:
        """The page to come back to after signing in."""
        url = self.request.url
        target = url.path + (f"?{url.query}" if url.query else "")
        if self.request.method not in SAFE or self.htmx:  # the page the browser shows (HTMX sends its full URL)
            shown = urlsplit(self.request.headers.get("hx-current-url", ""))
            target = (shown.path + (f"?{shown.query}" if shown.query else "")) or "/"
        return target


def page_context(request: Request) -> Page:
    """The page's context (the app keeps the database and settings in its state)."""
    state = request.app.state
    return Page(request, state.sessions, state.settings)


PageCtx = Annotated[Page, Depends(page_context)]


def login_url(target: str) -> str:
    """The sign-in page, coming back to ``target``."""
    return "/login" if target in ("", "/") else f"/login?next={quote(target, safe='/')}"
