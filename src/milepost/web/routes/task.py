"""One task's page: every field, its links, its people, comments and history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from milepost.domain.calendar import builtin_calendars
from milepost.errors import ConflictError, MilepostError, PermissionDeniedError
from milepost.schemas.activity import CommentCreate
from milepost.schemas.resources import AssignmentCreate
from milepost.schemas.tasks import TaskUpdate
from milepost.services import activity, calendars, links, planning, resources, tasks
from milepost.services.access import Action, Actor
from milepost.storage.db import Session
from milepost.web.context import PageCtx, Viewer
from milepost.web.routes.common import by_field, form_model, go, page

router = APIRouter()
Csrf = Annotated[str, Form()]
CONSTRAINTS = ("ASAP", "ALAP", "SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO")
LABELS = {
    "key": "Key", "name": "Name", "duration": "Duration", "milestone": "Milestone", "deliverable": "Deliverable",
    "priority": "Priority", "constraint": "Constraint", "deadline": "Deadline", "calendar": "Calendar",
    "notes": "Notes", "manual": "Manual dates", "progress": "Progress", "actual_start": "Actual start",
    "actual_finish": "Actual finish", "type": "Task type", "effort_driven": "Effort driven",
}  # fmt: skip


def task_page(session: Session, actor: Actor, project_id: int, task_id: int) -> dict[str, Any]:
    """Everything the task's page shows."""
    view = tasks.get_task(session, actor, project_id, task_id)
    plan = planning.planned(session, actor, project_id)
    scheduled = plan.schedule.task(view["path"])
    around = links.list_links(session, actor, project_id, task_id=task_id, limit=500)["items"]
    cals = sorted(
        {*builtin_calendars(), *(c["key"] for c in calendars.list_calendars(session, actor, project_id)["items"])}
    )
    return {
        "task": view,
        "plan": plan,
        "scheduled": scheduled,
        "predecessors": [link for link in around if link["successor_id"] == task_id],
        "successors": [link for link in around if link["predecessor_id"] == task_id],
        "assignments": resources.list_assignments(session, actor, project_id, task_id=task_id, limit=500)["items"],
        "resources": resources.list_resources(session, actor, project_id, limit=500)["items"],
        "comments": activity.list_comments(session, actor, project_id, task_id, limit=500)["items"],
        "history": activity.project_audit(session, actor, project_id, entity="task", entity_id=task_id, limit=50)[
            "items"
        ],
        "calendars": cals,
        "editable": plan.may(Action.EDIT),
        "may_comment": plan.may(Action.COMMENT),
        "may_report": plan.may(Action.PROGRESS),
        "constraints": CONSTRAINTS,
        "labels": LABELS,
    }


