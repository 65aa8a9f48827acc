"""Calendars: a plan file's calendar entry, with its key."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from milepost.io.planfile.model import CalendarModel


class CalendarCreate(CalendarModel):
    """A new calendar, written as in a plan file's ``calendars`` section."""

    key: str = Field(max_length=100, description="Key tasks and resources use: letters, digits, _ and -.")


class CalendarUpdate(CalendarModel):
    """Fields to change (only those sent change)."""

    key: str | None = Field(None, max_length=100)
    version: int | None = Field(None, ge=1, description="The version last read (or send an If-Match header).")


class CalendarRead(BaseModel):
    """A calendar, as its plan-file entry."""

    id: int
    version: int
    key: str
    definition: dict[str, Any] = Field(description="The calendar as written in a plan file.")
