"""Asking for a levelled schedule."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from milepost.schemas.common import Strict


class LevelRequest(Strict):
    """How to level: the same options as ``milepost level``."""

    optimize: bool = Field(False, description="Improve the heuristic's schedule with OR-Tools CP-SAT.")
    time_limit: float = Field(10.0, gt=0, le=120, description="Seconds in all for an optimizing levelling.")
    schedules: int | None = Field(
        None,
        ge=10,
        le=100_000,
        description="Budget of the heuristic, in schedules built; by default 1,000 for plans of up to 400 "
        "activities and fewer for larger ones (400,000 activity placements).",
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="The same seed gives the same result.")
    within_float: bool = Field(False, description="Never delay a task past its total float.")
    objective: Literal["makespan", "lateness"] = Field("makespan", description="What CP-SAT minimises.")
