"""Users, signing in, and personal API tokens."""

from __future__ import annotations

from pydantic import BaseModel, Field

from milepost.schemas.common import Strict, Timestamp

Password = Field(min_length=10, max_length=1000, description="At least 10 characters.")


class LoginRequest(Strict):
    """E-mail and password."""

    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1000)


class UserRead(BaseModel):
    """A user of the workspace."""

    id: int
    email: str
    name: str
    is_admin: bool
    active: bool
    must_change_password: bool
    created_at: Timestamp


class SessionRead(BaseModel):
    """The signed-in user, and the token forms and scripts send back in ``X-CSRF-Token``."""

    user: UserRead
    csrf_token: str


class UserCreate(Strict):
    """A new local account (an admin's)."""

    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field("", max_length=200)
    password: str = Password
    is_admin: bool = False


class UserUpdate(Strict):
    """Change a user (an admin's): name, admin rights, or deactivate."""

    name: str | None = Field(None, max_length=200)
    is_admin: bool | None = None
    active: bool | None = None


class PasswordChange(Strict):
    """Change one's own password."""

    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Password


class TokenCreate(Strict):
    """A new personal API token."""

    name: str = Field(min_length=1, max_length=200, description="What it is for, e.g. 'CI export'.")


class TokenRead(BaseModel):
    """A personal API token (never its secret)."""

    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None


class TokenCreated(TokenRead):
    """A new token: the secret is shown this once; send it as ``Authorization: Bearer ...``."""

    token: str
