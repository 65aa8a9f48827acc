"""The resources page: the project's resources with their plan-file fields, their
calendars, their load by day or week (planned and levelled), and levelling."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from milepost.charts.histogram import HistogramParams, histogram_svg
from milepost.domain.calendar import builtin_calendars
from milepost.engine.load import LoadReport, Period
from milepost.errors import ConflictError, MilepostError, NotFoundError, PermissionDeniedError
from milepost.schemas.resources import ResourceCreate, ResourceUpdate
from milepost.services import calendars, jobs, loads, members, resources
from milepost.services.access import Action, Actor
from milepost.storage.db import Session
from milepost.web.context import PageCtx, Viewer
from milepost.web.routes.common import by_field, form_model, go, page

router = APIRouter()
Csrf = Annotated[str, Form()]
TEXTS = ("key", "name", "kind", "units", "calendar", "rate", "overtime_rate", "cost_per_use", "email", "role",
         "label", "notes")  # fmt: skip
OPTIONAL = frozenset({"units", "calendar", "rate", "overtime_rate", "cost_per_use", "role"})
"""Fields that are left out of the plan entry when empty (the others are empty strings)."""
LABELS = {
    "key": "Key", "name": "Name", "kind": "Kind", "units": "Max units", "calendar": "Calendar", "rate": "Rate",
    "overtime_rate": "Overtime rate", "cost_per_use": "Cost per use", "email": "E-mail", "role": "Role",
    "label": "Material label", "notes": "Notes", "generic": "Generic", "user_id": "Linked user",
}  # fmt: skip


def histograms(report: LoadReport, by: Period) -> list[dict[str, Any]]:
    """One histogram per work resource."""
    params = HistogramParams(period=by, bar_width=16 if by is Period.WEEK else 8)
    return [{"key": key, "chart": histogram_svg(report, key, params)} for key in report.resources]


def resources_page(
    session: Session, actor: Actor, project_id: int, by: Period, job_id: int | None = None
) -> dict[str, Any]:
    """Everything the resources page shows, with the job ``job_id`` (when given) or the
    levelling running."""
    job = jobs.active_job(session, actor, project_id)
    if job_id is not None and (job is None or job["id"] != job_id):
        job = jobs.get_job(session, actor, job_id)
        if job["project_id"] != project_id:
            raise NotFoundError(f"job {job_id} not found")
    found = loads.resource_loads(session, actor, project_id, by)  # after the job: a job done has its result
    plan = found.plan
    own = calendars.list_calendars(session, actor, project_id, limit=500)["items"]
    team = members.list_members(session, actor, project_id)
    return {
        "project": plan.record,
        "plan": plan,
        "resources": resources.list_resources(session, actor, project_id, limit=500)["items"],
        "calendars": own,
        "calendar_keys": sorted({*builtin_calendars(), *(c["key"] for c in own)}),
        "members": team,
        "users": {m["user_id"]: m for m in team},
        "editable": plan.may(Action.EDIT),
        "by": by.value,
        "planned": histograms(found.planned, by),
        "levelled": histograms(found.levelled, by) if found.levelled is not None else [],
        "levelling": found.levelling,
        "job": job,
        "labels": LABELS,
        "tab": "resources",
    }


def render(ctx: PageCtx, viewer: Viewer, values: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    """The resources page (its forms' problems and typed values in ``extra``)."""
    for name in ("problems", "typed", "calendar_problems", "calendar_typed", "level_problems", "level_typed"):
        extra.setdefault(name, {})
    return page(ctx, "project/resources.html", viewer, status, **values, **extra)


@router.get("/projects/{project_id}/resources")
def resources_list(ctx: PageCtx, project_id: int, by: Period = Period.WEEK, job: int | None = None) -> Response:
    """Resources, calendars, load and levelling."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        values = resources_page(session, viewer.actor, project_id, by, job)
    return render(ctx, viewer, values)


def resource_form(form: dict[str, str]) -> dict[str, Any]:
    """A resource's plan-file fields from a submitted form (empty optional fields: none)."""
    out: dict[str, Any] = {f: form.get(f, "").strip() for f in TEXTS}
    for f in OPTIONAL:
        out[f] = out[f] or None
    out["kind"] = out["kind"] or "work"
    out["generic"] = form.get("generic") == "on"
    user = form.get("user_id", "").strip()
    out["user_id"] = int(user) if user.isdigit() else None
    return out


@router.post("/projects/{project_id}/resources")
async def add_resource(ctx: PageCtx, request: Request, project_id: int) -> Response:
    """Add a resource."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    typed = resource_form(form)
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, form.get("csrf_token") or None)  # else the header HTMX sends
        try:
            body = form_model(ResourceCreate, **{k: v for k, v in typed.items() if v is not None})
            made = resources.create_resource(session, viewer.actor, project_id, body)
        except MilepostError as exc:
            session.rollback()
            if isinstance(exc, PermissionDeniedError):
                raise
            values = resources_page(session, viewer.actor, project_id, Period.WEEK)
            message = {"kind": "bad", "text": "Not added: see the marked fields."}
            return render(ctx, viewer, values, 422, problems=by_field(exc), typed=typed, messages=[message])
    return go(f"/projects/{project_id}/resources?added={made['id']}#resources")


@router.get("/projects/{project_id}/resources/{resource_id}")
def resource_detail(ctx: PageCtx, project_id: int, resource_id: int) -> Response:
    """One resource's fields (a form for those who may change them)."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        values = _detail(session, viewer.actor, project_id, resource_id)
    return page(ctx, "project/resource.html", viewer, problems={}, typed={}, **values)


def _detail(session: Session, actor: Actor, project_id: int, resource_id: int) -> dict[str, Any]:
    values = resources_page(session, actor, project_id, Period.WEEK)
    values["resource"] = resources.get_resource(session, actor, project_id, resource_id)
    values["assignments"] = resources.list_assignments(session, actor, project_id, resource_id=resource_id, limit=500)[
        "items"
    ]
    return values


@router.post("/projects/{project_id}/resources/{resource_id}")
async def save_resource(ctx: PageCtx, request: Request, project_id: int, resource_id: int) -> Response:
    """Save a resource's form; a conflict shows the other person's values and keeps yours."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    typed = resource_form(form)
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, form.get("csrf_token") or None)  # else the header HTMX sends
        try:
            version = int(form.get("version") or 0) or None
            body = form_model(ResourceUpdate, **typed, version=version)
            resources.update_resource(session, viewer.actor, project_id, resource_id, body)
        except MilepostError as exc:
            session.rollback()
            if isinstance(exc, PermissionDeniedError):
                raise
            values = _detail(session, viewer.actor, project_id, resource_id)
            status, text = 422, "Not saved: see the marked fields."
            if isinstance(exc, ConflictError) and exc.current is not None:
                status, text = 409, _conflict(exc.current, typed)
            return page(ctx, "project/resource.html", viewer, status, problems=by_field(exc), typed=typed,
                        messages=[{"kind": "bad", "text": text}], **values)  # fmt: skip
    return go(f"/projects/{project_id}/resources/{resource_id}?saved=1")


def _conflict(current: dict[str, Any], typed: dict[str, Any]) -> str:
    """Which fields someone else saved meanwhile, against the ones typed."""
    theirs = {**current.get("definition", {}), "user_id": current.get("user_id")}
    theirs.setdefault("kind", "work")
    differences = [
        f"{LABELS[f]} is now '{_shown(theirs.get(f))}' (you typed '{_shown(typed.get(f))}')"
        for f in LABELS
        if f in typed and _shown(theirs.get(f)) != _shown(typed.get(f))
    ]
    text = "Someone else saved this resource after you opened it, so your changes were not saved. "
    if differences:
        text += "; ".join(differences[:6]) + ". "
    return text + "Your values are kept in the form: save again to replace theirs."


def _shown(value: Any) -> str:
    return "" if value in (None, False) else str(value)


@router.post("/projects/{project_id}/resources/{resource_id}/delete")
def delete_resource(
    ctx: PageCtx, project_id: int, resource_id: int, version: Annotated[int, Form()], csrf_token: Csrf = ""
) -> Response:
    """Delete a resource and its assignments."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf_token or None)
        try:
            resources.delete_resource(session, viewer.actor, project_id, resource_id, version)
        except ConflictError:
            session.rollback()
            values = resources_page(session, viewer.actor, project_id, Period.WEEK)
            text = "Not deleted: someone else changed this resource meanwhile; check it and try again."
            return render(ctx, viewer, values, 409, messages=[{"kind": "bad", "text": text}])
    return go(f"/projects/{project_id}/resources#resources")
