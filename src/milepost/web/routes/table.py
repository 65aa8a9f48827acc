"""The task table: every task in WBS order, edited in place one cell at a time; each
change is rescheduled at once and the table comes back with the new dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from milepost.domain.duration import describe_minutes, format_duration
from milepost.errors import ConflictError, InvalidInputError, MilepostError, PermissionDeniedError, Problem
from milepost.schemas.tasks import TaskCreate, TaskMove, TaskUpdate
from milepost.services import keys, links, planning, tasks
from milepost.services.access import Action, Actor
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.web.context import PageCtx, Viewer
from milepost.web.routes.common import form_model, page

router = APIRouter()
Csrf = Annotated[str, Form()]
CELLS = ("key", "name", "duration", "after", "progress")
"""The columns edited in the table (everything else: on the task's own page)."""
PAGE = 250
"""Rows per page: a screen shows a few dozen, and each page stays quick to send and redraw."""


@dataclass(frozen=True)
class TableRow:
    """One task in the table: its values as written, and its computed dates."""

    id: int
    version: int
    wbs: str
    depth: int
    key: str
    path: str
    values: dict[str, str]
    start: Any
    finish: Any
    float_text: str
    summary: bool
    critical: bool
    milestone: bool

    @property
    def shown(self) -> tuple[Any, ...]:
        """What the row shows (all but the version)."""
        return (self.wbs, self.depth, self.values, self.start, self.finish, self.float_text, self.summary,
                self.critical, self.milestone)  # fmt: skip


@dataclass
class TableView:
    """The table, with what a failed edit typed and why it was refused."""

    project: Any
    rows: list[TableRow]
    editable: bool
    revision: int
    plan: planning.Planned
    page: int = 1
    typed: dict[int, dict[str, str]] = field(default_factory=dict)
    problems: dict[int, dict[str, str]] = field(default_factory=dict)
    new: dict[str, str] = field(default_factory=dict)
    new_problems: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages the table has."""
        return max(1, -(-len(self.rows) // PAGE))

    @property
    def shown(self) -> list[TableRow]:
        """The rows of this page."""
        return self.rows[(self.page - 1) * PAGE : self.page * PAGE]


def table_rows(plan: planning.Planned, versions: dict[int, int]) -> list[TableRow]:
    """Every task with its entry values and computed dates, from the scheduled plan alone."""
    project, schedule = plan.project, plan.schedule
    after = links.predecessor_texts(project)
    codes = project.wbs_codes()
    rows = []
    for i, task in enumerate(project.tasks):
        ident = plan.task_ids[task.key]
        c = schedule.columns
        summary = project.is_summary(task.key)
        duration = (
            describe_minutes(c.duration[i], project.units) if summary else format_duration(task.duration, project.units)
        )
        values = {
            "key": task.key.rsplit(".", 1)[-1],
            "name": task.name,
            "duration": duration,
            "after": ", ".join(after.get(task.key, [])),
            "progress": f"{task.percent_complete}%",
        }
        rows.append(
            TableRow(
                id=ident, version=versions.get(ident, 1), wbs=codes[task.key], depth=task.key.count("."),
                key=values["key"], path=task.key, values=values, start=schedule.at(c.start[i]),
                finish=schedule.at(c.finish[i]), float_text=describe_minutes(c.total_float[i], project.units),
                summary=summary, critical=bool(c.critical[i]), milestone=task.milestone,
            )
        )  # fmt: skip
    return rows


def table_view(session: Session, actor: Actor, project_id: int, page: int = 1) -> TableView:
    """The table of the project as it is now (``page``: which page of it is shown)."""
    plan = planning.planned(session, actor, project_id)
    rows = table_rows(plan, repo.task_versions(session, project_id))
    view = TableView(plan.record, rows, plan.may(Action.EDIT), plan.revision, plan)
    view.page = min(max(page, 1), view.pages)
    return view


def changed_rows(view: TableView, revision: int, edited: int) -> list[TableRow] | None:
    """The rows that differ from the table at ``revision`` (the edited task's always);
    ``None`` when that table is not at hand or tasks came or went or moved (send it all)."""
    before = planning.earlier(view.plan, revision)
    if before is None:
        return None
    old = table_rows(before, {})
    if [r.id for r in old] != [r.id for r in view.rows]:
        return None
    on_page = {r.id for r in view.shown}
    return [
        new
        for new, was in zip(view.rows, old, strict=True)
        if new.id in on_page and (new.id == edited or new.shown != was.shown)
    ]


def _render(ctx: PageCtx, view: TableView, viewer: Viewer, status: int = 200, **values: Any) -> Response:
    values.setdefault("messages", [])
    name = "partials/task_table.html" if ctx.htmx else "project/tasks.html"
    return page(ctx, name, viewer, status, t=view, project=view.project, tab="tasks", **values)


@router.get("/projects/{project_id}/tasks")
def task_table(ctx: PageCtx, project_id: int, page: int = 1) -> Response:
    """The task table (a page of it)."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        view = table_view(session, viewer.actor, project_id, page)
    return _render(ctx, view, viewer)


def _answer(
    ctx: PageCtx,
    project_id: int,
    csrf: str,
    change: Any,
    failed: Any = None,
    *,
    edited: int | None = None,
    at_page: int = 1,
) -> Response:
    """Make a change and answer with the table as it is then; a refused change comes back
    in its cell (``failed`` places the problems), a conflict with the other person's value.
    For the edit of one task (``edited``), only the rows that changed are sent back, when
    the table shown before is at hand; else the whole table."""
    messages: list[dict[str, str]] = []
    status = 200
    error: MilepostError | None = None
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf)
        before = repo.revision(session, project_id)
        try:
            change(session, viewer.actor)
        except MilepostError as exc:
            if isinstance(exc, PermissionDeniedError):
                raise  # 403, as the API answers: not a problem to show in the page
            repo.rollback(session)
            error, status = exc, (409 if isinstance(exc, ConflictError) else 422)
            messages.append({"kind": "bad", "text": _sentence(exc)})
        view = table_view(session, viewer.actor, project_id, at_page)
        if error is not None and failed is not None:
            failed(view, error)
        rows = None
        if edited is not None and not isinstance(error, ConflictError):
            rows = [r for r in view.rows if r.id == edited] if error else changed_rows(view, before, edited)
    if rows is None or not ctx.htmx:
        response = _render(ctx, view, viewer, status, messages=messages)
        response.headers.update({"HX-Retarget": "#task-table", "HX-Reswap": "outerHTML"})
        return response
    return page(ctx, "partials/task_rows.html", viewer, status, t=view, project=view.project, rows=rows,
                messages=messages)  # fmt: skip


def _sentence(exc: MilepostError) -> str:
    if isinstance(exc, ConflictError) and exc.current:
        name = exc.current.get("name") or exc.current.get("key") or "this task"
        return (
            f"Someone else changed '{name}' meanwhile, so your change was not saved; the table shows it as it is now."
        )
    problems = getattr(exc, "problems", ())
    text = "; ".join(p.message for p in problems[:3]) if problems else exc.message
    return text[:1].upper() + text[1:]


@router.post("/projects/{project_id}/tasks/{task_id}/cell")
def edit_cell(
    ctx: PageCtx,
    project_id: int,
    task_id: int,
    field: Annotated[str, Form()],
    value: Annotated[str, Form()],
    version: Annotated[int, Form()],
    page: Annotated[int, Form()] = 1,
    csrf_token: Csrf = "",
) -> Response:
    """Change one cell of the table."""
    if field not in CELLS:
        raise InvalidInputError(Problem("unknown_field", f"'{field}' is not a column of the table", "field"))

    def change(session: Session, actor: Actor) -> None:
        if field == "after":
            links.set_predecessors(session, actor, project_id, task_id, _split(value))
            return
        body = form_model(TaskUpdate, **{field: value.strip() or None, "version": version})
        tasks.update_task(session, actor, project_id, task_id, body)

    def failed(view: TableView, exc: MilepostError) -> None:
        if not isinstance(exc, ConflictError):
            view.typed[task_id] = {field: value}
            view.problems[task_id] = {field: _sentence(exc)}

    return _answer(ctx, project_id, csrf_token, change, failed, edited=task_id, at_page=page)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


@router.post("/projects/{project_id}/tasks/{task_id}/step")
def step(
    ctx: PageCtx,
    project_id: int,
    task_id: int,
    move: Annotated[str, Form()],
    version: Annotated[int, Form()],
    page: Annotated[int, Form()] = 1,
    csrf_token: Csrf = "",
) -> Response:
    """Indent, outdent, move up or down."""

    def change(session: Session, actor: Actor) -> None:
        tasks.move_task(session, actor, project_id, task_id, form_model(TaskMove, step=move, version=version))

    return _answer(ctx, project_id, csrf_token, change, at_page=page)


@router.post("/projects/{project_id}/tasks/{task_id}/delete")
def delete(
    ctx: PageCtx,
    project_id: int,
    task_id: int,
    version: Annotated[int, Form()],
    page: Annotated[int, Form()] = 1,
    csrf_token: Csrf = "",
) -> Response:
    """Delete a task (with its subtasks)."""

    def change(session: Session, actor: Actor) -> None:
        tasks.delete_task(session, actor, project_id, task_id, version)

    return _answer(ctx, project_id, csrf_token, change, at_page=page)


@router.post("/projects/{project_id}/tasks/add")
def add(
    ctx: PageCtx,
    project_id: int,
    name: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    duration: Annotated[str, Form()] = "",
    after: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Add a task at the end (its key made from its name when not given)."""
    typed = {"name": name, "key": key, "duration": duration, "after": after}

    def change(session: Session, actor: Actor) -> None:
        own_key = key.strip() or keys.suggest_key(session, project_id, None, name or "task")
        values: dict[str, Any] = {"key": own_key, "name": name.strip(), "duration": duration.strip() or None}
        if not values["duration"]:
            values["milestone"] = True
        made = tasks.create_task(session, actor, project_id, form_model(TaskCreate, **values))
        if after.strip():
            links.set_predecessors(session, actor, project_id, made["id"], _split(after))

    def failed(view: TableView, exc: MilepostError) -> None:
        view.new = typed
        for problem in getattr(exc, "problems", ()) or [Problem(exc.code, exc.message, "name")]:
            view.new_problems.setdefault(problem.path.split(".")[0] or "name", problem.message)

    return _answer(ctx, project_id, csrf_token, change, failed, at_page=10**6)  # the last page: the new task
