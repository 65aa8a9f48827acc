"""Compile a project to a dense network of integer arrays, once.

Nodes
    Every task ``i`` is node ``i``.  A summary task also gets a *finish node*
    ``n + k``: node ``i`` then stands for the summary's start side (links into the
    summary reach it, and it passes them down to every subtask) and the finish node
    for its finish side (it rolls up its subtasks and links out of the summary leave
    from it).  This is how MS Project treats links on summary tasks.

Edges
    ``LINK`` edges carry a dependency type and lag; ``DOWN`` edges go from a summary's
    start node to each child; ``UP`` edges from each child's finish side to the
    summary's finish node.

Levels
    Nodes are grouped by topological level (longest edge count from a source) so the
    passes in :mod:`milepost.engine.cpm` can process each level with vector
    operations.  A cycle is reported with every task in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from milepost.domain.duration import ZERO, PercentLag
from milepost.domain.effort import effective_duration
from milepost.domain.graph import find_cycle
from milepost.domain.project import Anchor, ConstraintType, LinkType, Project, Task
from milepost.domain.resource import Assignment
from milepost.domain.validation import cycle_problem
from milepost.engine.calendars.compiled import CompiledCalendar, to_minutes
from milepost.errors import CyclicDependencyError

I64 = NDArray[np.int64]
I8 = NDArray[np.int8]
Bools = NDArray[np.bool_]

LINK, DOWN, UP = 0, 1, 2
FS, SS, FF, SF = 0, 1, 2, 3
LINK_CODES = {LinkType.FS: FS, LinkType.SS: SS, LinkType.FF: FF, LinkType.SF: SF}
NO_DATE = np.iinfo(np.int64).min
CONSTRAINT_CODES = {c: i for i, c in enumerate(ConstraintType)}
C_ASAP, C_ALAP, C_SNET, C_SNLT, C_FNET, C_FNLT, C_MSO, C_MFO = range(8)


@dataclass(frozen=True, eq=False)
class Network:
    """Dense arrays describing a project, ready for the scheduling passes."""

    n_tasks: int
    n_nodes: int
    task_of: I64
    """Task index of each node."""
    finish_node: I64
    """Node holding each task's finish side (itself for non-summaries)."""
    is_summary: Bools
    """Per node: a summary's start or finish node."""
    is_rollup: Bools
    """Per node: a summary's finish node (its dates roll up from the children)."""
    duration: I64
    elapsed: Bools
    calendar: I64
    """Per node: index into ``calendars``."""
    constraint: I8
    constraint_date: I64
    deadline: I64
    fixed_start: I64
    """Per node: a start that is given, not computed (manual task, actual start), or NO_DATE;
    a given date in non-working time is moved to the task's next working minute (a bare
    date, "started on the 1st", means the start of that working day)."""
    fixed_finish: I64
    """Per node: a finish that is given (manual task, actual finish), or NO_DATE."""
    honor_constraints: bool
    """MS Project's "tasks will always honor their constraint dates"."""
    calendars: tuple[CompiledCalendar, ...]
    project_calendar: int
    src: I64
    dst: I64
    kind: I8
    link_type: I8
    lag: I64
    lag_elapsed: Bools
    level: I64
    """Topological level of each node."""
    level_nodes: tuple[I64, ...]
    """Nodes of each level."""
    level_edges: tuple[tuple[int, int], ...]
    """Per level, the slice of the edge arrays (sorted by destination level) entering it."""
    single_calendar: bool
    """Whether every node uses the same calendar (the fast path)."""
    anchor: int
    """Project start (or finish, when finish-anchored) in minutes."""
    from_finish: bool


