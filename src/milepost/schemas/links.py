"""Dependencies between tasks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from milepost.schemas.common import Strict

LinkTypeText = Literal["FS", "SS", "FF", "SF"]
LAG = "Lag: +2d, -1d (a lead), 3ed (elapsed), +50% (of the predecessor's duration); 0 for none."


class LinkCreate(Strict):
    """``successor`` depends on ``predecessor``."""

    predecessor_id: int
    successor_id: int
    type: LinkTypeText = "FS"
    lag: str = Field("0", max_length=40, description=LAG)


class LinkUpdate(Strict):
    """Fields to change (only those sent change)."""

    type: LinkTypeText | None = None
    lag: str | None = Field(None, max_length=40, description=LAG)
    version: int | None = Field(None, ge=1, description="The version last read (or send an If-Match header).")


class LinkRead(BaseModel):
    """A dependency."""

    id: int
    version: int
    predecessor_id: int
    successor_id: int
    predecessor: str = Field(description="The predecessor's full key.")
    successor: str = Field(description="The successor's full key.")
    type: str
    lag: str
