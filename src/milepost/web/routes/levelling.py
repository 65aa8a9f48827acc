"""Levelling from the resources page: a background job with a progress bar that polls,
a Cancel button, then every delay explained and the levelled load."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from milepost.engine.load import Period
from milepost.errors import ConflictError, InvalidInputError, NotFoundError
from milepost.schemas.scheduling import LevelRequest
from milepost.services import jobs
from milepost.services.access import Actor
from milepost.storage.db import Session
from milepost.web.context import PageCtx, Viewer
from milepost.web.routes.common import by_field, form_model, go, page
from milepost.web.routes.resources import render, resources_page

router = APIRouter()
Csrf = Annotated[str, Form()]


def levelling_section(
    session: Session, actor: Actor, project_id: int, by: Period, job_id: int | None
) -> dict[str, Any]:
    """The page's values, with the job ``job_id`` (when given) or the one running."""
    return resources_page(session, actor, project_id, by, job_id)


def _answer(ctx: PageCtx, viewer: Viewer, values: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    """The levelling section for HTMX, else the whole page."""
    extra.setdefault("level_problems", {})
    extra.setdefault("level_typed", {})
    if ctx.htmx:
        return page(ctx, "partials/levelling.html", viewer, status, **values, **extra)
    return render(ctx, viewer, values, status, **extra)


@router.get("/projects/{project_id}/levelling")
def levelling(ctx: PageCtx, project_id: int, by: Period = Period.WEEK, job: int | None = None) -> Response:
    """The levelling section (what the progress bar polls)."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        values = levelling_section(session, viewer.actor, project_id, by, job)
    if not ctx.htmx:
        return go(f"/projects/{project_id}/resources?by={by.value}" + (f"&job={job}" if job else "") + "#levelling")
    return _answer(ctx, viewer, values)


@router.post("/projects/{project_id}/level")
async def start_levelling(ctx: PageCtx, request: Request, project_id: int) -> Response:
    """Start levelling in the background (managers); a levelling already running is shown instead."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    typed = {
        "optimize": form.get("optimize") == "on",
        "within_float": form.get("within_float") == "on",
        "time_limit": form.get("time_limit", "").strip() or "10",
    }
    by = Period.DAY if form.get("by") == "day" else Period.WEEK
    started = None
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, form.get("csrf_token") or None)  # else the header HTMX sends
        try:
            job = jobs.start_levelling(session, viewer.actor, project_id, form_model(LevelRequest, **typed))
            started = job["id"]
        except ConflictError as exc:
            if exc.code != "job_running" or exc.current is None:
                raise
            session.rollback()
            job = exc.current
        except InvalidInputError as exc:
            session.rollback()
            values = levelling_section(session, viewer.actor, project_id, by, None)
            return _answer(ctx, viewer, values, 422, level_problems=by_field(exc), level_typed=typed)
    if started is not None:
        jobs.launch(ctx.factory, started)
    if not ctx.htmx:
        return go(f"/projects/{project_id}/resources?by={by.value}&job={job['id']}#levelling")
    with ctx.transaction() as session:
        values = levelling_section(session, viewer.actor, project_id, by, job["id"])
    return _answer(ctx, viewer, values, level_typed=typed)


@router.post("/projects/{project_id}/jobs/{job_id}/cancel")
def cancel(ctx: PageCtx, project_id: int, job_id: int, by: Annotated[str, Form()] = "week",
           csrf_token: Csrf = "") -> Response:  # fmt: skip
    """Cancel a levelling (managers); it stops within a moment."""
    period = Period.DAY if by == "day" else Period.WEEK
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf_token or None)
        if jobs.get_job(session, viewer.actor, job_id)["project_id"] != project_id:
            raise NotFoundError(f"job {job_id} not found")
        jobs.cancel_job(session, viewer.actor, job_id)
    if not ctx.htmx:
        return go(f"/projects/{project_id}/resources?by={period.value}&job={job_id}#levelling")
    with ctx.transaction() as session:
        values = levelling_section(session, viewer.actor, project_id, period, job_id)
    return _answer(ctx, viewer, values)