def compile_network(project: Project) -> Network:
    """Compile ``project`` (already validated) into a :class:`Network`."""
    tasks = project.tasks
    n = len(tasks)
    index = project.task_index
    children = project.children
    summary_keys = [t.key for t in tasks if t.key in children]
    finish_node = np.arange(n, dtype=np.int64)
    for k, key in enumerate(summary_keys):
        finish_node[index[key]] = n + k
    n_nodes = n + len(summary_keys)
    task_of = np.concatenate(
        [np.arange(n, dtype=np.int64), np.asarray([index[k] for k in summary_keys], dtype=np.int64)]
    )
    anchor = to_minutes(project.anchor_date)

    calmap = project.calendar_map
    used = {project.calendar} | {t.calendar for t in tasks if t.calendar is not None}
    cal_keys = [k for k in calmap if k in used]  # only the calendars tasks run on
    cal_index = {k: i for i, k in enumerate(cal_keys)}
    calendars = tuple(CompiledCalendar(k, calmap, anchor) for k in cal_keys)
    project_cal = cal_index[project.calendar]

    default = ConstraintType.ALAP if project.anchor is Anchor.FINISH else ConstraintType.ASAP
    duration = np.zeros(n_nodes, dtype=np.int64)
    elapsed = np.zeros(n_nodes, dtype=np.bool_)
    calendar = np.full(n_nodes, project_cal, dtype=np.int64)
    constraint = np.full(n_nodes, CONSTRAINT_CODES[default], dtype=np.int8)
    cdate = np.full(n_nodes, NO_DATE, dtype=np.int64)
    deadline = np.full(n_nodes, NO_DATE, dtype=np.int64)
    fixed_start = np.full(n_nodes, NO_DATE, dtype=np.int64)
    fixed_finish = np.full(n_nodes, NO_DATE, dtype=np.int64)
    is_summary = np.zeros(n_nodes, dtype=np.bool_)
    is_summary[n:] = True
    summaries = task_of[n:]
    is_summary[summaries] = True
    # durations of all tasks at once (summaries have none); the few tasks with more to
    # say (stated work, a calendar, a constraint, a deadline, given dates) one by one
    duration[:n] = [t.duration.minutes for t in tasks]
    elapsed[:n] = [t.duration.elapsed for t in tasks]
    duration[summaries], elapsed[summaries] = 0, False
    for key, assigned in _stated_work(project).items():
        if key not in children:
            duration[index[key]] = effective_duration(tasks[index[key]], assigned).minutes
    for i in [i for i, t in enumerate(tasks) if _has_settings(t)]:
        t = tasks[i]
        if t.calendar is not None and t.key not in children:
            calendar[i] = cal_index[t.calendar]
        if t.constraint is not None:
            constraint[i] = CONSTRAINT_CODES[t.constraint.type]
            if t.constraint.date is not None:
                cdate[i] = to_minutes(t.constraint.date)
        if t.deadline is not None:
            deadline[i] = to_minutes(t.deadline)
        if t.key not in children:
            given = _given_dates(t)
            if given[0] is not None:
                fixed_start[i] = to_minutes(given[0])
            if given[1] is not None:
                fixed_finish[i] = to_minutes(given[1])
    is_rollup = np.zeros(n_nodes, dtype=np.bool_)
    is_rollup[n:] = True
    owners = task_of[n:]
    constraint[n:], cdate[n:], deadline[n:] = constraint[owners], cdate[owners], deadline[owners]

    src, dst, kind, ltype, lag, lag_el = _edges(project, finish_node)
    level, level_nodes, level_edges, order = _levels(project, n_nodes, src, dst)
    return Network(
        n_tasks=n,
        n_nodes=n_nodes,
        task_of=task_of,
        finish_node=finish_node,
        is_summary=is_summary,
        is_rollup=is_rollup,
        duration=duration,
        elapsed=elapsed,
        calendar=calendar,
        constraint=constraint,
        constraint_date=cdate,
        deadline=deadline,
        fixed_start=fixed_start,
        fixed_finish=fixed_finish,
        honor_constraints=project.honor_constraints,
        calendars=calendars,
        project_calendar=project_cal,
        src=src[order],
        dst=dst[order],
        kind=kind[order],
        link_type=ltype[order],
        lag=lag[order],
        lag_elapsed=lag_el[order],
        level=level,
        level_nodes=level_nodes,
        level_edges=level_edges,
        single_calendar=bool((calendar == project_cal).all()),
        anchor=anchor,
        from_finish=project.anchor is Anchor.FINISH,
    )


def _stated_work(project: Project) -> dict[str, list[Assignment]]:
    """The assignments of each task where one states its own work (it may set the duration)."""
    stated = {a.task for a in project.assignments if a.work is not None}
    out: dict[str, list[Assignment]] = {}
    for a in project.assignments:
        if a.task in stated:
            out.setdefault(a.task, []).append(a)
    return out


