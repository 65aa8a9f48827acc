"""The home page: the portfolio, and creating or importing a project."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from milepost.errors import MilepostError
from milepost.schemas.projects import ProjectCreate
from milepost.services import portfolio, projects
from milepost.web.context import PageCtx
from milepost.web.routes.common import by_field, form_model, go, page

router = APIRouter()


def _home(ctx: PageCtx, status: int = 200, csrf: str | None = None, **values: object) -> Response:
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf)  # a refused form comes back here: its token is checked again
        standings = portfolio.portfolio(session, viewer.actor, datetime.now())
    values.setdefault("problems", {})
    values.setdefault("form", {})
    return page(ctx, "home.html", viewer, status, standings=standings, **values)


@router.get("/")
def home(ctx: PageCtx) -> Response:
    """Every project one can see, with its finish, float to the deadline, status and next milestones."""
    return _home(ctx)


@router.post("/projects")
def create_project(
    ctx: PageCtx,
    name: Annotated[str, Form()],
    start: Annotated[str, Form()],
    timezone: Annotated[str, Form()] = "UTC",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """A new, empty project."""
    try:
        body = form_model(ProjectCreate, name=name, start=start, timezone=timezone)
        made, _ = ctx.run(projects.create_project, body, csrf=csrf_token)
    except MilepostError as exc:
        form = {"name": name, "start": start, "timezone": timezone}
        return _home(ctx, 422, csrf_token, problems=by_field(exc), form=form, open="create")
    return go(f"/projects/{made['id']}/tasks", ctx)


@router.post("/projects/import")
def import_project(
    ctx: PageCtx,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """A new project from a plan file, MS Project XML or a task list."""
    content = file.file.read(projects.MAX_IMPORT_BYTES + 1)
    try:
        made, _ = ctx.run(
            projects.import_project, file.filename or "upload", content, name=name or None, csrf=csrf_token
        )
    except MilepostError as exc:
        problems = [p.__str__() for p in getattr(exc, "problems", ())] or [exc.message]
        return _home(ctx, 422, csrf_token, problems={"file": problems[0]}, import_problems=problems, open="import")
    notes = made["notes"]
    target = f"/projects/{made['project']['id']}/gantt"
    if notes:
        target += "?imported=1"
    return go(target, ctx)
