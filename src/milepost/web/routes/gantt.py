"""The project's Gantt chart: the WBS tree beside the SVG chart, and the edits made on
it (drag a bar, stretch it, draw a link, undo).

The page holds the bands of rows around the row it opens on (``at``); its script fetches
the other bands (``/gantt/band``) as they scroll into view, so that a chart of thousands
of tasks opens as fast as a small one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response
from markupsafe import Markup

from milepost.charts.gantt import BAND_ROWS, GanttChart, GanttParams, Zoom, gantt_band, gantt_svg, layout
from milepost.errors import InvalidInputError, MilepostError, PermissionDeniedError, Problem
from milepost.schemas.links import LinkCreate
from milepost.schemas.tasks import TaskUpdate
from milepost.services import links, planning, tasks, undo
from milepost.services.access import Action, Actor
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.web.context import PageCtx, Viewer
from milepost.web.gantt_tree import TreeParams, tree_band
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
    at: int
    """The row the page opens on (its band and the next are in the page; the script fetches
    the others)."""

    @property
    def collapsed_param(self) -> str:
        """The collapsed summaries, as the page's query parameter."""
        return ",".join(str(i) for i in self.collapsed)


@dataclass(frozen=True)
class _Shown:
    """The project as the page shows it: scheduled, with its collapsed summaries."""

    plan: planning.Planned
    collapsed: list[int]
    params: GanttParams
    tree: TreeParams


