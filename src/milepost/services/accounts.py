"""Users and passwords: local accounts with Argon2 hashes, and the first admin.

Passwords are hashed with Argon2id (``argon2-cffi``'s recommended parameters); a hash
made with older parameters is upgraded at the next successful sign-in.
"""

from __future__ import annotations

import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from milepost.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from milepost.schemas.accounts import PasswordChange, UserCreate, UserUpdate
from milepost.services import audit
from milepost.services.access import Actor, require_admin
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import UserRecord

_hasher = PasswordHasher()
FIRST_ADMIN = "admin@localhost"


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher.hash(password)


def check_password(user: UserRecord, password: str) -> bool:
    """Whether ``password`` is the user's (upgrading an outdated hash in passing)."""
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def check_new_password(password: str, email: str, field: str = "password") -> None:
    """A password must be at least 10 characters and not the e-mail address."""
    if len(password) < 10:
        raise InvalidInputError(Problem("weak_password", "a password needs at least 10 characters", field))
    if password.strip().lower() == email.strip().lower():
        raise InvalidInputError(Problem("weak_password", "the password cannot be the e-mail address", field))


def user_view(user: UserRecord) -> dict[str, Any]:
    """A user as the API shows it (never the hash)."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "is_admin": user.is_admin,
        "active": user.active,
        "must_change_password": user.must_change_password,
        "created_at": user.created_at,
    }


def add_user(session: Session, email: str, password: str, *, name: str = "", is_admin: bool = False) -> UserRecord:
    """A new local account (no permission check: for the CLI and the first run)."""
    email = email.strip().lower()
    if repo.user_by_email(session, email) is not None:
        raise ConflictError(f"a user with e-mail {email} already exists", code="duplicate_user")
    check_new_password(password, email)
    user = UserRecord(email=email, name=name, password_hash=hash_password(password), is_admin=is_admin)
    repo.add(session, user)
    audit.record(session, None, None, "user", "create", after=user_view(user))
    return user


def ensure_first_admin(session: Session) -> tuple[str, str] | None:
    """On first run (no users yet), an admin with a one-time password that must be
    changed at the first sign-in; returns its e-mail and password to print."""
    if repo.count(session, UserRecord) > 0:
        return None
    password = secrets.token_urlsafe(12)
    user = add_user(session, FIRST_ADMIN, password, name="Administrator", is_admin=True)
    user.must_change_password = True
    repo.flush(session)
    return FIRST_ADMIN, password


def create_user(session: Session, actor: Actor, body: UserCreate) -> dict[str, Any]:
    """A new account (an admin's)."""
    require_admin(actor)
    return user_view(add_user(session, body.email, body.password, name=body.name, is_admin=body.is_admin))


def list_users(session: Session, actor: Actor, *, q: str = "", limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Users of the workspace (an admin's: others add members by e-mail)."""
    require_admin(actor)
    where = (
        [UserRecord.email.icontains(q, autoescape=True) | UserRecord.name.icontains(q, autoescape=True)] if q else []
    )
    found = repo.rows(session, UserRecord, *where, order=UserRecord.id, limit=limit, offset=offset)
    total = repo.count(session, UserRecord, *where)
    return {"items": [user_view(u) for u in found], "total": total, "limit": limit, "offset": offset}


def get_user(session: Session, user_id: int) -> UserRecord:
    """A user by id."""
    user = repo.get(session, UserRecord, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} not found")
    return user


def update_user(session: Session, actor: Actor, user_id: int, body: UserUpdate) -> dict[str, Any]:
    """Rename, make admin, or deactivate a user (an admin's; an admin cannot demote or
    deactivate themselves, so the workspace always keeps one)."""
    require_admin(actor)
    user = get_user(session, user_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if user_id == actor.user_id and (changes.get("is_admin") is False or changes.get("active") is False):
        raise ConflictError("you cannot remove your own admin rights or deactivate yourself", code="last_admin")
    before = user_view(user)
    for name, value in changes.items():
        setattr(user, name, value)
    repo.flush(session)
    if changes.get("active") is False:
        repo.end_sessions(session, user.id)
    audit.record(session, actor, None, "user", "update", before=before, after=user_view(user))
    return user_view(user)


def change_password(session: Session, actor: Actor, body: PasswordChange) -> dict[str, Any]:
    """Change one's own password (ends one's other sign-ins)."""
    user = get_user(session, actor.user_id)
    if not check_password(user, body.current_password):
        raise InvalidInputError(Problem("wrong_password", "the current password is not right", "current_password"))
    check_new_password(body.new_password, user.email, "new_password")
    if body.new_password == body.current_password:
        raise InvalidInputError(
            Problem("same_password", "choose a password different from the current one", "new_password")
        )
    user.password_hash = hash_password(body.new_password)
    user.must_change_password = False
    repo.flush(session)
    audit.record(session, actor, None, "user", "password", after={"id": user.id})
    return user_view(user)


def set_password(session: Session, email: str, password: str) -> UserRecord:
    """Set a user's password (the CLI's, for an admin who is locked out)."""
    user = repo.user_by_email(session, email)
    if user is None:
        raise NotFoundError(f"no user with e-mail {email}")
    check_new_password(password, user.email)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.active = True
    repo.forget_attempts(session, f"email:{user.email}")
    repo.flush(session)
    audit.record(session, None, None, "user", "password", after={"id": user.id})
    return user
