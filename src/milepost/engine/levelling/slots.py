"""A scheduled project as a levelling problem, on slots of project working time.

The time axis is the working time of the project calendar, cut into slots of ``g``
working minutes (the greatest common divisor of durations and lags, at most a working
day, coarser for very long projects), counted from the project start.  Every node of the
engine's network becomes an activity: tasks with their duration, summary tasks as two
zero-length activities (their start side and finish side), so links on summary tasks
need no expansion.  Levelling only ever delays (as in MS Project): each activity is
released at its critical-path start.  Tasks with given dates (actuals, manual
schedules), must-start/finish-on constraints or priority 1000 (MS Project's "do not
level") are fixed.

Capacities come from each work resource's units, availability periods and calendar
(time off leaves no capacity); demands from assignment units, in hundredths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from milepost.domain.project import Project
from milepost.domain.resource import ResourceKind
from milepost.engine.calendars.compiled import CompiledCalendar, to_minutes
from milepost.engine.levelling.problem import Problem, padded
from milepost.engine.network import C_MFO, C_MSO, DOWN, FF, FS, LINK, NO_DATE, SF, SS, UP, Network
from milepost.engine.scheduler import Passes

I64 = NDArray[np.int64]
DO_NOT_LEVEL = 1000
"""MS Project's priority that means "do not level"."""


@dataclass(frozen=True, eq=False)
class SlotMap:
    """Between slots and engine minutes."""

    slot: int
    """Working minutes of the project calendar per slot."""
    origin: int
    """Working position (on the project calendar) of slot 0."""
    calendar: CompiledCalendar
    capped: tuple[str, ...] = ()
    """Assignments asking more units than their resource has ("task -> resource")."""

    def slot_of(self, minutes: I64) -> I64:
        """The slot containing each instant (by working time)."""
        return (self.calendar.pos(minutes) - self.origin) // self.slot

    def start_of(self, slots: I64) -> I64:
        """The first working minute of each slot."""
        return self.calendar.at(self.origin + slots * self.slot, start=True)


MAX_SLOTS = 20_000
"""Above this many slots in the critical-path span, slots grow (levelling gets coarser)."""


def slot_size(project: Project, net: Network, span: int) -> int:
    """Working minutes per slot: the gcd of durations and lags (at most a working day),
    made coarser when the project would need more than ``MAX_SLOTS`` slots."""
    values = [int(x) for x in np.unique(net.duration[net.duration > 0])]
    values += [abs(int(x)) for x in np.unique(net.lag[(net.kind == LINK) & ~net.lag_elapsed]) if x]
    day = int(project.units.hours_per_day * 60)
    g = 0
    for v in values:
        g = math.gcd(g, v)
    g = min(g or day, day)
    if span > g * MAX_SLOTS:
        g *= math.ceil(span / (g * MAX_SLOTS))
    return max(g, 1)


def build_problem(project: Project, net: Network, cpm: Passes, *, within_float: bool) -> tuple[Problem, SlotMap]:
    """The levelling problem of a scheduled project, and how its slots map to minutes."""
    cal = net.calendars[net.project_calendar]
    origin = int(cal.pos(np.asarray([cpm.start], dtype=np.int64))[0])
    span = int(cal.pos(np.asarray([cpm.finish], dtype=np.int64))[0]) - origin
    g = slot_size(project, net, span)
    slots = SlotMap(g, origin, cal)
    early, late = cpm.early, cpm.late
    es = slots.slot_of(early.start)
    ef = slots.slot_of(early.finish - 1) + 1
    duration = np.where(net.is_summary | (early.finish <= early.start), 0, np.maximum(ef - es, 1))
    preds = _edges(net, duration, g, cal, early.finish)
    pred, lag = padded(preds)
    horizon = int(max(es.max(initial=0), 0) + duration.sum() + 2)
    horizon = min(horizon, int(max((es + duration).max(initial=0), 1) * 3 + 50))
    fixed = _fixed(project, net, es)
    latest = slots.slot_of(late.start) if within_float else np.full(net.n_nodes, horizon, dtype=np.int64)
    demand, capacity, names, capped = _resources(project, net, slots, horizon)
    due = np.full(net.n_nodes, -1, dtype=np.int64)
    has_deadline = net.deadline != NO_DATE
    due[has_deadline] = slots.slot_of(net.deadline[has_deadline])
    keys = project.tasks
    labels = tuple(keys[int(t)].key for t in net.task_of)
    priority = np.asarray([keys[int(t)].priority for t in net.task_of], dtype=np.int64)
    problem = Problem(
        duration.astype(np.int64),
        demand,
        capacity,
        pred,
        lag,
        np.maximum(es, 0),
        fixed,
        np.maximum(latest, np.maximum(es, 0)),
        priority,
        due,
        labels,
        names,
    )
    return problem, SlotMap(g, origin, cal, capped)


