"""The project's Gantt chart: the WBS tree beside the SVG chart, and the edits made on
it (drag a bar, stretch it, draw a link, undo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response
from markupsafe import Markup

from milepost.charts.gantt import GanttChart, GanttParams, Zoom, gantt_svg
from milepost.errors import InvalidInputError, MilepostError, PermissionDeniedError, Problem
from milepost.schemas.links import LinkCreate
from milepost.schemas.tasks import TaskUpdate
from milepost.services import links, planning, tasks, undo
from milepost.services.access import Action, Actor
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.web.context import PageCtx, Viewer
from milepost.web.gantt_tree import TreeParams, tree_html
from milepost.web.routes.common import page

router = APIRouter()
Csrf = Annotated[str, Form()]
UNDO_HEADER = "X-Milepost-Undo"


@dataclass(frozen=True)
class GanttView:
    """What the Gantt page shows."""

    plan: planning.Planned
    chart: GanttChart
    tree: Markup
    zoom: Zoom
    collapsed: list[int]
    editable: bool

    @property
    def collapsed_param(self) -> str:
        """The collapsed summaries, as the page's query parameter."""
        return ",".join(str(i) for i in self.collapsed)


def gantt_view(session: Session, actor: Actor, project_id: int, zoom: Zoom, collapsed: str) -> GanttView:
    """The chart and the tree for the project as it is now."""
    plan = planning.planned(session, actor, project_id)
    keys = {ident: key for key, ident in plan.task_ids.items()}
    shut = [int(c) for c in collapsed.split(",") if c.strip().isdigit() and int(c) in keys]
    shut_keys = frozenset(keys[i] for i in shut)
    schedule = plan.schedule
    first = schedule.start_date.date() - timedelta(days=40)
    last = schedule.finish_date.date() + timedelta(days=40)
    spans = [
        (int((a - schedule.origin).total_seconds() // 60), int((b - schedule.origin).total_seconds() // 60))
        for a, b in planning.days_off(plan, first, last)
    ]
    params = GanttParams(zoom=zoom, collapsed=shut_keys, today=datetime.now(), nonworking=spans)
    chart = gantt_svg(schedule, params)
    versions = repo.task_versions(session, project_id)
    tree = tree_html(schedule, chart.rows, plan.task_ids, versions, TreeParams(project_id, zoom.value, tuple(shut)))
    return GanttView(plan, chart, tree, zoom, shut, plan.may(Action.EDIT))


def _render(ctx: PageCtx, view: GanttView, viewer: Viewer, status: int = 200, **values: Any) -> Response:
    values.setdefault("messages", [])
    name = "partials/gantt.html" if ctx.htmx else "project/gantt.html"
    return page(ctx, name, viewer, status, g=view, project=view.plan.record, tab="gantt", **values)


@router.get("/projects/{project_id}")
def project_home(project_id: int) -> Response:
    """A project opens on its Gantt chart."""
    return Response(status_code=303, headers={"Location": f"/projects/{project_id}/gantt"})


@router.get("/projects/{project_id}/gantt")
def gantt(
    ctx: PageCtx, project_id: int, zoom: Zoom = Zoom.WEEK, collapsed: str = "", imported: bool = False
) -> Response:
    """The Gantt chart, with the WBS tree and the schedule's diagnostics."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        view = gantt_view(session, viewer.actor, project_id, zoom, collapsed)
    messages = [{"kind": "good", "text": "Imported. Check the diagnostics below."}] if imported else []
    return _render(ctx, view, viewer, messages=messages)


@router.get("/projects/{project_id}/gantt.svg")
def gantt_export(ctx: PageCtx, project_id: int, zoom: Zoom = Zoom.WEEK, collapsed: str = "") -> Response:
    """The chart as an SVG file, with a column of WBS codes and names."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        view = gantt_view(session, viewer.actor, project_id, zoom, collapsed)
        plan = view.plan
        keys = {ident: key for key, ident in plan.task_ids.items()}
        shut = frozenset(keys[i] for i in view.collapsed)
    chart = gantt_svg(plan.schedule, GanttParams(zoom=zoom, collapsed=shut, today=datetime.now(), labels=True))
    name = f"{plan.record.name.strip().replace(' ', '-').lower() or 'gantt'}-gantt.svg"
    safe = "".join(c for c in name if c.isalnum() or c in "-_.")
    return Response(
        chart.svg, media_type="image/svg+xml", headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )


def _edit(ctx: PageCtx, project_id: int, csrf: str, zoom: Zoom, collapsed: str, change: Any, *args: Any) -> Response:
    """Make one change, then answer with the chart as it is now (and the change's undo id)."""
    message: dict[str, str] | None = None
    status = 200
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf)
        try:
            change(session, viewer.actor, project_id, *args)
            undo_id = repo.last_change(session, project_id, viewer.actor.user_id)
        except MilepostError as exc:
            if isinstance(exc, PermissionDeniedError):
                raise  # 403, as the API answers: not a problem to show in the page
            repo.rollback(session)
            undo_id, status = None, (409 if exc.code in ("conflict", "changed_since") else 422)
            message = {"kind": "bad", "text": _sentence(exc)}
        view = gantt_view(session, viewer.actor, project_id, zoom, collapsed)
    response = _render(ctx, view, viewer, status, messages=[message] if message else [])
    if undo_id is not None:
        response.headers[UNDO_HEADER] = str(undo_id)
    return response


def _sentence(exc: MilepostError) -> str:
    problems = getattr(exc, "problems", ())
    text = "; ".join(p.message for p in problems) if problems else exc.message
    if exc.code == "conflict" and getattr(exc, "current", None):
        text = "Someone else changed this task meanwhile; the chart now shows their version. " + text
    return text[:1].upper() + text[1:]


def _moment(text: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        raise InvalidInputError(Problem("invalid_moment", f"'{text}' is not a date and time", field)) from None


@router.post("/projects/{project_id}/gantt/move")
def move_bar(
    ctx: PageCtx,
    project_id: int,
    task_id: Annotated[int, Form()],
    version: Annotated[int, Form()],
    start: Annotated[str, Form()],
    zoom: Annotated[Zoom, Form()] = Zoom.WEEK,
    collapsed: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """A bar dragged to a new start: the task gets a Start No Earlier Than constraint there
    (as MS Project does), shown with a pin on the bar."""

    def change(session: Session, actor: Actor, pid: int) -> None:
        moment = _moment(start, "start")
        body = TaskUpdate.model_validate({"constraint": f"SNET {moment:%Y-%m-%d %H:%M}", "version": version})
        tasks.update_task(session, actor, pid, task_id, body)

    return _edit(ctx, project_id, csrf_token, zoom, collapsed, change)


@router.post("/projects/{project_id}/gantt/stretch")
def stretch_bar(
    ctx: PageCtx,
    project_id: int,
    task_id: Annotated[int, Form()],
    version: Annotated[int, Form()],
    finish: Annotated[str, Form()],
    zoom: Annotated[Zoom, Form()] = Zoom.WEEK,
    collapsed: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """A bar's end dragged: the duration becomes the working time from its start to there."""

    def change(session: Session, actor: Actor, pid: int) -> None:
        plan = planning.planned(session, actor, pid, Action.EDIT)
        key = next((k for k, i in plan.task_ids.items() if i == task_id), None)
        if key is None:
            raise InvalidInputError(Problem("unknown_task", f"task {task_id} is not in this project", "task_id"))
        duration = planning.duration_to(plan, key, _moment(finish, "finish"))
        tasks.update_task(
            session, actor, pid, task_id, TaskUpdate.model_validate({"duration": duration, "version": version})
        )

    return _edit(ctx, project_id, csrf_token, zoom, collapsed, change)


@router.post("/projects/{project_id}/gantt/link")
def draw_link(
    ctx: PageCtx,
    project_id: int,
    predecessor_id: Annotated[int, Form()],
    successor_id: Annotated[int, Form()],
    zoom: Annotated[Zoom, Form()] = Zoom.WEEK,
    collapsed: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """A finish-to-start link drawn from one bar to another (a cycle is refused and named)."""

    def change(session: Session, actor: Actor, pid: int) -> None:
        links.create_link(session, actor, pid, LinkCreate(predecessor_id=predecessor_id, successor_id=successor_id))

    return _edit(ctx, project_id, csrf_token, zoom, collapsed, change)


@router.post("/projects/{project_id}/undo")
def undo_change(
    ctx: PageCtx,
    project_id: int,
    audit_id: Annotated[int, Form()],
    zoom: Annotated[Zoom, Form()] = Zoom.WEEK,
    collapsed: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Take back one of one's own changes."""
    return _edit(ctx, project_id, csrf_token, zoom, collapsed, undo.undo, audit_id)
