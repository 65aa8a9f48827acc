"""Optimal levelling with OR-Tools CP-SAT (the only module that imports OR-Tools).

The RCPSP as a constraint program (e.g. Schutt, Feydy, Stuckey & Wallace 2011, "Explaining
the cumulative propagator", Constraints 16:250-282): one interval per activity, a
``cumulative`` constraint per resource (a capacity that changes over time is modelled as
fixed intervals that take the missing capacity), linear precedence with the minimum
lags, and the makespan (or the priority-weighted lateness against due slots) to
minimise.  The heuristic's schedule is given as a *hint*, so the search starts from a
good solution, and its makespan bounds the horizon.  CP-SAT reports whether the result
is proven optimal and the best lower bound it proved.

For the makespan, CP-SAT's full-problem worker searches without a linear relaxation
(its ``no_lp`` subsolver; the other worker runs the neighbourhood searches): the LP of a
makespan RCPSP at the default linearization has no rows for the cumulatives, so it only
costs time, and clause learning alone closes the proofs faster (on the hardest j30
instances, 5-6 of 7 proven within 10 s instead of 1).  The lateness objective keeps
the default (the LP sees its weighted sum).

For a small makespan problem (at most :data:`SMALL` activities to place) the second
worker is a second complete search instead of the neighbourhood searches: ``split``, a
fixed search that schedules from the end, taking the activity that can end last and
halving its end's domain (``CHOOSE_HIGHEST_MAX``, ``SELECT_UPPER_HALF``), without the
linear relaxation.  The two prove different instances fast (conflicts to prove the warm
start optimal, one worker alone): PSPLIB ``j3029_3`` 54,508 for ``split`` against
157,587 for ``no_lp``, ``j3013_2`` 62,804 against 112,869, but ``j3013_6`` 198,521
against 58,948; with both, all 480 j30 instances are proven within 10 s (without
``split``, ``j3029_3`` took 14-39 s).  On a larger problem the neighbourhood searches,
which improve the warm start, are worth more (on the j120 sample, the two complete
searches gave a mean gap of 2.89 % where ``no_lp`` and the neighbourhoods gave 2.68 %,
under the same load).

With a ``progress`` callback the search runs in a thread of its own while the calling
thread tells the callback the share of the time limit used, every tenth of a second;
when the callback answers ``False``, :meth:`CpSolver.stop_search` ends the search and
the best schedule found until then is returned (CP-SAT's own way of stopping early).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import SatParameters

from milepost.domain.levelling import Progress
from milepost.engine.levelling.problem import NONE, Problem
from milepost.errors import InfeasibleError

I64 = NDArray[np.int64]
POLL = 0.1
"""Seconds between two reports of a search's progress."""
SMALL = 40
"""Most activities to place for which the makespan search runs two complete searches and no
neighbourhood search (PSPLIB j30 has 30, j60 60; see the module)."""


