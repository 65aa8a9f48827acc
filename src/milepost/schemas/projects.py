"""Projects, their members, and imports."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from milepost.io.planfile.model import ProjectModel
from milepost.schemas.common import Strict, Timestamp

RoleText = Literal["owner", "manager", "member", "viewer"]


class ProjectCreate(ProjectModel):
    """A new, empty project: the ``project`` section of a plan file."""


class ProjectUpdate(ProjectModel):
    """Settings to change (only those sent change)."""

    name: str | None = None  # type: ignore[assignment]
    version: int | None = Field(None, ge=1, description="The version last read (or send an If-Match header).")


class ProjectRead(BaseModel):
    """A project: its settings as in a plan file, and what the caller may do with it."""

    id: int
    version: int
    revision: int = Field(description="Goes up with every change to anything in the project.")
    name: str
    role: RoleText = Field(description="The caller's role on this project.")
    settings: dict[str, Any] = Field(description="The project section of its plan file.")
    tasks: int = Field(description="How many tasks it has.")
    created_at: Timestamp


class ImportNoteRead(BaseModel):
    """Something in an imported file that was not mapped as is."""

    code: str
    message: str
    count: int


class ImportRead(BaseModel):
    """A project made from an imported file, and what was not mapped."""

    project: ProjectRead
    notes: list[ImportNoteRead]


class MemberWrite(Strict):
    """Give a user a role on the project (by id or e-mail)."""

    user_id: int | None = None
    email: str | None = Field(None, max_length=320)
    role: RoleText


class MemberUpdate(Strict):
    """Change a member's role."""

    role: RoleText


class MemberRead(BaseModel):
    """A user's role on the project."""

    user_id: int
    email: str
    name: str
    role: RoleText
