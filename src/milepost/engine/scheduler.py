"""``schedule(project)``: prepare, compute, check.

1. Prepare: validate the project (every problem at once), compile calendars and the
   network (a cycle is named).
2. Compute: for a start-anchored project, a forward pass from the project start gives
   early dates and the project finish, a backward pass from that finish gives late
   dates; ALAP tasks are then placed at their late dates by a second forward pass that
   pins them there (their successors follow).  A finish-anchored project mirrors this:
   backward from the finish, forward from the resulting start, and tasks default to
   ALAP (as in MS Project's "schedule from project finish").
3. Check: floats, the critical set, driving links and diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import NDArray

from milepost.domain.project import Project, Task
from milepost.domain.schedule import Schedule, ScheduleColumns
from milepost.domain.validation import validate_project
from milepost.engine.calendars.compiled import EPOCH_DATETIME
from milepost.engine.cpm import BIG, Pass, backward, forward, place_given_dates
from milepost.engine.diagnostics import find_diagnostics
from milepost.engine.floats import (
    driving_predecessors,
    free_float,
    late_dates,
    link_gaps,
    total_float,
)
from milepost.engine.network import C_ALAP, C_ASAP, NO_DATE, Network, compile_network
from milepost.errors import InvalidInputError

I64 = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ScheduleParams:
    """Options for :func:`schedule`.

    Parameters
    ----------
    validate:
        Check the project's invariants first (turn off only for a project you have
        just validated).
    """

    validate: bool = True


@dataclass(frozen=True, eq=False)
class Passes:
    """Early, late and scheduled dates of every node."""

    early: Pass
    late: Pass
    scheduled: Pass
    start: int
    finish: int


def schedule(project: Project, params: ScheduleParams | None = None) -> Schedule:
    """Schedule ``project`` by the critical path method on its calendars.

    Raises
    ------
    InvalidInputError
        The project breaks an invariant (all problems are listed).
    CyclicDependencyError
        The dependencies form a cycle (its tasks are named).
    """
    params = params or ScheduleParams()
    if params.validate:
        problems = validate_project(project, cycles=False)
        if problems:
            raise InvalidInputError(problems)
    net = compile_network(project)
    passes = run_passes(net)
    return assemble(project, net, passes)


NOT_SCHEDULED = {"name", "notes", "external_id", "deliverable", "priority"}
"""Fields of a task the passes never read (priority matters to levelling only)."""
NOT_SCHEDULED_PROJECT = {"name", "currency", "description", "tasks"}
"""Fields of a project the passes never read (its tasks are compared one by one)."""


def reschedule(project: Project, before: Schedule, params: ScheduleParams | None = None) -> Schedule:
    """:func:`schedule` for a project that may differ little from ``before.project``: when
    it differs only in what the passes never read (a task's new name, notes, priority...),
    ``before``'s dates are its dates and the passes do not run again."""
    params = params or ScheduleParams()
    if not same_dates(before.project, project):
        return schedule(project, params)
    if params.validate:
        problems = validate_project(project, cycles=False)
        if problems:
            raise InvalidInputError(problems)
    return replace(before, project=project)


def same_dates(a: Project, b: Project) -> bool:
    """Whether ``a`` and ``b`` schedule to the same dates because they differ at most in
    fields the passes never read."""
    if any(getattr(a, f.name) != getattr(b, f.name) for f in fields(Project) if f.name not in NOT_SCHEDULED_PROJECT):
        return False
    return len(a.tasks) == len(b.tasks) and all(
        x is y or _same_task(x, y) for x, y in zip(a.tasks, b.tasks, strict=True)
    )


def _same_task(x: Task, y: Task) -> bool:
    return replace(x, **{f: getattr(y, f) for f in NOT_SCHEDULED}) == y


def run_passes(net: Network) -> Passes:
    """Early, late and scheduled dates (see the module docstring)."""
    place_given_dates(net)
    if net.n_nodes == 0:
        empty = Pass(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.bool_))
        return Passes(empty, empty, empty, net.anchor, net.anchor)
    task_nodes = ~net.is_summary
    cal = net.calendars[net.project_calendar]
    if not net.from_finish:
        # the project starts at the first working minute of its calendar (a plan that says
        # "start: 2027-01-04" starts at 08:00, as MS Project's default start time does)
        anchor = cal.next_working(net.anchor)
        early = forward(net, anchor)
        finish = int(early.finish.max())
        late = backward(net, finish)
        alap = task_nodes & (net.constraint == C_ALAP)
        scheduled = forward(net, anchor, np.where(alap, late.start, NO_DATE)) if alap.any() else early
        first = int(scheduled.start[task_nodes].min()) if task_nodes.any() else anchor
        return Passes(early, late, scheduled, first, max(finish, int(scheduled.finish.max())))
    anchor = cal.previous_finish(net.anchor)
    late = backward(net, anchor)
    start = int(late.start.min())
    early = forward(net, start)
    asap = task_nodes & (net.constraint == C_ASAP)
    scheduled = backward(net, anchor, np.where(asap, early.finish, BIG)) if asap.any() else late
    last = int(scheduled.finish[task_nodes].max()) if task_nodes.any() else anchor
    return Passes(early, late, scheduled, min(start, int(scheduled.start.min())), last)


def run_pinned(net: Network, start: int, floor: I64) -> Passes:
    """Dates with every node held no earlier than ``floor`` (a levelled schedule): a
    forward pass from ``start``, and the late dates that links alone allow."""
    early = forward(net, start, floor)
    task_nodes = ~net.is_summary
    finish = int(early.finish.max()) if net.n_nodes else start
    late = backward(net, finish)
    first = int(early.start[task_nodes].min()) if task_nodes.any() else start
    return Passes(early, late, early, first, finish)


def assemble(project: Project, net: Network, passes: Passes) -> Schedule:
    """Turn node dates into the per-task :class:`Schedule` with floats and diagnostics."""
    n = net.n_tasks
    fin = net.finish_node
    early, late, sched = passes.early, passes.late, passes.scheduled
    # a summary's early dates roll up on its finish node, its late dates on its start node
    es, ef = early.start[fin], early.finish[fin]
    ls, lf = late_dates(net, (es, ef), (late.start[:n], late.finish[:n]))
    summary = net.is_summary[:n]
    start = sched.start[fin]
    finish = sched.finish[fin]
    tf = total_float(net, es, ef, ls, lf)
    gaps = link_gaps(net, early)
    ff = free_float(net, gaps, tf)
    duration = net.duration[:n].copy()
    if summary.any():
        cal = net.calendars[net.project_calendar]
        duration[summary] = cal.between(start[summary], finish[summary])
    critical = tf <= 0
    columns = ScheduleColumns(
        start=start.tolist(),
        finish=finish.tolist(),
        early_start=es.tolist(),
        early_finish=ef.tolist(),
        late_start=ls.tolist(),
        late_finish=lf.tolist(),
        duration=duration.tolist(),
        total_float=tf.tolist(),
        free_float=ff.tolist(),
        critical=critical.tolist(),
    )
    driving = driving_predecessors(net, early, gaps)
    diagnostics = find_diagnostics(project, net, passes, columns)
    return Schedule(
        project=project,
        origin=EPOCH_DATETIME,
        start=passes.start,
        finish=passes.finish,
        columns=columns,
        driving=driving,
        diagnostics=diagnostics,
    )
