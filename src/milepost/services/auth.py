"""Signing in: browser sessions (with CSRF tokens), personal API tokens, and the limit on
failed sign-ins.

Secrets handed out (session cookies, API tokens) are random 256-bit values; only their
SHA-256 is stored, so a copy of the database signs no one in.  Failed sign-ins are
counted in the database, per e-mail and per client address, so the limit holds across
every server process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from milepost.config import Settings
from milepost.errors import NotFoundError, RateLimitedError
from milepost.schemas.accounts import TokenCreate
from milepost.services import audit
from milepost.services.access import Actor
from milepost.services.accounts import check_password, user_view
from milepost.storage import repository as repo
from milepost.storage.clock import utcnow
from milepost.storage.db import Session
from milepost.storage.models import ApiTokenRecord, LoginSessionRecord, UserRecord

TOKEN_PREFIX = "mp_"
WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(minutes=5)


def digest(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def actor_of(user: UserRecord) -> Actor:
    """The actor a user acts as."""
    return Actor(user.id, user.is_admin, user.email, user.must_change_password)


@dataclass(frozen=True)
class SignIn:
    """A new browser session: the cookie's secret, its CSRF token, and who it is."""

    secret: str
    csrf_token: str
    user: dict[str, Any]
    max_age: int


def login(session: Session, settings: Settings, email: str, password: str, client: str) -> SignIn | None:
    """Sign in; ``None`` when the e-mail or password is wrong (the failure is counted, so
    the caller must commit before answering)."""
    email = email.strip().lower()
    keys = (f"email:{email}", f"client:{client}")
    now = utcnow()
    for key in keys:
        if repo.recent_attempts(session, key, now - WINDOW) >= settings.login_attempts:
            raise RateLimitedError(
                "too many failed sign-ins; wait 15 minutes and try again", retry_after=int(WINDOW.total_seconds())
            )
    user = repo.user_by_email(session, email)
    if user is None or not user.active or not check_password(user, password):
        for key in keys:
            repo.record_attempt(session, key, now)
        repo.prune_attempts(session, now - WINDOW)  # old failures no longer count
        return None
    repo.forget_attempts(session, keys[0])
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    hours = timedelta(hours=settings.session_hours)
    repo.add(
        session, LoginSessionRecord(token_hash=digest(secret), csrf_token=csrf, user_id=user.id, expires_at=now + hours)
    )
    audit.record(session, actor_of(user), None, "session", "login", after={"user_id": user.id, "client": client})
    return SignIn(secret, csrf, user_view(user), int(hours.total_seconds()))


def session_actor(session: Session, secret: str) -> tuple[Actor, str] | None:
    """The actor behind a session cookie and the session's CSRF token (``None`` when the
    session is unknown, expired or its user deactivated)."""
    pair = repo.credential_by_hash(session, LoginSessionRecord, digest(secret))
    if pair is None:
        return None
    found, user = pair
    if found.expires_at <= utcnow() or not user.active:
        return None
    return actor_of(user), found.csrf_token


def csrf_ok(expected: str, sent: str | None) -> bool:
    """Whether the CSRF token sent matches the session's (compared in constant time)."""
    return sent is not None and hmac.compare_digest(expected.encode(), sent.encode())


def logout(session: Session, secret: str) -> None:
    """End a browser session."""
    pair = repo.credential_by_hash(session, LoginSessionRecord, digest(secret))
    if pair is not None:
        repo.remove(session, pair[0])


def token_actor(session: Session, secret: str) -> Actor | None:
    """The actor behind a personal API token (``None`` when unknown or revoked)."""
    pair = repo.credential_by_hash(session, ApiTokenRecord, digest(secret))
    if pair is None:
        return None
    found, user = pair
    if found.revoked_at is not None or not user.active:
        return None
    now = utcnow()
    if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:  # not a write per request
        found.last_used_at = now
    return actor_of(user)


def token_view(record: ApiTokenRecord) -> dict[str, Any]:
    """A token as the API shows it (never the secret)."""
    return {
        "id": record.id,
        "name": record.name,
        "prefix": record.prefix,
        "created_at": record.created_at,
        "last_used_at": record.last_used_at,
        "revoked_at": record.revoked_at,
    }


def create_token(session: Session, actor: Actor, body: TokenCreate) -> dict[str, Any]:
    """A new personal API token; its secret is in the reply this once only."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiTokenRecord(user_id=actor.user_id, name=body.name, token_hash=digest(secret), prefix=secret[:10])
    repo.add(session, record)
    audit.record(session, actor, None, "token", "create", after=token_view(record))
    return {**token_view(record), "token": secret}


def list_tokens(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """One's own tokens."""
    found = repo.rows(session, ApiTokenRecord, ApiTokenRecord.user_id == actor.user_id, order=ApiTokenRecord.id)
    return [token_view(t) for t in found]


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    """Revoke one of one's own tokens (at once, for every server)."""
    record = repo.get(session, ApiTokenRecord, token_id)
    if record is None or record.user_id != actor.user_id:
        raise NotFoundError(f"token {token_id} not found")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        repo.flush(session)
        audit.record(session, actor, None, "token", "revoke", after=token_view(record))