def _shown(session: Session, actor: Actor, project_id: int, zoom: Zoom, collapsed: str, frame: bool) -> _Shown:
    """The project and how to draw it; ``frame`` adds what only the whole chart needs (the
    non-working time, today)."""
    plan = planning.planned(session, actor, project_id)
    keys = {ident: key for key, ident in plan.task_ids.items()}
    shut = [int(c) for c in collapsed.split(",") if c.strip().isdigit() and int(c) in keys]
    shut_keys = frozenset(keys[i] for i in shut)
    params = GanttParams(zoom=zoom, collapsed=shut_keys)
    if frame:
        schedule = plan.schedule
        first = schedule.start_date.date() - timedelta(days=40)
        last = schedule.finish_date.date() + timedelta(days=40)
        spans = [
            (int((a - schedule.origin).total_seconds() // 60), int((b - schedule.origin).total_seconds() // 60))
            for a, b in planning.days_off(plan, first, last)
        ]
        params = replace(params, today=datetime.now(), nonworking=spans)
    return _Shown(plan, shut, params, TreeParams(project_id, zoom.value, tuple(shut), params.row_height))


def gantt_view(session: Session, actor: Actor, project_id: int, zoom: Zoom, collapsed: str, at: int = 0) -> GanttView:
    """The chart and the tree for the project as it is now, with the bands of rows from
    row ``at`` on."""
    shown = _shown(session, actor, project_id, zoom, collapsed, frame=True)
    plan = shown.plan
    rows = len(layout(plan.schedule, shown.params).rows)
    at = min(max(at, 0), max(rows - 1, 0))
    bands = [k for k in (at // BAND_ROWS, at // BAND_ROWS + 1) if k * BAND_ROWS < rows] or [0]
    chart = gantt_svg(plan.schedule, shown.params, bands)
    versions = repo.task_versions(session, project_id)
    ids, keys = plan.task_ids, chart.rows
    tree = Markup("").join(
        tree_band(plan.schedule, k, keys[k * BAND_ROWS : (k + 1) * BAND_ROWS], ids, versions, shown.tree) for k in bands
    )
    return GanttView(plan, chart, tree, zoom, shown.collapsed, plan.may(Action.EDIT), at)


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
    ctx: PageCtx, project_id: int, zoom: Zoom = Zoom.WEEK, collapsed: str = "", at: int = 0, imported: bool = False
) -> Response:
    """The Gantt chart, with the WBS tree and the schedule's diagnostics, opened on row ``at``."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        view = gantt_view(session, viewer.actor, project_id, zoom, collapsed, at)
    messages = [{"kind": "good", "text": "Imported. Check the diagnostics below."}] if imported else []
    return _render(ctx, view, viewer, messages=messages)


@router.get("/projects/{project_id}/gantt/band")
def band(
    ctx: PageCtx, project_id: int, band: int, revision: int, zoom: Zoom = Zoom.WEEK, collapsed: str = ""
) -> Response:
    """One band of rows of the chart (tree rows, arrows, bars), for the page's script to add
    as it scrolls into view.  A page showing an older revision gets 409: it reloads the chart."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        shown = _shown(session, viewer.actor, project_id, zoom, collapsed, frame=False)
        plan = shown.plan
        if plan.revision != revision:
            message = "The project has changed since this chart was drawn; reloading it."
            return Response(message, status_code=409, media_type="text/plain")
        versions = repo.task_versions(session, project_id)
    drawn = gantt_band(plan.schedule, shown.params, max(band, 0))
    tree = tree_band(plan.schedule, drawn.band, drawn.keys, plan.task_ids, versions, shown.tree)
    return page(ctx, "partials/gantt_band.html", viewer, band=drawn, tree=tree)


@router.get("/projects/{project_id}/gantt.svg")
def gantt_export(ctx: PageCtx, project_id: int, zoom: Zoom = Zoom.WEEK, collapsed: str = "") -> Response:
    """The chart as an SVG file, with a column of WBS codes and names."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        shown = _shown(session, viewer.actor, project_id, zoom, collapsed, frame=False)
    plan = shown.plan
    chart = gantt_svg(plan.schedule, replace(shown.params, today=datetime.now(), labels=True))
    name = f"{plan.record.name.strip().replace(' ', '-').lower() or 'gantt'}-gantt.svg"
    safe = "".join(c for c in name if c.isalnum() or c in "-_.")
    return Response(
        chart.svg, media_type="image/svg+xml", headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )


def _edit(ctx: PageCtx, project_id: int, csrf: str, where: tuple[Zoom, str, int], change: Any, *args: Any) -> Response:
    """Make one change, then answer with the chart as it is now (and the change's undo id),
    drawn as the page showed it: ``where`` is its zoom, collapsed summaries and first row."""
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
        view = gantt_view(session, viewer.actor, project_id, *where)
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
    at: Annotated[int, Form()] = 0,
    csrf_token: Csrf = "",
) -> Response:
    """A bar dragged to a new start: the task gets a Start No Earlier Than constraint there
    (as MS Project does), shown with a pin on the bar."""

    def change(session: Session, actor: Actor, pid: int) -> None:
        moment = _moment(start, "start")
        body = TaskUpdate.model_validate({"constraint": f"SNET {moment:%Y-%m-%d %H:%M}", "version": version})
        tasks.update_task(session, actor, pid, task_id, body)

    return _edit(ctx, project_id, csrf_token, (zoom, collapsed, at), change)


@router.post("/projects/{project_id}/gantt/stretch")
def stretch_bar(
    ctx: PageCtx,
    project_id: int,
    task_id: Annotated[int, Form()],
    version: Annotated[int, Form()],
    finish: Annotated[str, Form()],
    zoom: Annotated[Zoom, Form()] = Zoom.WEEK,
    collapsed: Annotated[str, Form()] = "",
    at: Annotated[int, Form()] = 0,
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

    return _edit(ctx, project_id, csrf_token, (zoom, collapsed, at), change)


@router.post("/projects/{project_id}/gantt/link")
def draw_link(
    ctx: PageCtx,
    project_id: int,
    predecessor_id: Annotated[int, Form()],
    successor_id: Annotated[int, Form()],
    zoom: Annotated[Zoom, Form()] = Zoom.WEEK,
    collapsed: Annotated[str, Form()] = "",
    at: Annotated[int, Form()] = 0,
    csrf_token: Csrf = "",
) -> Response:
    """A finish-to-start link drawn from one bar to another (a cycle is refused and named)."""

    def change(session: Session, actor: Actor, pid: int) -> None:
        links.create_link(session, actor, pid, LinkCreate(predecessor_id=predecessor_id, successor_id=successor_id))

    return _edit(ctx, project_id, csrf_token, (zoom, collapsed, at), change)


@router.post("/projects/{project_id}/undo")
def undo_change(
    ctx: PageCtx,
    project_id: int,
    audit_id: Annotated[int, Form()],
    zoom: Annotated[Zoom, Form()] = Zoom.WEEK,
    collapsed: Annotated[str, Form()] = "",
    at: Annotated[int, Form()] = 0,
    csrf_token: Csrf = "",
) -> Response:
    """Take back one of one's own changes."""
    return _edit(ctx, project_id, csrf_token, (zoom, collapsed, at), undo.undo, audit_id)
