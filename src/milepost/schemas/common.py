"""Shapes shared by every resource: pages of a list, versions, problems."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

T = TypeVar("T")

MAX_PAGE = 500


def _in_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


Timestamp = Annotated[datetime, AfterValidator(_in_utc)]
"""A moment something happened: stored as naive UTC, sent with its offset (``...Z``), as
OpenAPI's ``date-time`` requires."""


class Strict(BaseModel):
    """A body with unknown keys refused."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, how many there are in all, and where this page is."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Paging(Strict):
    """Which page of a list to return."""

    limit: int = Field(100, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class VersionOnly(Strict):
    """A body that only names the version it is based on (for a delete or a move)."""

    version: int | None = Field(None, ge=1, description="The version last read (or send an If-Match header).")


class ProblemOut(BaseModel):
    """One thing wrong with the request, and where."""

    code: str
    message: str
    path: str = Field("", description="Where in the request: a field path such as duration or manual.start.")
    file: str | None = Field(None, description="For an uploaded file: its name ...")
    line: int | None = Field(None, description="... the line ...")
    column: int | None = Field(None, description="... and the column of the problem.")


class ErrorOut(BaseModel):
    """An error reply: a stable code, a sentence, and for invalid input every problem."""

    code: str
    message: str
    problems: list[ProblemOut] = Field(default_factory=list)
    current: dict[str, object] | None = Field(
        None, description="With 409 on a stale update: the object as it is now, to merge and send again."
    )
