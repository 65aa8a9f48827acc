"""Tasks: list, read, create, change, delete and move them in the WBS."""

from __future__ import annotations

from typing import Any

from milepost.domain.calendar import builtin_calendars
from milepost.domain.duration import WorkUnits
from milepost.domain.validation import check_task_fields, validate_project
from milepost.errors import InvalidInputError, NotFoundError, PermissionDeniedError, Problem
from milepost.io.planfile.entries import read_task, task_entry
from milepost.schemas.tasks import TaskCreate, TaskMove, TaskUpdate
from milepost.services import edits, entities
from milepost.services.access import ALLOWED, Action, Actor, Role, project_and_role, project_for, require
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import (
    AssignmentRecord,
    CalendarRecord,
    ProjectRecord,
    ResourceRecord,
    TaskRecord,
)

PROGRESS_FIELDS = frozenset({"progress", "actual_start", "actual_finish"})
"""What a member may change on a task assigned to them."""

_DEFAULTS: dict[str, Any] = {
    "name": "",
    "duration": None,
    "milestone": False,
    "deliverable": False,
    "priority": 500,
    "constraint": None,
    "deadline": None,
    "calendar": None,
    "notes": "",
    "manual": None,
    "progress": "0%",
    "actual_start": None,
    "actual_finish": None,
    "type": "fixed_units",
    "effort_driven": False,
}


def units_of(project: ProjectRecord) -> WorkUnits:
    """The project's hours per day, days per week and per month."""
    return WorkUnits(project.hours_per_day, project.days_per_week, project.days_per_month)


# ------------------------------------------------------------------ reading
def entry_of(record: TaskRecord, units: WorkUnits, *, summary: bool) -> dict[str, Any]:
    """The task's fields in plan-file form (defaults left out)."""
    return task_entry(mappers.task_from_record(record, record.key, None), summary=summary, units=units)


def task_view(record: TaskRecord, units: WorkUnits, *, path: str, summary: bool) -> dict[str, Any]:
    """A task as the API shows it: every field, in plan-file notation."""
    entry = entry_of(record, units, summary=summary)
    out: dict[str, Any] = {
        "id": record.id,
        "version": record.version,
        "parent_id": record.parent_id,
        "position": record.position,
        "path": path,
        "summary": summary,
        "key": record.key,
        "external_id": record.external_id,
    }
    for name, default in _DEFAULTS.items():
        value = entry.get(name, default)
        out[name] = str(value) if value is not None and name not in ("manual", "priority") else value
    if isinstance(out["manual"], dict):
        out["manual"] = {k: str(v) for k, v in out["manual"].items()}
    for flag in ("milestone", "deliverable", "effort_driven"):
        out[flag] = bool(entry.get(flag, False))
    return out


def changes(before: dict[str, Any], after: dict[str, Any], units: WorkUnits) -> list[dict[str, str]]:
    """What an update changed, field by field in plan-file notation (``duration``: ``5d`` to
    ``6d``), from the task's audit snapshots; a move in the outline is ``place``."""
    entries = []
    for snap in (before, after):
        record = TaskRecord()
        repo.assign_snapshot(record, snap, keep=set())
        entries.append(entry_of(record, units, summary=False))
    old, new = entries
    out = [
        {"field": name, "before": _shown(old.get(name)), "after": _shown(new.get(name))}
        for name in dict.fromkeys([*old, *new])
        if old.get(name) != new.get(name)
    ]
    if (before.get("parent_id"), before.get("position")) != (after.get("parent_id"), after.get("position")):
        out.append({"field": "place", "before": "", "after": "moved in the outline"})
    return out


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def full_key(session: Session, record: TaskRecord) -> str:
    """The task's full key (its summaries' keys and its own, joined by dots)."""
    keys = [record.key]
    parent = record.parent_id
    while parent is not None:
        above = repo.get(session, TaskRecord, parent)
        if above is None:
            break
        keys.append(above.key)
        parent = above.parent_id
    return ".".join(reversed(keys))


def _is_summary(session: Session, record: TaskRecord) -> bool:
    return bool(repo.with_subtasks(session, record.project_id, [record.id]))


