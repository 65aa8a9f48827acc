"""Tasks: a plan file's task fields, plus their place in the WBS."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from milepost.io.planfile.model import Key, TaskFieldsModel

_VERSION = Field(None, ge=1, description="The version last read (or send an If-Match header).")


class TaskCreate(TaskFieldsModel):
    """A new task: its fields as in a plan file, and where it goes in the WBS."""

    parent_id: int | None = Field(None, description="The summary task it goes under (none: the top level).")
    position: int | None = Field(None, ge=0, description="Its place among its siblings (none: the end).")
    external_id: str | None = Field(None, max_length=100, description="An id elsewhere: MS Project UID, ticket.")


class TaskUpdate(TaskFieldsModel):
    """Fields to change (only those sent change; ``null`` clears an optional field)."""

    key: Key | None = None  # type: ignore[assignment]
    external_id: str | None = Field(None, max_length=100)
    version: int | None = _VERSION


class TaskMove(BaseModel):
    """Where to move a task: under another parent, to another position, or one step."""

    model_config = {"extra": "forbid"}

    version: int | None = _VERSION
    parent_id: int | None = Field(None, description="The new parent (with to_top false, none keeps the parent).")
    to_top: bool = Field(False, description="Move to the top level.")
    position: int | None = Field(None, ge=0, description="Place among the new siblings (none: the end).")
    step: Literal["indent", "outdent", "up", "down"] | None = Field(
        None,
        description="indent: under the sibling above (as its last subtask); outdent: out of its summary, "
        "just after it; up/down: swap with the sibling above/below.",
    )


class ManualRead(BaseModel):
    """The dates a manually scheduled task keeps."""

    start: str
    finish: str


class TaskRead(BaseModel):
    """A task as stored, with the notation of a plan file."""

    id: int
    version: int
    parent_id: int | None
    position: int
    path: str = Field(description="The full key: the keys of its summary tasks and its own, joined by dots.")
    summary: bool
    key: str
    name: str
    duration: str | None
    milestone: bool
    deliverable: bool
    priority: int
    constraint: str | None
    deadline: str | None
    calendar: str | None
    notes: str
    external_id: str | None
    manual: ManualRead | None
    progress: str
    actual_start: str | None
    actual_finish: str | None
    type: str
    effort_driven: bool