@dataclass(frozen=True, eq=False)
class CpsatResult:
    """CP-SAT's schedule, status and bound."""

    starts: I64
    makespan: int
    optimal: bool
    lower_bound: int
    objective: int
    wall_time: float


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    hint: I64 | None = None,
    objective: str = "makespan",
    workers: int = 2,
    seed: int = 0,
    progress: Progress | None = None,
) -> CpsatResult:
    """Solve ``problem`` within ``time_limit`` seconds (raises :class:`InfeasibleError`);
    ``progress`` hears how much of the time is used and may stop the search."""
    model = cp_model.CpModel()
    d = problem.duration
    horizon = problem.horizon
    if hint is not None and objective == "makespan":
        horizon = min(horizon, int((hint + d).max(initial=0)))
    starts, ends, intervals = [], [], []
    for j in range(problem.n):
        low = int(problem.release[j])
        if problem.fixed[j] >= 0:
            start = model.new_constant(int(problem.fixed[j]))
        else:
            start = model.new_int_var(low, max(low, horizon - int(d[j])), f"s{j}")
        end = model.new_int_var(0, max(horizon, int(problem.fixed.max(initial=0)) + int(d.max(initial=0))), f"e{j}")
        intervals.append(model.new_interval_var(start, int(d[j]), end, f"i{j}"))
        starts.append(start)
        ends.append(end)
    for j in range(problem.n):
        for i, lag in zip(problem.pred[j], problem.pred_lag[j], strict=True):
            if i != NONE:
                model.add(starts[j] >= starts[int(i)] + int(lag))
    _resources(model, problem, intervals)
    makespan = model.new_int_var(0, horizon + int(d.max(initial=0)), "makespan")
    model.add_max_equality(makespan, ends)
    if objective == "lateness":
        late = []
        for j in np.flatnonzero(problem.due >= 0).tolist():
            tardy = model.new_int_var(0, horizon, f"late{j}")
            model.add(tardy >= ends[j] - int(problem.due[j]))
            late.append(int(problem.priority[j]) * tardy)
        model.minimize(sum(late) * (horizon + 1) + makespan if late else makespan)
    else:
        model.minimize(makespan)
    if hint is not None:  # complete (ends and makespan too): CP-SAT takes it as its first solution
        planned = np.where(problem.fixed >= 0, problem.fixed, hint)
        for j, value in enumerate(planned.tolist()):
            if problem.fixed[j] < 0:
                model.add_hint(starts[j], value)
            model.add_hint(ends[j], value + int(d[j]))
        model.add_hint(makespan, int((planned + d).max(initial=0)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = max(1, workers)
    if objective == "makespan":
        _makespan_search(model, solver.parameters, [end for j, end in enumerate(ends) if problem.fixed[j] < 0])
    solver.parameters.random_seed = seed
    status = _search(solver, model, float(time_limit), progress)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        reason = "no schedule fits the resources" if status == cp_model.INFEASIBLE else "no schedule found in time"
        raise InfeasibleError(f"CP-SAT: {reason} ({solver.status_name(status)})")
    values = np.asarray([solver.value(s) for s in starts], dtype=np.int64)
    span = int(solver.value(makespan))
    bound = int(np.ceil(solver.best_objective_bound - 1e-9)) if objective == "makespan" else 0
    return CpsatResult(values, span, status == cp_model.OPTIMAL, bound, int(solver.objective_value), solver.wall_time)


def _makespan_search(model: cp_model.CpModel, parameters: SatParameters, ends: list[cp_model.IntVar]) -> None:
    """The makespan's full-problem worker is ``no_lp``; for at most :data:`SMALL` activities
    to place (``ends``: their end variables), a second one, ``split``, takes the
    neighbourhood searches' place: a fixed search that halves the domain of the end of the
    activity that can end last (see the module)."""
    parameters.subsolvers.append("no_lp")  # without the linear relaxation (see the module)
    if parameters.num_workers < 2 or not ends or len(ends) > SMALL:
        return
    model.add_decision_strategy(ends, cp_model.CHOOSE_HIGHEST_MAX, cp_model.SELECT_UPPER_HALF)
    split = SatParameters()
    split.name = "split"
    split.search_branching = SatParameters.SearchBranching.FIXED_SEARCH
    split.linearization_level = 0
    parameters.subsolver_params.append(split)
    parameters.subsolvers.append("split")
    parameters.num_full_subsolvers = 2


def _resources(model: cp_model.CpModel, problem: Problem, intervals: list[cp_model.IntervalVar]) -> None:
    """One cumulative per resource; slots with less capacity get a blocking interval."""
    cap = problem.capacity
    for r in range(cap.shape[0]):
        users = np.flatnonzero(problem.demand[:, r] > 0).tolist()
        if not users:
            continue
        top = int(cap[r].max(initial=0))
        ivs = [intervals[j] for j in users]
        demands = [int(problem.demand[j, r]) for j in users]
        missing = top - cap[r]
        t = 0
        while t < len(missing):  # runs of equal shortfall become one fixed interval
            if missing[t] <= 0:
                t += 1
                continue
            u = t
            while u < len(missing) and missing[u] == missing[t]:
                u += 1
            ivs.append(model.new_fixed_size_interval_var(t, u - t, f"block{r}_{t}"))
            demands.append(int(missing[t]))
            t = u
        model.add_cumulative(ivs, demands, top)


class _Improvements(cp_model.CpSolverSolutionCallback):
    """Counts the better schedules the search finds (for the progress messages)."""

    def __init__(self) -> None:
        super().__init__()
        self.found = 0

    def on_solution_callback(self) -> None:
        self.found += 1


def _search(
    solver: cp_model.CpSolver, model: cp_model.CpModel, time_limit: float, progress: Progress | None
) -> cp_model.CpSolverStatus:
    """``solver.solve(model)``; with ``progress``, in a thread, reporting from this one."""
    if progress is None:
        return solver.solve(model)
    improvements = _Improvements()
    outcome: list[cp_model.CpSolverStatus] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(solver.solve(model, improvements))
        except BaseException as exc:  # pragma: no cover - re-raised below, in the caller's thread
            failure.append(exc)

    began = time.monotonic()
    thread = threading.Thread(target=run, name="milepost-cp-sat", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(POLL)
        elapsed = time.monotonic() - began
        found = improvements.found
        text = f"CP-SAT: {elapsed:.0f} of {time_limit:g} s, {found} better schedule{'' if found == 1 else 's'} found"
        if thread.is_alive() and not progress(min(elapsed / time_limit, 1.0), text):
            solver.stop_search()
            thread.join()
    if failure:  # pragma: no cover
        raise failure[0]
    return outcome[0]
