"""Background jobs: a long operation's status, progress and result."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]


class JobRead(BaseModel):
    """A long operation run in the background (levelling), as any server process sees it."""

    id: int
    project_id: int
    user_id: int | None = Field(description="Who started it.")
    kind: Literal["level"] = Field(description="What it does: level (the project's resources).")
    status: JobStatus = Field(
        description="queued, running, then done, failed (message says why) or cancelled (nothing is stored)."
    )
    progress: float = Field(ge=0, le=1, description="How far it is, from 0 to 1.")
    message: str = Field(description="What it is doing now, or how it ended.")
    cancel_requested: bool = Field(description="Someone asked to cancel it; it stops at its next report.")
    params: dict[str, Any] = Field(description="What it was asked to do (for levelling: the level request).")
    result: str | None = Field(description="Where the result is, once done: GET this URL.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime = Field(description="Its last report; a job silent for long is failed as lost.")
