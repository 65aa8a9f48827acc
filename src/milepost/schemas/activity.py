"""Comments on tasks and the audit log."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from milepost.schemas.common import Strict, Timestamp


class CommentCreate(Strict):
    """A comment on a task."""

    body: str = Field(min_length=1, max_length=20_000)


class CommentRead(BaseModel):
    """A comment, with its author."""

    id: int
    task_id: int
    user_id: int | None
    author: str
    body: str
    created_at: Timestamp


class FieldChange(BaseModel):
    """One field a task's update changed, in plan-file notation (``duration``: ``5d`` to ``6d``;
    ``place`` for a move in the outline)."""

    field: str
    before: str
    after: str


class AuditRead(BaseModel):
    """One change: who, when, what, with the state before and after (and, for a task's
    update, the fields it changed in plan-file notation)."""

    id: int
    at: Timestamp
    user_id: int | None
    user: str
    entity: str
    entity_id: int | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[FieldChange] = []
