"""Background jobs: levelling with progress, that any server process can report or cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from milepost.api.context import Ctx
from milepost.schemas.jobs import JobRead
from milepost.schemas.scheduling import LevelRequest
from milepost.services import jobs

router = APIRouter(tags=["jobs"])


@router.post("/projects/{project_id}/level/jobs", status_code=202, response_model=JobRead)
def start_level_job(project_id: int, ctx: Ctx, body: LevelRequest | None = None) -> dict[str, Any]:
    """Level the project's resources in the background (managers): 202 with the job to
    follow (GET /jobs/{id}); when done, GET /projects/{id}/level returns the result.
    409 ``job_running`` (with the job) while a levelling of the project runs."""
    job = ctx.run(jobs.start_levelling, project_id, body or LevelRequest())
    jobs.launch(ctx.factory, job["id"])
    return job


@router.get("/jobs/{job_id}", response_model=JobRead)
def get_job(job_id: int, ctx: Ctx) -> dict[str, Any]:
    """A job's status, progress and message (anyone who may read its project)."""
    return ctx.run(jobs.get_job, job_id)


@router.post("/jobs/{job_id}/cancel", response_model=JobRead)
def cancel_job(job_id: int, ctx: Ctx) -> dict[str, Any]:
    """Ask a job to stop (managers); it stops within a moment and stores nothing.  A job
    that has ended is returned as it is."""
    return ctx.run(jobs.cancel_job, job_id)
