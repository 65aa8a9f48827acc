"""Dependencies, calendars, resources and assignments: the same five routes each."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from milepost.api.crud import Operations, add_routes
from milepost.schemas.calendars import CalendarCreate, CalendarRead, CalendarUpdate
from milepost.schemas.links import LinkCreate, LinkRead, LinkUpdate
from milepost.schemas.resources import (
    AssignmentCreate,
    AssignmentRead,
    AssignmentUpdate,
    ResourceCreate,
    ResourceRead,
    ResourceUpdate,
)
from milepost.services import calendars, links, resources

router = APIRouter()
TaskFilter = Annotated[int | None, Query(description="Only those of this task.")]
ResourceFilter = Annotated[int | None, Query(description="Only those of this resource.")]


def _link_filters(task_id: TaskFilter = None) -> dict[str, Any]:
    return {"task_id": task_id}


def _assignment_filters(task_id: TaskFilter = None, resource_id: ResourceFilter = None) -> dict[str, Any]:
    return {"task_id": task_id, "resource_id": resource_id}


_dependencies = APIRouter(tags=["plan"])
add_routes(
    _dependencies,
    "dependencies",
    "dependency",
    Operations(links.list_links, links.get_link, links.create_link, links.update_link, links.delete_link),
    (LinkCreate, LinkUpdate, LinkRead),
    _link_filters,
)
_calendars = APIRouter(tags=["calendars"])
add_routes(
    _calendars,
    "calendars",
    "calendar",
    Operations(
        calendars.list_calendars,
        calendars.get_calendar,
        calendars.create_calendar,
        calendars.update_calendar,
        calendars.delete_calendar,
    ),
    (CalendarCreate, CalendarUpdate, CalendarRead),
)
_resources = APIRouter(tags=["resources"])
add_routes(
    _resources,
    "resources",
    "resource",
    Operations(
        resources.list_resources,
        resources.get_resource,
        resources.create_resource,
        resources.update_resource,
        resources.delete_resource,
    ),
    (ResourceCreate, ResourceUpdate, ResourceRead),
)
add_routes(
    _resources,
    "assignments",
    "assignment",
    Operations(
        resources.list_assignments,
        resources.get_assignment,
        resources.create_assignment,
        resources.update_assignment,
        resources.delete_assignment,
    ),
    (AssignmentCreate, AssignmentUpdate, AssignmentRead),
    _assignment_filters,
)
for part in (_dependencies, _calendars, _resources):
    router.include_router(part)
