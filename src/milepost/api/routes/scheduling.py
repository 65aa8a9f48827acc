"""Running the engines on a stored project: schedule and level."""

from __future__ import annotations

from fastapi import APIRouter, Response

from milepost.api.context import Ctx
from milepost.schemas.scheduling import LevelRequest
from milepost.services import scheduling
from milepost.services.access import Action

router = APIRouter(tags=["scheduling"])
JSON = "application/json"
SCHEDULE_DOC = {
    "description": "The schedule as `milepost schedule -f json` prints it: project, tasks, diagnostics.",
    "content": {JSON: {"schema": {"type": "object"}}},
}
LEVEL_DOC = {
    "description": "The levelled schedule, every delay explained, and the resource-critical path.",
    "content": {JSON: {"schema": {"type": "object"}}},
}


@router.get("/projects/{project_id}/schedule", response_class=Response, responses={200: SCHEDULE_DOC})
def get_schedule(project_id: int, ctx: Ctx) -> Response:
    """The critical-path schedule of the project as it is now (cached per revision)."""
    return Response(ctx.run(scheduling.schedule_project, project_id), media_type=JSON)


@router.post("/projects/{project_id}/schedule", response_class=Response, responses={200: SCHEDULE_DOC})
def run_schedule(project_id: int, ctx: Ctx) -> Response:
    """Schedule the project now (managers); the same document as GET."""
    return Response(ctx.run(scheduling.schedule_project, project_id, action=Action.EDIT), media_type=JSON)


@router.post("/projects/{project_id}/level", response_class=Response, responses={200: LEVEL_DOC})
def run_level(project_id: int, ctx: Ctx, body: LevelRequest | None = None) -> Response:
    """Level the project's resources (managers); may take up to the time limit with optimize."""
    return Response(ctx.run(scheduling.level_project, project_id, body or LevelRequest()), media_type=JSON)


@router.get("/projects/{project_id}/level", response_class=Response, responses={200: LEVEL_DOC})
def get_level(project_id: int, ctx: Ctx) -> Response:
    """The last levelling, if the project has not changed since."""
    return Response(ctx.run(scheduling.last_levelling, project_id), media_type=JSON)