def _has_settings(task: Task) -> bool:
    """Whether a task has a calendar, constraint, deadline or given dates of its own."""
    return not (
        task.calendar is None
        and task.constraint is None
        and task.deadline is None
        and task.actual_start is None
        and task.actual_finish is None
        and not task.manual
    )


def _given_dates(task: Task) -> tuple[datetime | None, datetime | None]:
    """Dates the schedule must keep: actuals first, then a manual task's own dates."""
    start = task.actual_start or (task.manual_start if task.manual else None)
    finish = task.actual_finish or (task.manual_finish if task.manual else None)
    return start, finish


def _edges(project: Project, finish_node: I64) -> tuple[I64, I64, I8, I8, I64, Bools]:
    index = project.task_index
    deps = project.dependencies
    m = len(deps)
    codes = LINK_CODES
    preds, succs = project.link_endpoints  # validated: no unknown keys
    pred = np.asarray(preds, dtype=np.int64)
    succ = np.asarray(succs, dtype=np.int64)
    ltype = np.asarray([codes[d.type] for d in deps], dtype=np.int8).reshape(m)
    lag = np.zeros(m, dtype=np.int64)
    lag_el = np.zeros(m, dtype=np.bool_)
    tasks = project.tasks
    for e in [e for e, d in enumerate(deps) if d.lag is not ZERO and (isinstance(d.lag, PercentLag) or d.lag.minutes)]:
        d = deps[e]
        if isinstance(d.lag, PercentLag):
            pdur = tasks[int(pred[e])].duration
            lag[e] = round(pdur.minutes * d.lag.percent / 100)
            lag_el[e] = pdur.elapsed
        else:
            lag[e] = d.lag.minutes
            lag_el[e] = d.lag.elapsed
    # a summary's start passes to each subtask (DOWN), each subtask's finish side rolls up
    # to the summary's finish node (UP), in outline order
    parent = np.asarray([-1 if t.parent is None else index[t.parent] for t in tasks], dtype=np.int64)
    kids = np.flatnonzero(parent >= 0)
    k = kids.size
    return (
        np.concatenate([finish_node[pred], parent[kids], finish_node[kids]]),
        np.concatenate([succ, kids, finish_node[parent[kids]]]),
        np.concatenate([np.full(m, LINK, dtype=np.int8), np.full(k, DOWN, np.int8), np.full(k, UP, np.int8)]),
        np.concatenate([ltype, np.zeros(2 * k, dtype=np.int8)]),
        np.concatenate([lag, np.zeros(2 * k, dtype=np.int64)]),
        np.concatenate([lag_el, np.zeros(2 * k, dtype=np.bool_)]),
    )


def _levels(
    project: Project, n_nodes: int, src: I64, dst: I64
) -> tuple[I64, tuple[I64, ...], tuple[tuple[int, int], ...], I64]:
    """Topological levels (Kahn's algorithm, one frontier at a time, vectorised)."""
    by_src = np.argsort(src, kind="stable")
    dst_by_src = dst[by_src]
    ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n_nodes), out=ptr[1:])
    indeg = np.bincount(dst, minlength=n_nodes).astype(np.int64)
    level = np.full(n_nodes, -1, dtype=np.int64)
    frontier = np.flatnonzero(indeg == 0)
    levels: list[I64] = []
    done = 0
    while frontier.size:
        level[frontier] = len(levels)
        levels.append(frontier)
        done += frontier.size
        lo, hi = ptr[frontier], ptr[frontier + 1]
        counts = hi - lo
        total = int(counts.sum())
        if not total:
            break
        offs = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total, dtype=np.int64)
        targets = dst_by_src[offs]
        np.subtract.at(indeg, targets, 1)
        ready = np.sort(targets[indeg[targets] == 0])  # sorted, each node once (np.unique imports numpy.ma)
        frontier = ready[np.concatenate(([True], ready[1:] != ready[:-1]))] if ready.size else ready
    if done < n_nodes:
        cycle = find_cycle(project)
        raise CyclicDependencyError(cycle, cycle_problem(cycle) if cycle else None)
    order = np.lexsort((dst, level[dst]))
    bounds = np.searchsorted(level[dst[order]], np.arange(len(levels) + 1))
    level_edges = tuple((int(bounds[k]), int(bounds[k + 1])) for k in range(len(levels)))
    return level, tuple(levels), level_edges, order
