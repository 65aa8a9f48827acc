"""A stored project with its schedule, for the pages: read once per revision.

Scheduling a project means loading it whole; the pages ask for the same schedule again
and again while nobody changes the project, so each server process keeps the last few
(project, revision) results.  The revision is in the database, so a change made through
any process is seen at once; this is a cache, not state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from milepost.domain.project import Project
from milepost.domain.schedule import Schedule
from milepost.services.access import ALLOWED, Action, Actor, Role, project_and_role
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import ProjectRecord

KEEP = 16


@dataclass(frozen=True)
class Planned:
    """A project as stored, scheduled, with the ids behind its task keys and the caller's role."""

    record: ProjectRecord
    project: Project
    schedule: Schedule
    task_ids: dict[str, int]
    revision: int
    role: Role
    key: tuple[str, int, datetime, int]
    """Where this process keeps it (database, project, its creation, revision)."""

    def may(self, action: Action) -> bool:
        """Whether the caller may do ``action`` here (what the page offers)."""
        return action in ALLOWED[self.role]


_lock = threading.Lock()
_kept: OrderedDict[tuple[str, int, datetime, int], tuple[Project, Schedule, dict[str, int]]] = OrderedDict()


def _key(session: Session, record: ProjectRecord, revision: int) -> tuple[str, int, datetime, int]:
    # the database and the project's birth too: SQLite hands a deleted project's id to the next one
    return (str(session.get_bind().engine.url), record.id, record.created_at, revision)


def earlier(plan: Planned, revision: int) -> Planned | None:
    """The same project at an earlier revision, if this process still keeps it (what a page
    showed before a change: the rows that changed since are the ones to send again)."""
    with _lock:
        found = _kept.get((*plan.key[:3], revision))
    if found is None:
        return None
    project, result, ids = found
    return Planned(plan.record, project, result, ids, revision, plan.role, (*plan.key[:3], revision))


def planned(session: Session, actor: Actor, project_id: int, action: Action = Action.READ) -> Planned:
    """The project and its critical-path schedule (raises for a plan that cannot be scheduled)."""
    record, role = project_and_role(session, actor, project_id, action)
    revision = repo.revision(session, project_id)
    project, result, ids = scheduled(session, record, revision)
    return Planned(record, project, result, ids, revision, role, _key(session, record, revision))


def scheduled(session: Session, record: ProjectRecord, revision: int) -> tuple[Project, Schedule, dict[str, int]]:
    """The project at ``revision`` (read at least that late), its critical-path schedule
    and the ids behind its task keys, kept per revision.  When this process keeps an
    earlier revision, its dates are reused if only names, notes and the like changed."""
    from milepost.engine import reschedule, schedule

    key = _key(session, record, revision)
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
        before = None if found else max((k for k in _kept if k[:3] == key[:3] and k[3] < revision), default=None)
        earlier_schedule = _kept[before][1] if before else None
    if found is None:
        loaded = mappers.load(session, record)
        project = loaded.project
        result = reschedule(project, earlier_schedule) if earlier_schedule else schedule(project)
        found = (project, result, loaded.task_ids)
        with _lock:
            _kept[key] = found
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    return found


def days_off(planned_project: Planned, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """Spans of whole days off on the project calendar, as datetimes (start, end)."""
    from milepost.engine.calendars.spans import days_off as spans

    project = planned_project.project
    found = spans(project.calendar_map, project.calendar, first, last)
    start = datetime.min.time()
    return [(datetime.combine(a, start), datetime.combine(b + timedelta(days=1), start)) for a, b in found]


def duration_to(plan: Planned, key: str, finish: datetime) -> str:
    """The duration, in the task's own unit, that makes it finish at ``finish`` (the end of
    a bar dragged in the Gantt): working time on its calendar from its start."""
    from milepost.domain.duration import Duration, format_duration
    from milepost.engine.calendars.compiled import CompiledCalendar, to_minutes

    project = plan.project
    task = project.task(key)
    start = plan.schedule.task(key).start
    if task.duration.elapsed:
        minutes = int((finish - start).total_seconds() // 60)
    else:
        calendar = CompiledCalendar(task.calendar or project.calendar, project.calendar_map, to_minutes(start))
        minutes = calendar.work_between(to_minutes(start), to_minutes(finish))
    step = {"m": 1, "h": 60}.get(task.duration.unit.value, 30)  # whole half-hours for days and longer
    minutes = max(step, round(minutes / step) * step)
    duration = Duration(minutes, task.duration.unit, task.duration.elapsed, task.duration.estimated)
    return format_duration(duration, project.units)