def view_of(
    session: Session, record: TaskRecord, project: ProjectRecord, summary: bool | None = None
) -> dict[str, Any]:
    """The API view of one task (``summary``: whether it has subtasks, when known)."""
    if summary is None:
        summary = _is_summary(session, record)
    return task_view(record, units_of(project), path=full_key(session, record), summary=summary)


def task_in(session: Session, project_id: int, task_id: int) -> TaskRecord:
    """The task, if it belongs to the project."""
    record = repo.get(session, TaskRecord, task_id)
    if record is None or record.project_id != project_id:
        raise NotFoundError(f"task {task_id} not found in project {project_id}")
    return record


def list_tasks(
    session: Session,
    actor: Actor,
    project_id: int,
    *,
    parent: int | str | None = "all",
    q: str = "",
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of the project's tasks in outline order within each level (``parent``: one
    summary's subtasks, ``None`` the top level, ``"all"`` every task; ``q``: key or name)."""
    project = project_for(session, actor, project_id, Action.READ)
    found, total = repo.search_tasks(session, project_id, parent=parent, q=q, limit=limit, offset=offset)
    up = repo.ancestry(session, found)  # the page's tasks and their summaries, not the whole tree
    parents = repo.with_subtasks(session, project_id, [r.id for r in found])
    units = units_of(project)

    def path(ident: int) -> str:
        keys = []
        current: int | None = ident
        while current is not None and current in up:
            current, key = up[current]
            keys.append(key)
        return ".".join(reversed(keys))

    items = [task_view(r, units, path=path(r.id), summary=r.id in parents) for r in found]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def get_task(session: Session, actor: Actor, project_id: int, task_id: int) -> dict[str, Any]:
    """One task."""
    project = project_for(session, actor, project_id, Action.READ)
    return view_of(session, task_in(session, project_id, task_id), project)


# ------------------------------------------------------------------ checks
def calendar_keys(session: Session, project_id: int) -> set[str]:
    """Keys of the calendars tasks and resources may use: the project's and the built-in ones."""
    keys = set(builtin_calendars())
    keys.update(c.key for c in repo.rows(session, CalendarRecord, CalendarRecord.project_id == project_id))
    return keys


def _columns(session: Session, project: ProjectRecord, entry: dict[str, Any], *, summary: bool) -> dict[str, Any]:
    """The record columns of a task entry, after every check one task can have."""
    task = read_task(entry, summary=summary, units=units_of(project))
    calendars = calendar_keys(session, project.id) if task.calendar is not None else set()  # only checked then
    problems = list(check_task_fields(task, calendars))
    if problems:
        raise InvalidInputError([Problem(p.code, p.message, p.path.rpartition(".")[2]) for p in problems])
    return mappers.task_fields(task)


def check_structure(session: Session, project_id: int) -> None:
    """Refuse a change that breaks the plan's structure: a dependency cycle (named), a link
    between a summary and its own subtask, a constraint a summary cannot take...  Such checks
    run one at a time per project, on the data as committed, so two changes made at the same
    moment (A -> B and B -> A) cannot both pass."""
    repo.lock_project(session, project_id)
    tree = repo.task_tree(session, project_id)
    _check_tree(tree)
    _check_assigned_summaries(session, {parent for _, parent, _ in tree})
    problems = validate_project(mappers.skeleton(session, project_id))
    if problems:
        raise InvalidInputError(problems)


def _check_tree(tree: list[tuple[int, int | None, str]]) -> None:
    """Refuse a WBS in which a task is under itself (two moves at once: A under B, B under A)."""
    kids: dict[int | None, list[int]] = {}
    for ident, parent, _ in tree:
        kids.setdefault(parent, []).append(ident)
    reached, stack = 0, kids.get(None, [])[:]
    while stack:
        reached += 1
        stack += kids.get(stack.pop(), [])
    if reached != len(tree):
        message = "a task cannot move under itself or one of its own subtasks (another move just put it there)"
        raise InvalidInputError(Problem("move_into_itself", message, "parent_id"))


def _check_assigned_summaries(session: Session, summaries: set[int | None]) -> None:
    """Refuse a task under one that has resources on it (a summary task has none)."""
    parents = [p for p in summaries if p is not None]
    if parents and repo.count(session, AssignmentRecord, AssignmentRecord.task_id.in_(parents)):
        message = "a task with resources assigned cannot get subtasks: take its resources off first"
        raise InvalidInputError(Problem("summary_assignment", message, "parent_id"))


def _unique_key(session: Session, project_id: int, parent_id: int | None, key: str, task_id: int | None) -> None:
    clash = [t for t in repo.siblings(session, project_id, parent_id) if t.key == key and t.id != task_id]
    if clash:
        where = f"under task {parent_id}" if parent_id is not None else "at the top level"
        raise InvalidInputError(Problem("duplicate_task", f"a task with key '{key}' already exists {where}", "key"))


def _may_change(session: Session, actor: Actor, role: Role, task: TaskRecord, fields: set[str]) -> None:
    """A manager changes anything; a member only the progress of tasks assigned to them."""
    if Action.EDIT in ALLOWED[role]:
        return
    require(role, Action.PROGRESS)  # a viewer may not
    if not fields <= PROGRESS_FIELDS:
        others = ", ".join(sorted(fields - PROGRESS_FIELDS))
        raise PermissionDeniedError(f"a project member may only report progress here, not change {others}")
    if not _assigned_to(session, actor, task.id):
        raise PermissionDeniedError("a project member may only report progress on tasks assigned to them")


def _assigned_to(session: Session, actor: Actor, task_id: int) -> bool:
    for assignment in repo.rows(session, AssignmentRecord, AssignmentRecord.task_id == task_id):
        resource = repo.get(session, ResourceRecord, assignment.resource_id)
        if resource is not None and (
            resource.user_id == actor.user_id
            or (resource.user_id is None and actor.email and resource.email.lower() == actor.email.lower())
        ):
            return True
    return False


# ------------------------------------------------------------------ writing
def create_task(session: Session, actor: Actor, project_id: int, body: TaskCreate) -> dict[str, Any]:
    """Add a task (under ``parent_id``, at ``position`` or at the end)."""
    project = project_for(session, actor, project_id, Action.EDIT)
    if (parent := body.parent_id) is not None:
        entities.referenced("parent_id", lambda: task_in(session, project_id, parent))
    entry = body.model_dump(exclude={"parent_id", "position", "external_id"}, by_alias=True, exclude_none=True)
    columns = _columns(session, project, entry, summary=False)
    _unique_key(session, project_id, body.parent_id, columns["key"], None)
    record = TaskRecord(project_id=project_id, parent_id=body.parent_id, **columns)
    record.external_id = body.external_id
    record.position = _place(session, project_id, record, body.parent_id, body.position)
    repo.add(session, record)
    check_structure(session, project_id)
    edits.created(session, actor, project_id, "task", record)
    return view_of(session, record, project)


def update_task(
    session: Session, actor: Actor, project_id: int, task_id: int, body: TaskUpdate, version: int | None = None
) -> dict[str, Any]:
    """Change the fields sent (``version``: from an If-Match header, else the body's)."""
    project, role = project_and_role(session, actor, project_id, Action.READ)
    record = task_in(session, project_id, task_id)
    sent = body.model_dump(exclude_unset=True, by_alias=True)
    sent.pop("version", None)
    _may_change(session, actor, role, record, set(sent))
    edits.expect_version(record, body.version or version, "task", lambda: view_of(session, record, project))
    summary = _is_summary(session, record)
    external_id = sent.pop("external_id", record.external_id)
    entry = {**entry_of(record, units_of(project), summary=summary), **sent}
    entry.pop("id", None)
    columns = _columns(session, project, {k: v for k, v in entry.items() if v is not None}, summary=summary)
    columns["external_id"] = external_id
    if summary:  # what a summary does not use stays as it was
        columns.update(duration_minutes=record.duration_minutes, calendar=record.calendar)
    if columns["key"] != record.key:
        _unique_key(session, project_id, record.parent_id, columns["key"], record.id)
    before = repo.snapshot(record)
    changed = edits.apply(record, columns)
    if changed:
        edits.write(session, "task", lambda: get_task(session, actor, project_id, task_id))
        if "constraint_type" in changed:  # the one change of a task's own fields the tree may refuse (summaries)
            check_structure(session, project_id)
        edits.updated(session, actor, project_id, "task", before, record)
    return view_of(session, record, project, summary)  # a change of its own fields leaves its subtasks


def delete_task(session: Session, actor: Actor, project_id: int, task_id: int, version: int | None) -> None:
    """Delete a task with its subtasks, links and assignments."""
    project = project_for(session, actor, project_id, Action.EDIT)
    record = task_in(session, project_id, task_id)
    edits.expect_version(record, version, "task", lambda: view_of(session, record, project))
    before = {**repo.snapshot(record), "path": full_key(session, record)}
    parent = record.parent_id
    repo.remove(session, record)
    _place(session, project_id, None, parent, None)  # close the gap
    edits.deleted(session, actor, project_id, "task", before)


def move_task(session: Session, actor: Actor, project_id: int, task_id: int, body: TaskMove) -> dict[str, Any]:
    """Move a task (with its subtasks) in the WBS; links and assignments follow it."""
    project = project_for(session, actor, project_id, Action.EDIT)
    record = task_in(session, project_id, task_id)
    edits.expect_version(record, body.version, "task", lambda: view_of(session, record, project))
    parent, position = _target(session, project_id, record, body)
    if parent != record.parent_id:
        _check_not_inside(session, record, parent)
        _unique_key(session, project_id, parent, record.key, record.id)
    before = repo.snapshot(record)
    if parent != record.parent_id:
        _place(session, project_id, None, record.parent_id, None, leaving=record.id)
    record.position = _place(session, project_id, record, parent, position)
    record.parent_id = parent
    edits.write(session, "task", lambda: get_task(session, actor, project_id, task_id))
    check_structure(session, project_id)
    edits.updated(session, actor, project_id, "task", before, record)
    return view_of(session, record, project)


def _place(
    session: Session,
    project_id: int,
    record: TaskRecord | None,
    parent: int | None,
    index: int | None,
    *,
    leaving: int | None = None,
) -> int:
    """Number the subtasks of ``parent`` 0, 1, 2... with ``record`` at ``index`` (the end
    when ``None``; without ``leaving``); returns the record's place."""
    others = [t for t in repo.siblings(session, project_id, parent) if record is None or t.id != record.id]
    others = [t for t in others if t.id != leaving]
    at = len(others) if index is None else min(index, len(others))
    repo.renumber(session, [*others[:at], None, *others[at:]])
    return at


def _target(session: Session, project_id: int, record: TaskRecord, body: TaskMove) -> tuple[int | None, int | None]:
    """The new parent and position a move asks for."""
    siblings = repo.siblings(session, project_id, record.parent_id)
    index = next(i for i, t in enumerate(siblings) if t.id == record.id)
    if body.step == "indent":
        if index == 0:
            message = "the first task of its level has no task above to go under"
            raise InvalidInputError(Problem("cannot_indent", message))
        return siblings[index - 1].id, None
    if body.step == "outdent":
        if record.parent_id is None:
            raise InvalidInputError(Problem("cannot_outdent", "a top-level task cannot be outdented"))
        above = task_in(session, project_id, record.parent_id)
        uncles = repo.siblings(session, project_id, above.parent_id)
        return above.parent_id, next(i for i, t in enumerate(uncles) if t.id == above.id) + 1
    if body.step in ("up", "down"):
        other = index - 1 if body.step == "up" else index + 1
        if not 0 <= other < len(siblings):
            edge = "first" if other < 0 else "last"
            raise InvalidInputError(Problem("cannot_move", f"the task is already the {edge} of its level"))
        return record.parent_id, other
    if body.to_top:
        return None, body.position
    if (parent := body.parent_id) is not None:
        entities.referenced("parent_id", lambda: task_in(session, project_id, parent))
        return parent, body.position
    return record.parent_id, body.position


def _check_not_inside(session: Session, record: TaskRecord, parent: int | None) -> None:
    current = parent
    while current is not None:
        if current == record.id:
            raise InvalidInputError(
                Problem("move_into_itself", "a task cannot move under itself or one of its own subtasks", "parent_id")
            )
        above = repo.get(session, TaskRecord, current)
        current = above.parent_id if above is not None else None