def _edges(net: Network, d: I64, g: int, cal: CompiledCalendar, finish: I64) -> list[list[tuple[int, int]]]:
    """Start-to-start minimum lags in slots for every link, and the summary containment."""
    preds: list[list[tuple[int, int]]] = [[] for _ in range(net.n_nodes)]
    lags = net.lag.copy()
    el = net.lag_elapsed & (net.kind == LINK) & (net.lag != 0)
    if el.any():  # elapsed lags: the working time they span where the predecessor finishes
        t = finish[net.src[el]]
        lags[el] = cal.between(t, t + net.lag[el])
    for e in range(len(net.src)):
        i, j, kind = int(net.src[e]), int(net.dst[e]), int(net.kind[e])
        if kind == DOWN:
            preds[j].append((i, 0))
        elif kind == UP:
            preds[j].append((i, int(d[i])))
        else:
            lt = int(net.link_type[e])
            if lt in (SS, SF) and net.is_rollup[i]:
                i = int(net.task_of[i])  # a summary's start side drives start-based links
            gap = round(int(lags[e]) / g)
            ss = {FS: int(d[i]) + gap, SS: gap, FF: int(d[i]) - int(d[j]) + gap, SF: gap - int(d[j])}[lt]
            preds[j].append((i, ss))
    return preds


def _fixed(project: Project, net: Network, es: I64) -> I64:
    fixed = np.full(net.n_nodes, -1, dtype=np.int64)
    tasks = project.tasks
    for node in range(net.n_tasks):
        if net.is_summary[node]:
            continue
        task = tasks[node]
        pinned = net.fixed_start[node] != NO_DATE or net.constraint[node] in (C_MSO, C_MFO)
        if pinned or task.priority >= DO_NOT_LEVEL:
            fixed[node] = max(int(es[node]), 0)
    return fixed


def _resources(
    project: Project, net: Network, slots: SlotMap, horizon: int
) -> tuple[I64, I64, tuple[str, ...], tuple[str, ...]]:
    work = [r for r in project.resources if r.kind is ResourceKind.WORK]
    column = {r.key: k for k, r in enumerate(work)}
    demand = np.zeros((net.n_nodes, len(work)), dtype=np.int64)
    capacity = np.zeros((len(work), horizon), dtype=np.int64)
    bounds = slots.start_of(np.arange(horizon + 1, dtype=np.int64))
    for k, r in enumerate(work):
        capacity[k] = _capacity(project, r.key, bounds, slots)
    capped: list[str] = []
    index = project.task_index
    for a in project.assignments:
        col = column.get(a.resource)
        if col is None or project.is_summary(a.task):
            continue
        units = round(a.units * 100)
        top = int(capacity[col].max(initial=0))
        if units > top:
            capped.append(f"{a.task} -> {a.resource}")
            units = top
        demand[index[a.task], col] += units
    return demand, capacity, tuple(r.key for r in work), tuple(capped)


def _capacity(project: Project, key: str, bounds: I64, slots: SlotMap) -> I64:
    """Units (in hundredths) of a resource in each slot: its calendar's share of the slot's
    working time, times the units available then."""
    r = project.resource_map[key]
    a, b = bounds[:-1], bounds[1:]
    units = np.full(len(a), r.max_units, dtype=np.float64)
    for period in r.availability:
        lo = to_minutes(period.start) if period.start else np.iinfo(np.int64).min
        hi = to_minutes(period.end) if period.end else np.iinfo(np.int64).max
        units[(a >= lo) & (a < hi)] = period.units
    share = np.ones(len(a), dtype=np.float64)
    if r.calendar is not None and r.calendar != project.calendar:
        own = CompiledCalendar(r.calendar, project.calendar_map, int(a[0]) if len(a) else 0)
        share = np.clip(own.between(a, b) / slots.slot, 0.0, 1.0)
    return np.floor(units * share * 100 + 1e-9).astype(np.int64)
