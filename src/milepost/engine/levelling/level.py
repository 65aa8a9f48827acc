"""``level(project)``: resolve over-allocations, explain every delay.

1. Schedule by the critical path; build the levelling problem on working-time slots
   (:mod:`slots`).
2. Solve it with the heuristic (:mod:`heuristic`); with ``optimize``, improve it with
   CP-SAT warm-started from the heuristic (:mod:`cpsat`).
3. Turn slots back into dates on the real calendars: every task is held no earlier than
   its levelled start and the engine's forward pass places it (so links hold exactly).
4. Explain (:mod:`explain`): which resource and which tasks delayed each task, float that
   counts resources, the resource-critical path.

A ``progress`` callback follows the phases (:mod:`progress`) and may stop the search:
the best schedule found until then is levelled and explained as usual.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from milepost.domain.levelling import Delay, LevelMethod, LevelParams, LevelResult, LevelStatus, Objective, Progress
from milepost.domain.project import Project
from milepost.domain.schedule import Diagnostic, Schedule, Severity
from milepost.domain.validation import validate_project
from milepost.engine.diagnostics import find_diagnostics
from milepost.engine.floats import roll_up
from milepost.engine.levelling.explain import Explanation, explain
from milepost.engine.levelling.heuristic import level_heuristic
from milepost.engine.levelling.orders import lists_from_values
from milepost.engine.levelling.problem import Problem
from milepost.engine.levelling.progress import Reporter
from milepost.engine.levelling.sgs import serial_sgs
from milepost.engine.levelling.slots import SlotMap, build_problem
from milepost.engine.levelling.staffing import staff
from milepost.engine.network import NO_DATE, Network, compile_network
from milepost.engine.scheduler import Passes, assemble, run_passes, run_pinned
from milepost.errors import InfeasibleError, InvalidInputError, SolverUnavailableError

I64 = NDArray[np.int64]


MIN_SEARCH = 1.0
"""Seconds CP-SAT searches at least, even when the heuristic used up the time limit."""


def level(project: Project, params: LevelParams | None = None, progress: Progress | None = None) -> LevelResult:
    """Level ``project``'s resources (raises :class:`InvalidInputError` for bad input).

    ``progress`` is told how far the levelling is (0-1) and what it is doing.  When it
    answers ``False`` the heuristic stops after its current generation and CP-SAT stops
    its search; the best schedule found so far is returned, with a ``levelling_stopped``
    diagnostic.
    """
    params = params or LevelParams()
    report = Reporter(progress)
    began = time.perf_counter()
    report(0.0, "Preparing the levelling problem")
    problems = validate_project(project, cycles=False)
    if problems:
        raise InvalidInputError(problems)
    net = compile_network(project)
    cpm = run_passes(net)
    unlevelled = assemble(project, net, cpm)
    project = staff(project, unlevelled).project  # people for the requests by role or skill
    problem, slots = build_problem(project, net, cpm, within_float=params.within_float)
    starts, used, unplaced, problem = _heuristic(problem, params, report.part(0.02, 0.3 if params.optimize else 0.95))
    status, bound = LevelStatus.FEASIBLE, _lower_bound(problem)
    method = LevelMethod.HEURISTIC
    if params.optimize and not report.stopped:
        left = max(MIN_SEARCH, params.time_limit - (time.perf_counter() - began))
        starts, status, bound = _optimize(problem, params, left, starts, bound, report.part(0.3, 0.95))
        method = LevelMethod.OPTIMIZE
    report(0.95, "Explaining the delays")
    # the tasks that need a resource are pinned to their slot, so that no two meet on a
    # resource (links rounded to slots could place them elsewhere); the others keep the dates
    # their links give (a fixed task its own, a task without resources its own hours)
    movable = problem.fixed < 0
    pinned = movable & problem.demand.any(axis=1) & ~net.is_summary
    passes = run_pinned(net, cpm.start, np.where(pinned, slots.start_of(starts), NO_DATE))
    levelled = assemble(project, net, passes)
    why = explain(problem, _as_links_allow(problem, starts, movable & ~pinned))
    levelled = _resource_floats(levelled, why, slots, net, passes)
    delays = _delays(project, net, (cpm.early.start, passes.early.start), why, slots, problem.resources)
    path = tuple(project.tasks[int(net.task_of[k])].key for k in why.path if not net.is_summary[k])
    stopped = (_STOPPED,) if report.stopped else ()
    report(1.0, "Levelled")
    return LevelResult(
        schedule=levelled,
        unlevelled=unlevelled,
        method=method,
        status=status,
        makespan_minutes=_span(levelled, slots),
        lower_bound_minutes=bound * slots.slot,
        delays=delays,
        resource_critical_path=path,
        schedules=used,
        seconds=time.perf_counter() - began,
        slot_minutes=slots.slot,
        diagnostics=stopped + _diagnostics(project, net, unplaced, slots) + levelled.diagnostics,
        objective=params.objective if method is LevelMethod.OPTIMIZE else Objective.MAKESPAN,
    )


_STOPPED = Diagnostic(
    "levelling_stopped",
    Severity.INFO,
    "levelling was stopped before the end of its search: the schedule is the best one found until then",
)


def _heuristic(problem: Problem, params: LevelParams, report: Reporter) -> tuple[I64, int, NDArray[np.bool_], Problem]:
    """The heuristic, with the horizon doubled until every schedule fits in it."""
    while True:
        result = level_heuristic(problem, schedules=params.schedules, seed=params.seed, progress=report)
        if result.makespan < problem.horizon:
            return result.starts, result.schedules, result.unlevelled, problem
        problem = problem.with_horizon(problem.horizon * 2)


def _lower_bound(problem: Problem) -> int:
    """The critical path, and for each resource the work it must do at its top capacity."""
    cpm = problem.critical_path
    work = (problem.demand * problem.duration[:, None]).sum(axis=0)
    top = problem.capacity.max(axis=1, initial=0)
    energy = int(np.max(np.ceil(work / np.maximum(top, 1)), initial=0)) if len(top) else 0
    return max(cpm, energy)


def _optimize(
    problem: Problem, params: LevelParams, seconds: float, starts: I64, bound: int, report: Reporter
) -> tuple[I64, LevelStatus, int]:
    try:
        from milepost.engine.levelling import cpsat
    except ImportError as exc:  # pragma: no cover - OR-Tools is a dependency; a broken install
        raise SolverUnavailableError(f"OR-Tools CP-SAT is not available ({exc}): pip install ortools") from None
    try:
        result = cpsat.solve(
            problem,
            time_limit=seconds,
            hint=starts,
            objective=params.objective.value,
            seed=params.seed,
            progress=report if report.callback is not None else None,
        )
    except InfeasibleError:
        if report.stopped:  # stopped before CP-SAT found a schedule: the heuristic's stands
            return starts, LevelStatus.FEASIBLE, bound
        raise
    heuristic_span = int((starts + problem.duration).max(initial=0))
    better = result.makespan <= heuristic_span or params.objective.value != "makespan"
    chosen = _as_early(problem, result.starts) if better else starts
    status = LevelStatus.OPTIMAL if result.optimal else LevelStatus.FEASIBLE
    return chosen, status, max(bound, result.lower_bound)


def _as_early(problem: Problem, starts: I64) -> I64:
    """The schedule with every activity started as early as the others allow (CP-SAT may
    leave an activity later than it needs to be when that does not change the objective;
    such a delay would have no reason to show).  The serial scheme on the activities in
    the order of their starts never starts one later (Sprecher, Kolisch and Drexl 1995,
    EJOR 80:94-102); with leads it might, and then the schedule stays as it was."""
    if not problem.n:
        return starts
    early = serial_sgs(problem, lists_from_values(problem, starts.astype(np.float64)))
    moved: I64 = early.starts[0]
    if early.failed[0] or early.unlevelled[0].any() or (moved > starts).any():
        return starts
    return moved


def _as_links_allow(problem: Problem, starts: I64, free: NDArray[np.bool_]) -> I64:
    """``starts`` with every ``free`` activity (not pinned to its slot: no resource, not
    fixed) as early as its release and links allow, where its dates put it (a solver may
    have left it later); the explanations then describe the dates."""
    plain = problem.plain
    out = starts.tolist()
    for j in problem.topological.tolist():
        if free[j]:
            out[j] = max([plain.release[j], *(out[i] + lag for i, lag in plain.preds[j])])
    return np.asarray(out, dtype=np.int64)


def _resource_floats(schedule: Schedule, why: Explanation, slots: SlotMap, net: Network, passes: Passes) -> Schedule:
    """Total float, late dates and the critical flags from links *and* resource hand-overs:
    the float the hand-overs and deadlines leave, never more than the links and constraints
    leave; a summary's is the least of its tasks'.  Where the hand-overs leave less, the late
    dates are the levelled dates moved by that float (on the project calendar, as float is
    counted), so that late start minus start still reads as the float, and the diagnostics
    (negative float) say the same."""
    n = net.n_tasks
    cols = schedule.columns
    links = np.asarray(cols.total_float, dtype=np.int64)
    slack = roll_up(net, np.minimum(why.slack[:n] * slots.slot, links), np.minimum)
    free = np.minimum(np.asarray(cols.free_float, dtype=np.int64), slack)
    late_start, late_finish = np.asarray(cols.late_start), np.asarray(cols.late_finish)
    less = np.flatnonzero((slack < links) & ~net.is_summary[:n])
    if less.size:
        cal = net.calendars[net.project_calendar]
        late_start, late_finish = late_start.copy(), late_finish.copy()
        late_start[less] = cal.shift(np.asarray(cols.start)[less], slack[less], start=True)
        late_finish[less] = cal.shift(np.asarray(cols.finish)[less], slack[less], start=False)
        late_start, late_finish = roll_up(net, late_start, np.minimum), roll_up(net, late_finish, np.maximum)
    columns = replace(
        cols,
        total_float=slack.tolist(),
        free_float=free.tolist(),
        critical=(slack <= 0).tolist(),
        late_start=late_start.tolist(),
        late_finish=late_finish.tolist(),
    )
    return replace(
        schedule, columns=columns, diagnostics=find_diagnostics(schedule.project, net, passes, columns, levelled=True)
    )


def _delays(
    project: Project,
    net: Network,
    moves: tuple[I64, I64],
    why: Explanation,
    slots: SlotMap,
    resources: tuple[str, ...],
) -> dict[str, Delay]:
    """For every task that moved: by how much, and what held it."""
    before, after = moves
    out: dict[str, Delay] = {}
    moved = np.flatnonzero((after[: net.n_tasks] > before[: net.n_tasks]) & ~net.is_summary[: net.n_tasks])
    if not moved.size:
        return out
    minutes = slots.calendar.between(before[moved], after[moved])
    keys = [project.tasks[int(t)].key for t in net.task_of]
    for k, j in enumerate(moved.tolist()):
        holders = why.resource_drivers[j]
        resource: str | None = None
        if holders:
            resource = resources[holders[0][1]]
            names = tuple(dict.fromkeys(keys[i] for i, r in holders if r == holders[0][1]))
        else:
            names = tuple(dict.fromkeys(keys[i] for i in why.link_drivers[j] if after[i] > before[i]))
            if not names and why.unavailable[j]:  # the resource's working time: held by no task
                resource = resources[why.unavailable[j][0]]
        out[keys[j]] = Delay(keys[j], int(minutes[k]), resource, names)
    return out


def _span(schedule: Schedule, slots: SlotMap) -> int:
    cal = slots.calendar
    return int(cal.work_between(schedule.start, schedule.finish))


def _diagnostics(project: Project, net: Network, unplaced: NDArray[np.bool_], slots: SlotMap) -> tuple[Diagnostic, ...]:
    out = []
    keys = [project.tasks[int(t)].key for t in net.task_of]
    for j in np.flatnonzero(unplaced).tolist():
        out.append(
            Diagnostic(
                "not_levelled_within_float",
                Severity.WARNING,
                f"'{keys[j]}' could not be levelled within its float: it is not moved for its resources, "
                "which stay over-allocated while it runs",
                keys[j],
            )
        )
    for pair in slots.capped:
        task, resource = pair.split(" -> ")
        out.append(
            Diagnostic(
                "assignment_exceeds_max_units",
                Severity.WARNING,
                f"'{task}' asks more units of '{resource}' than it has, so '{resource}' stays over-allocated "
                "while it runs (levelled as if it asked for all of them): lower the assignment's units or "
                "raise the resource's",
                task,
            )
        )
    return tuple(out)