def _render(ctx: PageCtx, viewer: Viewer, values: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    extra.setdefault("problems", {})
    extra.setdefault("messages", [])
    extra.setdefault("typed", {})
    record = values["plan"].record
    return page(ctx, "project/task.html", viewer, status, project=record, tab="tasks", **values, **extra)


@router.get("/projects/{project_id}/tasks/{task_id}")
def task_detail(ctx: PageCtx, project_id: int, task_id: int) -> Response:
    """The task's page."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        values = task_page(session, viewer.actor, project_id, task_id)
    return _render(ctx, viewer, values)


def form_changes(form: dict[str, str], *, full: bool) -> dict[str, Any]:
    """The task fields of a submitted form (``full``: the whole form, with its check boxes;
    else a member's progress form)."""
    fields: tuple[str, ...] = ("progress", "actual_start", "actual_finish")
    if full:
        fields = ("key", "name", "duration", "priority", "deadline", "calendar", "notes", "type", *fields)
    out: dict[str, Any] = {f: (form.get(f, "").strip() or None) for f in fields}
    if not full:
        return out
    out["notes"] = form.get("notes", "").strip()  # no notes: an empty text, not a missing one
    for box in ("milestone", "deliverable", "effort_driven"):
        out[box] = form.get(box) == "on"
    kind, when = form.get("constraint_type", "ASAP"), form.get("constraint_date", "").strip().replace("T", " ")
    out["constraint"] = None if kind == "ASAP" and not when else f"{kind} {when}".strip()
    manual_start, manual_finish = form.get("manual_start", "").strip(), form.get("manual_finish", "").strip()
    out["manual"] = (
        {"start": manual_start.replace("T", " "), "finish": manual_finish.replace("T", " ")}
        if form.get("manual") == "on"
        else None
    )
    for moment in ("deadline", "actual_start", "actual_finish"):
        if out[moment]:
            out[moment] = out[moment].replace("T", " ")
    if out["duration"] is None and not out["milestone"]:
        out.pop("duration")  # a summary's: not on the form
    return out


@router.post("/projects/{project_id}/tasks/{task_id}")
async def save_task(ctx: PageCtx, request: Request, project_id: int, task_id: int) -> Response:
    """Save the task's form; a conflict shows the other person's values and keeps yours."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    return _save(ctx, project_id, task_id, form)


def _save(ctx: PageCtx, project_id: int, task_id: int, form: dict[str, str]) -> Response:
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, form.get("csrf_token", ""))
        full = form.get("scope") != "progress"
        changes = form_changes(form, full=full)
        try:
            body = form_model(TaskUpdate, **changes, version=int(form.get("version") or 0) or None)
            tasks.update_task(session, viewer.actor, project_id, task_id, body)
        except MilepostError as exc:
            session.rollback()
            values = task_page(session, viewer.actor, project_id, task_id)
            status, messages = 422, []
            if isinstance(exc, ConflictError) and exc.current is not None:
                status = 409
                messages.append({"kind": "bad", "text": _conflict(exc.current, changes)})
            elif isinstance(exc, PermissionDeniedError):
                raise
            else:
                messages.append({"kind": "bad", "text": "Not saved: see the marked fields."})
            problems = {} if status == 409 else by_field(exc)  # a conflict is told in the message above
            return _render(ctx, viewer, values, status, problems=problems, messages=messages, typed=changes)
    return go(f"/projects/{project_id}/tasks/{task_id}?saved=1")


def _conflict(current: dict[str, Any], mine: dict[str, Any]) -> str:
    """Which values someone else saved meanwhile, against the ones typed."""
    differences = [
        f"{LABELS[f]} is now '{current.get(f) if current.get(f) is not None else ''}' (you typed "
        f"'{mine.get(f) if mine.get(f) is not None else ''}')"
        for f in LABELS
        if f in mine and f in current and _shown(current.get(f)) != _shown(mine.get(f))
    ]
    text = "Someone else saved this task after you opened it, so your changes were not saved. "
    if differences:
        text += "; ".join(differences[:6]) + ". "
    return text + "Your values are kept in the form: save again to replace theirs."


def _shown(value: Any) -> str:
    return "" if value in (None, False) else str(value)


@router.post("/projects/{project_id}/tasks/{task_id}/comments")
def comment(
    ctx: PageCtx, project_id: int, task_id: int, body: Annotated[str, Form()], csrf_token: Csrf = ""
) -> Response:
    """Add a comment."""
    ctx.run(activity.add_comment, project_id, task_id, form_model(CommentCreate, body=body), csrf=csrf_token)
    return go(f"/projects/{project_id}/tasks/{task_id}#comments")


@router.post("/projects/{project_id}/tasks/{task_id}/assignments")
def assign(
    ctx: PageCtx,
    project_id: int,
    task_id: int,
    resource_id: Annotated[int, Form()],
    units: Annotated[str, Form()] = "",
    work: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Put a resource on the task."""
    values: dict[str, Any] = {"task_id": task_id, "resource_id": resource_id}
    values.update({k: v.strip() for k, v in (("units", units), ("work", work)) if v.strip()})
    ctx.run(resources.create_assignment, project_id, form_model(AssignmentCreate, **values), csrf=csrf_token)
    return go(f"/projects/{project_id}/tasks/{task_id}#people")


@router.post("/projects/{project_id}/tasks/{task_id}/assignments/{assignment_id}/delete")
def unassign(
    ctx: PageCtx,
    project_id: int,
    task_id: int,
    assignment_id: int,
    version: Annotated[int, Form()],
    csrf_token: Csrf = "",
) -> Response:
    """Take a resource off the task."""
    ctx.run(resources.delete_assignment, project_id, assignment_id, version, csrf=csrf_token)
    return go(f"/projects/{project_id}/tasks/{task_id}#people")
