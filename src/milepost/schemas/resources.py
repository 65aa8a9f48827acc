"""Resources and assignments: a plan file's entries, by id."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from milepost.io.planfile.model import DurationText as WorkText
from milepost.io.planfile.model import Key, ResourceModel, UnitsText
from milepost.schemas.common import Strict

_VERSION = Field(None, ge=1, description="The version last read (or send an If-Match header).")


class ResourceCreate(ResourceModel):
    """A new resource, written as in a plan file's ``resources`` section."""

    user_id: int | None = Field(None, description="The workspace user this resource is (to report progress).")


class ResourceUpdate(ResourceModel):
    """Fields to change (only those sent change)."""

    key: Key | None = None  # type: ignore[assignment]
    user_id: int | None = None
    version: int | None = _VERSION


class ResourceRead(BaseModel):
    """A resource, as its plan-file entry."""

    id: int
    version: int
    key: str
    user_id: int | None
    definition: dict[str, Any] = Field(description="The resource as written in a plan file.")


class AssignmentCreate(Strict):
    """A resource on a task."""

    task_id: int
    resource_id: int
    units: UnitsText | None = Field(None, description="Share of the resource: 50%, 100% (default), 2.")
    work: WorkText | None = Field(None, description="Work, when it is not units times duration: 40h.")
    quantity: float | None = Field(None, ge=0, allow_inf_nan=False, description="For a material: how much is used.")


class AssignmentUpdate(Strict):
    """Fields to change (only those sent change; ``null`` clears work or quantity)."""

    units: UnitsText | None = None
    work: WorkText | None = None
    quantity: float | None = Field(None, ge=0, allow_inf_nan=False)
    version: int | None = _VERSION


class AssignmentRead(BaseModel):
    """A resource on a task."""

    id: int
    version: int
    task_id: int
    resource_id: int
    task: str = Field(description="The task's full key.")
    resource: str = Field(description="The resource's key.")
    units: str
    work: str | None
    quantity: float | None
