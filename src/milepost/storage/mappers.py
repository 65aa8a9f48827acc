"""Between stored records and the domain :class:`~milepost.domain.project.Project`.

Tasks are stored as a tree (``parent_id``, ``position`` among siblings, own ``key``);
the domain's full dotted keys and outline order are rebuilt when a project is loaded.
Links, assignments and requests refer to tasks and resources by id, so moving a task in
the WBS (which changes its full key) never breaks them.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from milepost.domain.calendar import builtin_calendars
from milepost.domain.duration import ZERO, Duration, PercentLag, TimeUnit, WorkUnits
from milepost.domain.project import Anchor, Constraint, ConstraintType, Dependency, LinkType, Project, Task, TaskType
from milepost.domain.resource import Assignment, Request, Resource, ResourceKind
from milepost.storage.models import (
    AssignmentRecord,
    Base,
    CalendarRecord,
    DependencyRecord,
    ProjectRecord,
    RequestRecord,
    ResourceRecord,
    TaskRecord,
)
from milepost.storage.values import (
    availability_from_json,
    availability_to_json,
    calendar_from_json,
    calendar_to_json,
    rates_from_json,
    rates_to_json,
)


@dataclass
class Loaded:
    """A project read from the database, with the record id behind each key."""

    project: Project
    record: ProjectRecord
    task_ids: dict[str, int] = field(default_factory=dict)
    task_keys: dict[int, str] = field(default_factory=dict)
    resource_ids: dict[str, int] = field(default_factory=dict)


class Converted:
    """Domain objects already made from rows, by the row's values and the keys around it.

    A stored project is loaded again after every change, and most of its rows are as
    they were: their tasks and links are taken from here instead of being built again.
    The key is the whole row, so a changed row is never mistaken for the old one (a row
    whose values cannot be hashed, such as a JSON column's, is simply built every time).
    """

    def __init__(self, limit: int = 200_000) -> None:
        self._limit = limit
        self._made: dict[tuple[Any, ...], Any] = {}

    def task(self, row: Row[Any], key: str, parent: str | None) -> Task:
        """The task of a row (at its full key, under its parent)."""
        memo = (tuple(row), key, parent)  # plain values: a Row compares slower
        found: Task | None = self._find(memo)
        if found is None:
            found = self._keep(memo, task_from_record(row, key, parent))
        return found

    def dependency(self, row: Row[Any], keys: dict[int, str]) -> Dependency:
        """The link of a row, between the tasks' current keys."""
        ends = (tuple(row), keys[row.predecessor_id], keys[row.successor_id])
        found: Dependency | None = self._find(ends)
        if found is None:
            found = self._keep(ends, dependency_from_record(row, keys))
        return found

    def _find(self, key: tuple[Any, ...]) -> Any:
        try:
            return self._made.get(key)
        except TypeError:  # unhashable values
            return None

    def _keep(self, key: tuple[Any, ...], made: Any) -> Any:
        if len(self._made) >= self._limit:
            self._made.clear()  # start again rather than grow without end
        with contextlib.suppress(TypeError):  # unhashable values are not kept
            self._made[key] = made
        return made


_converted = Converted()


TaskRow = TaskRecord | Row[Any]
"""A task's record, or a row of its columns (the same names)."""
DependencyRow = DependencyRecord | Row[Any]
"""A link's record, or a row of its columns."""


# ------------------------------------------------------------------ reading
def rows_of(session: Session, record: type[Base], project_id: int) -> list[Row[Any]]:
    """A project's rows of one table, in id order, as plain rows (a project's thousands of
    tasks and links load several times faster so than as records the session tracks)."""
    table = record.__table__
    return list(session.execute(select(table).where(table.c.project_id == project_id).order_by(table.c.id)).all())


def load(session: Session, record: ProjectRecord) -> Loaded:
    """The domain project stored under ``record``.

    The project this process loaded last is read again from the rows that changed since,
    when they are tasks changed in place (a new name, duration, constraint, progress...):
    one small query of every task's and link's version finds them.  Anything else (a
    task added, removed, moved or renamed in the WBS, any link changed) reads all rows.
    """
    return _recent.load(session, record)


@dataclass(frozen=True)
class Outline:
    """What a loaded project was made from: each task's ``(version, parent, position)``
    and each link's version, by row id, and each task's place in the outline."""

    tasks: dict[int, tuple[int, int | None, int]]
    links: dict[int, int]
    index: dict[int, int]


class Recent:
    """The projects this process loaded last, with their outlines, to load them again
    from their changed rows.  A row's version goes up with every change of it (the ORM's
    version counter), so equal versions mean equal rows; positions are compared too
    (a reorder writes them without a new version)."""

    def __init__(self, keep: int = 8) -> None:
        self._keep = keep
        self._kept: OrderedDict[tuple[object, ...], tuple[Loaded, Outline]] = OrderedDict()
        self._guard = threading.Lock()

    def load(self, session: Session, record: ProjectRecord) -> Loaded:
        """The project under ``record``, from its changed rows when that is safe."""
        key = (str(session.get_bind().engine.url), record.id, record.created_at)
        with self._guard:
            kept = self._kept.get(key)
        made = self._again(session, record, *kept) if kept is not None else None
        if made is None:
            made = load_all(session, record)
        with self._guard:
            self._kept[key] = made
            self._kept.move_to_end(key)
            while len(self._kept) > self._keep:
                self._kept.popitem(last=False)
        return made[0]

    def _again(
        self, session: Session, record: ProjectRecord, before: Loaded, outline: Outline
    ) -> tuple[Loaded, Outline] | None:
        """``before`` with the tasks changed since it was loaded read again, or None when
        more than tasks' own values changed."""
        pid = record.id
        t, d = TaskRecord.__table__.c, DependencyRecord.__table__.c  # the core columns: no ORM rows
        # all rows fetched at once: iterating a result fetches them one by one
        tasks = {i: (v, p, n) for i, v, p, n in session.execute(
            select(t.id, t.version, t.parent_id, t.position).where(t.project_id == pid)
        ).all()}  # fmt: skip
        links = {i: v for i, v in session.execute(select(d.id, d.version).where(d.project_id == pid)).all()}  # noqa: C416
        if links != outline.links or tasks.keys() != outline.tasks.keys():
            return None
        changed = [i for i, seen in tasks.items() if outline.tasks[i] != seen]
        if any(tasks[i][1:] != outline.tasks[i][1:] for i in changed):
            return None  # moved in the WBS
        old = before.project.tasks
        new = list(old)
        if changed:
            table = TaskRecord.__table__
            for row in session.execute(select(table).where(table.c.id.in_(changed))):
                was = old[outline.index[row.id]]
                full = before.task_keys[row.id]
                if full.rpartition(".")[2] != row.key:
                    return None  # renamed: its subtasks' keys and its links change
                new[outline.index[row.id]] = _converted.task(row, full, was.parent)
        around, resource_ids = _around(session, record, before.task_keys, outline.index)
        project = replace(
            project_settings(record), tasks=tuple(new), dependencies=before.project.dependencies, **around
        )
        return replace(before, project=project, record=record, resource_ids=resource_ids), replace(outline, tasks=tasks)


def load_all(session: Session, record: ProjectRecord) -> tuple[Loaded, Outline]:
    """The domain project stored under ``record``, read from all of its rows, and its
    outline (what :func:`load` needs to read it again from its changed rows only)."""
    pid = record.id
    tasks = rows_of(session, TaskRecord, pid)
    kids: dict[int | None, list[Row[Any]]] = {}
    for t in tasks:
        kids.setdefault(t.parent_id, []).append(t)
    for rows in kids.values():
        rows.sort(key=lambda r: (r.position, r.id))
    loaded = Loaded(project=None, record=record)  # type: ignore[arg-type]
    ordered: list[Task] = []

    def walk(parent: int | None, prefix: str | None) -> None:
        for row in kids.get(parent, []):
            key = f"{prefix}.{row.key}" if prefix else row.key
            loaded.task_ids[key] = row.id
            loaded.task_keys[row.id] = key
            ordered.append(_converted.task(row, key, prefix))
            walk(row.id, key)

    walk(None, None)
    keys = loaded.task_keys
    deps = rows_of(session, DependencyRecord, pid)
    order = {row.id: i for i, row in enumerate(ordered_ids(kids))}
    deps = sorted(deps, key=lambda d: (order.get(d.successor_id, 0), d.id))  # with their successor, as in a plan
    around, loaded.resource_ids = _around(session, record, keys, order)
    loaded.project = replace(
        project_settings(record),
        tasks=tuple(ordered),
        dependencies=tuple(_converted.dependency(d, keys) for d in deps),
        **around,
    )
    outline = Outline(
        tasks={t.id: (t.version, t.parent_id, t.position) for t in tasks},
        links={d.id: d.version for d in deps},
        index=order,
    )
    return loaded, outline


_recent = Recent()


def _around(
    session: Session, record: ProjectRecord, keys: dict[int, str], order: dict[int, int]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The project's calendars, resources, assignments and requests, as fields of the
    domain project, and the resources' ids by key."""
    pid = record.id
    resources = session.scalars(
        select(ResourceRecord)
        .where(ResourceRecord.project_id == pid)
        .order_by(ResourceRecord.position, ResourceRecord.id)
    ).all()
    resource_keys = {r.id: r.key for r in resources}
    assignments = session.scalars(
        select(AssignmentRecord).where(AssignmentRecord.project_id == pid).order_by(AssignmentRecord.id)
    ).all()
    requests = session.scalars(
        select(RequestRecord).where(RequestRecord.project_id == pid).order_by(RequestRecord.id)
    ).all()
    calendars = dict(builtin_calendars())
    for c in session.scalars(
        select(CalendarRecord)
        .where(CalendarRecord.project_id == pid)
        .order_by(CalendarRecord.position, CalendarRecord.id)
    ):
        calendars[c.key] = calendar_from_json(c.definition)
    return {
        "calendars": tuple(calendars.values()),
        "resources": tuple(resource_from_record(r) for r in resources),
        "assignments": tuple(
            Assignment(
                keys[a.task_id], resource_keys[a.resource_id], a.units, a.work_minutes, a.quantity, a.external_id
            )
            for a in sorted(assignments, key=lambda a: (order.get(a.task_id, 0), a.id))
        ),
        "requests": tuple(
            Request(keys[q.task_id], q.count, q.role, q.skill, q.level)
            for q in sorted(requests, key=lambda q: (order.get(q.task_id, 0), q.id))
        ),
    }, {r.key: r.id for r in resources}


def skeleton(session: Session, project_id: int) -> Project:
    """The project's structure only (WBS, constraints, links): what an edit of the tree or
    of a link must keep valid, read far faster than the whole project."""
    rows = session.execute(
        select(
            TaskRecord.id, TaskRecord.parent_id, TaskRecord.position, TaskRecord.key,
            TaskRecord.constraint_type, TaskRecord.constraint_date,
        ).where(TaskRecord.project_id == project_id)
    ).all()  # fmt: skip
    kids: dict[int | None, list[tuple[int, int, str, str | None, datetime | None]]] = {}
    for ident, parent, position, key, ctype, cdate in rows:
        kids.setdefault(parent, []).append((position, ident, key, ctype, cdate))
    keys: dict[int, str] = {}
    tasks: list[Task] = []
    stack: list[tuple[int | None, str | None]] = [(None, None)]
    while stack:  # outline order (parents first); the order of siblings does not matter here
        parent, prefix = stack.pop()
        for _, ident, own, ctype, cdate in sorted(kids.get(parent, [])):
            key = f"{prefix}.{own}" if prefix else own
            keys[ident] = key
            constraint = Constraint(ConstraintType(ctype), cdate) if ctype else None
            tasks.append(Task(key=key, parent=prefix, constraint=constraint))
            stack.append((ident, key))
    links = session.execute(
        select(
            DependencyRecord.predecessor_id, DependencyRecord.successor_id, DependencyRecord.type,
            DependencyRecord.lag_percent,
        ).where(DependencyRecord.project_id == project_id)
    ).all()  # fmt: skip
    deps = tuple(
        Dependency(keys[p], keys[q], LinkType(t), PercentLag(pc) if pc is not None else ZERO) for p, q, t, pc in links
    )
    return Project(name="", anchor_date=datetime(2000, 1, 3), tasks=tuple(tasks), dependencies=deps)


def project_settings(record: ProjectRecord) -> Project:
    """The project's settings only (no tasks or calendars of its own)."""
    return Project(
        name=record.name,
        anchor_date=record.anchor_date,
        anchor=Anchor.FINISH if record.from_finish else Anchor.START,
        timezone=record.timezone,
        calendar=record.calendar,
        currency=record.currency,
        units=WorkUnits(record.hours_per_day, record.days_per_week, record.days_per_month),
        description=record.description,
        honor_constraints=record.honor_constraints,
        status_date=record.status_date,
    )


def ordered_ids(kids: dict[int | None, list[Row[Any]]]) -> list[Row[Any]]:
    """Task records in outline order (each summary before its subtasks)."""
    out: list[Row[Any]] = []
    stack = list(reversed(kids.get(None, [])))
    while stack:
        row = stack.pop()
        out.append(row)
        stack.extend(reversed(kids.get(row.id, [])))
    return out


def task_from_record(row: TaskRow, key: str, parent: str | None) -> Task:
    """A domain task from its record."""
    constraint = None
    if row.constraint_type is not None:
        constraint = Constraint(ConstraintType(row.constraint_type), row.constraint_date)
    return Task(
        key=key,
        name=row.name,
        parent=parent,
        duration=Duration(
            row.duration_minutes, TimeUnit(row.duration_unit), row.duration_elapsed, row.duration_estimated
        ),
        milestone=row.milestone,
        deliverable=row.deliverable,
        priority=row.priority,
        notes=row.notes,
        external_id=row.external_id,
        calendar=row.calendar,
        constraint=constraint,
        deadline=row.deadline,
        manual=row.manual,
        manual_start=row.manual_start,
        manual_finish=row.manual_finish,
        percent_complete=row.percent_complete,
        actual_start=row.actual_start,
        actual_finish=row.actual_finish,
        task_type=TaskType(row.task_type),
        effort_driven=row.effort_driven,
    )


def dependency_from_record(d: DependencyRow, keys: dict[int, str]) -> Dependency:
    """A domain dependency from its record."""
    lag = (
        PercentLag(d.lag_percent)
        if d.lag_percent is not None
        else Duration(d.lag_minutes, TimeUnit(d.lag_unit), d.lag_elapsed)
    )
    return Dependency(keys[d.predecessor_id], keys[d.successor_id], LinkType(d.type), lag)


def resource_from_record(r: ResourceRecord) -> Resource:
    """A domain resource from its record."""
    return Resource(
        key=r.key,
        name=r.name,
        kind=ResourceKind(r.kind),
        max_units=r.max_units,
        availability=availability_from_json(r.availability),
        calendar=r.calendar,
        rates=rates_from_json(r.rates),
        skills=tuple(sorted((k, int(v)) for k, v in r.skills.items())),
        role=r.role,
        generic=r.generic,
        label=r.label,
        email=r.email,
        notes=r.notes,
        external_id=r.external_id,
    )


# ------------------------------------------------------------------ writing
def project_fields(project: Project) -> dict[str, object]:
    """The project-level columns of a domain project."""
    return {
        "name": project.name,
        "anchor_date": project.anchor_date,
        "from_finish": project.anchor is Anchor.FINISH,
        "timezone": project.timezone,
        "calendar": project.calendar,
        "currency": project.currency,
        "hours_per_day": project.units.hours_per_day,
        "days_per_week": project.units.days_per_week,
        "days_per_month": project.units.days_per_month,
        "description": project.description,
        "honor_constraints": project.honor_constraints,
        "status_date": project.status_date,
    }


def task_fields(task: Task) -> dict[str, object]:
    """The columns of a task record (not its place in the tree)."""
    c = task.constraint
    return {
        "key": task.key.rsplit(".", 1)[-1],
        "name": task.name,
        "duration_minutes": task.duration.minutes,
        "duration_unit": task.duration.unit.value,
        "duration_elapsed": task.duration.elapsed,
        "duration_estimated": task.duration.estimated,
        "milestone": task.milestone,
        "deliverable": task.deliverable,
        "priority": task.priority,
        "notes": task.notes,
        "external_id": task.external_id,
        "calendar": task.calendar,
        "constraint_type": c.type.value if c else None,
        "constraint_date": c.date if c else None,
        "deadline": task.deadline,
        "manual": task.manual,
        "manual_start": task.manual_start,
        "manual_finish": task.manual_finish,
        "percent_complete": task.percent_complete,
        "actual_start": task.actual_start,
        "actual_finish": task.actual_finish,
        "task_type": task.task_type.value,
        "effort_driven": task.effort_driven,
    }


def dependency_fields(dep: Dependency) -> dict[str, object]:
    """The type and lag columns of a dependency record."""
    if isinstance(dep.lag, PercentLag):
        return {
            "type": dep.type.value,
            "lag_minutes": 0,
            "lag_unit": "d",
            "lag_elapsed": False,
            "lag_percent": dep.lag.percent,
        }
    return {
        "type": dep.type.value,
        "lag_minutes": dep.lag.minutes,
        "lag_unit": dep.lag.unit.value,
        "lag_elapsed": dep.lag.elapsed,
        "lag_percent": None,
    }


def resource_fields(r: Resource) -> dict[str, object]:
    """The columns of a resource record."""
    return {
        "key": r.key,
        "name": r.name,
        "kind": r.kind.value,
        "max_units": r.max_units,
        "calendar": r.calendar,
        "rates": rates_to_json(r.rates),
        "availability": availability_to_json(r.availability),
        "skills": dict(r.skills),
        "role": r.role,
        "generic": r.generic,
        "label": r.label,
        "email": r.email,
        "notes": r.notes,
        "external_id": r.external_id,
    }


def store(session: Session, project: Project, workspace_id: int) -> ProjectRecord:
    """Store a whole domain project as new records (an import); returns its record."""
    record = ProjectRecord(workspace_id=workspace_id, **project_fields(project))
    session.add(record)
    session.flush()
    builtins = builtin_calendars()
    for i, cal in enumerate(c for c in project.calendars if builtins.get(c.key) != c):
        session.add(CalendarRecord(project_id=record.id, key=cal.key, position=i, definition=calendar_to_json(cal)))
    ids: dict[str, int] = {}
    position: dict[str | None, int] = {}
    for task in project.tasks:  # outline order: parents are stored first
        n = position[task.parent] = position.get(task.parent, -1) + 1
        row = TaskRecord(
            project_id=record.id, parent_id=ids[task.parent] if task.parent else None, position=n, **task_fields(task)
        )
        session.add(row)
        session.flush()
        ids[task.key] = row.id
    rids: dict[str, int] = {}
    for i, res in enumerate(project.resources):
        rrow = ResourceRecord(project_id=record.id, position=i, **resource_fields(res))
        session.add(rrow)
        session.flush()
        rids[res.key] = rrow.id
    session.add_all(
        DependencyRecord(
            project_id=record.id,
            predecessor_id=ids[d.predecessor],
            successor_id=ids[d.successor],
            **dependency_fields(d),
        )
        for d in project.dependencies
    )
    session.add_all(
        AssignmentRecord(
            project_id=record.id, task_id=ids[a.task], resource_id=rids[a.resource], units=a.units,
            work_minutes=a.work, quantity=a.quantity, external_id=a.external_id,
        )
        for a in project.assignments
    )  # fmt: skip
    session.add_all(
        RequestRecord(
            project_id=record.id, task_id=ids[q.task], count=q.count, role=q.role, skill=q.skill, level=q.level
        )
        for q in project.requests
    )
    session.flush()
    return record
