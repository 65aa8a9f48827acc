"""Resource load against capacity, per day or week, and every over-allocation.

An assignment loads its resource with ``units`` times the task's working time in each
period (scaled to the assignment's own work when it has one, as in MS Project:
work = duration x units unless given).  A resource's capacity in a period is its units
then (availability periods) times its own calendar's working time in the period, so
time off shows as no capacity.  A period is over-allocated when the load is larger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from milepost.domain.project import Project
from milepost.domain.resource import ResourceKind
from milepost.domain.schedule import Schedule
from milepost.engine.calendars.compiled import CompiledCalendar, to_datetime, to_minutes


class Period(StrEnum):
    """The grain of a load report."""

    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class OverAllocation:
    """A resource loaded beyond its capacity in one period, and the tasks that load it."""

    resource: str
    start: datetime
    end: datetime
    load_minutes: int
    capacity_minutes: int
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class LoadReport:
    """Load and capacity (working minutes) of every work resource in every period."""

    periods: tuple[datetime, ...]
    resources: tuple[str, ...]
    load: tuple[tuple[int, ...], ...]
    capacity: tuple[tuple[int, ...], ...]
    over: tuple[OverAllocation, ...]


def resource_load(project: Project, schedule: Schedule, by: Period = Period.DAY) -> LoadReport:
    """The load report of ``schedule`` (usually levelled or not, from the same project)."""
    bounds = _periods(schedule, by)
    a, b = bounds[:-1], bounds[1:]
    calmap = project.calendar_map
    compiled: dict[str, CompiledCalendar] = {}

    def cal(key: str) -> CompiledCalendar:
        if key not in compiled:
            compiled[key] = CompiledCalendar(key, calmap, int(bounds[0]))
        return compiled[key]

    work = [r for r in project.resources if r.kind is ResourceKind.WORK]
    row = {r.key: k for k, r in enumerate(work)}
    load = np.zeros((len(work), len(a)), dtype=np.float64)
    holders: dict[tuple[int, int], list[str]] = {}
    for asg in project.assignments:
        k = row.get(asg.resource)
        if k is None or project.is_summary(asg.task):
            continue
        task = project.task(asg.task)
        st = schedule.task(asg.task)
        s, f = to_minutes(st.start), to_minutes(st.finish)
        if f <= s:
            continue
        tcal = cal(task.calendar or project.calendar)
        inside = tcal.between(np.clip(a, s, f), np.clip(b, s, f)).astype(np.float64)
        total = inside.sum()
        rate = asg.units
        if asg.work is not None and total > 0:
            rate = asg.work / total
        load[k] += inside * rate
        for p in np.flatnonzero(inside > 0).tolist():
            holders.setdefault((k, p), []).append(asg.task)
    capacity = np.zeros_like(load)
    for k, r in enumerate(work):
        minutes = cal(r.calendar or project.calendar).between(a, b).astype(np.float64)
        units = np.full(len(a), r.max_units)
        for period in r.availability:
            lo = to_minutes(period.start) if period.start else np.iinfo(np.int64).min
            hi = to_minutes(period.end) if period.end else np.iinfo(np.int64).max
            units[(a >= lo) & (a < hi)] = period.units
        capacity[k] = minutes * units
    over = [
        OverAllocation(
            work[k].key,
            to_datetime(int(a[p])),
            to_datetime(int(b[p])),
            round(load[k, p]),
            round(capacity[k, p]),
            tuple(holders.get((k, p), ())),
        )
        for k, p in zip(*np.nonzero(load > capacity + 0.5), strict=True)
    ]
    return LoadReport(
        tuple(to_datetime(int(x)) for x in a),
        tuple(r.key for r in work),
        tuple(tuple(round(x) for x in rowv) for rowv in load),
        tuple(tuple(round(x) for x in rowv) for rowv in capacity),
        tuple(sorted(over, key=lambda o: (o.start, o.resource))),
    )


def _periods(schedule: Schedule, by: Period) -> NDArray[np.int64]:
    first: date = schedule.start_date.date()
    last: date = schedule.finish_date.date()
    if by is Period.WEEK:
        first -= timedelta(days=first.weekday())
    step = 7 if by is Period.WEEK else 1
    days = (last - first).days // step + 2
    return np.asarray(
        [to_minutes(datetime.combine(first + timedelta(days=i * step), datetime.min.time())) for i in range(days)],
        dtype=np.int64,
    )
