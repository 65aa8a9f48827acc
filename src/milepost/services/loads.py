"""Resource load of a stored project: by the critical-path schedule, and by its last
levelling while the project has not changed since (what the resources page shows).

The levelling is read from the result cache, where ``POST .../level`` and levelling
jobs keep it: its document gives every task's levelled dates and the assignments it
levelled with (including people chosen for requests by role or skill), from which the
levelled load is computed the same way as the planned one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from milepost.domain.duration import describe_minutes
from milepost.domain.resource import Assignment
from milepost.domain.schedule import Schedule
from milepost.services.planning import Planned, planned
from milepost.services.scheduling import LEVEL
from milepost.storage import repository as repo
from milepost.storage.db import Session

if TYPE_CHECKING:
    from milepost.engine.load import LoadReport, Period
    from milepost.services.access import Actor


@dataclass(frozen=True)
class Delay:
    """One task the levelling delayed, for people."""

    key: str
    name: str
    minutes: int
    delay: str
    resource: str | None
    held_by: tuple[str, ...]


@dataclass(frozen=True)
class Levelling:
    """The last levelling of the project as it is now: finishes, delays, the resource-critical path."""

    document: dict[str, Any]
    finish: datetime
    unlevelled_finish: datetime
    slip: str
    delays: tuple[Delay, ...]
    resource_critical_path: tuple[str, ...]
    method: str
    status: str
    params: dict[str, Any]
    diagnostics: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Loads:
    """The plan, its load per period, and the levelled load and explanation if current."""

    plan: Planned
    planned: LoadReport
    levelled: LoadReport | None
    levelling: Levelling | None


def resource_loads(session: Session, actor: Actor, project_id: int, by: Period) -> Loads:
    """Load against capacity per ``by`` of every work resource, planned and levelled."""
    from milepost.engine.load import resource_load

    plan = planned(session, actor, project_id)
    now = resource_load(plan.project, plan.schedule, by)
    cached = repo.cached_result(session, project_id, LEVEL)
    if cached is None or cached.revision != plan.revision:
        return Loads(plan, now, None, None)
    document = orjson.loads(cached.body)
    levelled = levelled_schedule(plan.schedule, document)
    return Loads(
        plan,
        now,
        resource_load(levelled.project, levelled, by),
        _levelling(plan, document, levelled, cached.params),
    )


def levelled_schedule(schedule: Schedule, document: dict[str, Any]) -> Schedule:
    """``schedule`` with the dates and assignments of a levelling's document."""
    tasks = {t["key"]: t for t in document["tasks"]}
    project = schedule.project
    cols = schedule.columns

    def minutes(text: str) -> int:
        moment = datetime.fromisoformat(text).replace(tzinfo=None)  # local wall time, as the schedule's
        return int((moment - schedule.origin).total_seconds() // 60)

    start = [minutes(tasks[t.key]["start"]) if t.key in tasks else cols.start[i] for i, t in enumerate(project.tasks)]
    finish = [
        minutes(tasks[t.key]["finish"]) if t.key in tasks else cols.finish[i] for i, t in enumerate(project.tasks)
    ]
    people = tuple(
        Assignment(t["key"], a["resource"], a["units"], a.get("work_minutes"), a.get("quantity"))
        for t in document["tasks"]
        for a in t.get("assignments", [])
        if t["key"] in project.task_index
    )
    return replace(
        schedule,
        project=replace(project, assignments=people),
        start=min(start, default=schedule.start),
        finish=max(finish, default=schedule.finish),
        columns=replace(cols, start=start, finish=finish),
    )


def _levelling(plan: Planned, document: dict[str, Any], levelled: Schedule, params: str) -> Levelling:
    project = plan.project
    names = {t.key: t.label for t in project.tasks}
    delays = tuple(
        Delay(
            t["key"],
            names.get(t["key"], t["key"]),
            int(t["delay_minutes"]),
            describe_minutes(int(t["delay_minutes"]), project.units),
            t.get("delay_resource"),
            tuple(t.get("delayed_by", ())),
        )
        for t in document["tasks"]
        if t.get("delay_minutes")
    )
    before, after = plan.schedule.finish_date, levelled.finish_date
    slip = _working_time(plan, before, after)
    return Levelling(
        document=document,
        finish=after,
        unlevelled_finish=before,
        slip=slip,
        delays=tuple(sorted(delays, key=lambda d: (-d.minutes, d.key))),
        resource_critical_path=tuple(document.get("resource_critical_path", ())),
        method=str(document.get("method", "")),
        status=str(document.get("status", "")),
        params=orjson.loads(params) if params.startswith("{") else {},
        diagnostics=tuple(document.get("diagnostics", ())),
    )


def _working_time(plan: Planned, before: datetime, after: datetime) -> str:
    """How much later the levelled finish is, in working time of the project calendar."""
    from milepost.engine.calendars.compiled import CompiledCalendar, to_minutes

    project = plan.project
    if after <= before:
        return "no later"
    calendar = CompiledCalendar(project.calendar, project.calendar_map, to_minutes(before))
    return describe_minutes(int(calendar.work_between(to_minutes(before), to_minutes(after))), project.units) + " later"
