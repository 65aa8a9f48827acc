"""CP-SAT's model, warm-started from a schedule of the serial scheme."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from ortools.sat.python import cp_model

from milepost.engine.levelling import cpsat
from milepost.engine.levelling.problem import Problem
from milepost.engine.levelling.sgs import is_feasible, serial_sgs

from .problems import problems, random_lists, unbounded


@settings(max_examples=40, deadline=None)
@given(problems(max_n=8))
def test_from_a_feasible_hint_the_schedule_is_feasible_and_no_longer(problem: Problem) -> None:
    free = unbounded(problem)
    batch = serial_sgs(free, random_lists(free, 1, seed=0))
    if batch.failed[0]:
        return
    result = cpsat.solve(free, hint=batch.starts[0], time_limit=5.0)
    assert is_feasible(free, result.starts) == []
    assert result.makespan == (result.starts + free.duration).max(initial=0) <= batch.makespan[0]
    assert result.optimal
    assert result.lower_bound == result.makespan


def test_activities_that_clash_run_one_after_another() -> None:
    """Three activities on a resource of one unit, hinted in some order: makespan 6, proven."""
    problem = Problem(
        np.array([1, 2, 3]),
        np.array([[1], [1], [1]]),
        np.full((1, 10), 1),
        np.full((3, 1), -1),
        np.zeros((3, 1), dtype=np.int64),
        np.zeros(3, dtype=np.int64),
        np.full(3, -1),
        np.full(3, 10),
        np.zeros(3, dtype=np.int64),
        np.full(3, -1),
    )
    result = cpsat.solve(problem, hint=np.array([5, 3, 0]), time_limit=5.0)
    assert (result.makespan, result.optimal, result.lower_bound) == (6, True, 6)
    spans = sorted(zip(result.starts.tolist(), (result.starts + problem.duration).tolist(), strict=True))
    assert all(end <= start for (_, end), (start, _) in pairwise(spans))


def _one_machine(durations: list[int], fixed: list[int] | None = None) -> Problem:
    """Activities that all need the one unit of a single resource, no links."""
    n, horizon = len(durations), sum(durations) + 1
    return Problem(
        np.array(durations),
        np.ones((n, 1), dtype=np.int64),
        np.full((1, horizon), 1),
        np.full((n, 1), -1),
        np.zeros((n, 1), dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.array(fixed if fixed is not None else [-1] * n),
        np.full(n, horizon),
        np.zeros(n, dtype=np.int64),
        np.full(n, -1),
    )


def _searches(
    monkeypatch: pytest.MonkeyPatch, problem: Problem, objective: str = "makespan", workers: int = 2
) -> tuple[list[str], int]:
    """The subsolvers and full-problem workers ``solve`` asks CP-SAT for (it then solves)."""
    seen: list[tuple[list[str], int]] = []
    search = cpsat._search

    def recording(solver: cp_model.CpSolver, *args: object) -> cp_model.CpSolverStatus:
        seen.append((list(solver.parameters.subsolvers), solver.parameters.num_full_subsolvers))
        return search(solver, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cpsat, "_search", recording)
    cpsat.solve(problem, objective=objective, workers=workers, time_limit=5.0)
    (found,) = seen
    return found


def test_a_small_makespan_problem_gets_two_complete_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _searches(monkeypatch, _one_machine([1] * cpsat.SMALL)) == (["no_lp", "split"], 2)


def test_a_larger_one_keeps_the_neighbourhood_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _searches(monkeypatch, _one_machine([1] * (cpsat.SMALL + 1))) == (["no_lp"], 0)


def test_fixed_activities_do_not_count_as_activities_to_place(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _one_machine([1] * (cpsat.SMALL + 2), fixed=[0, 1] + [-1] * cpsat.SMALL)
    assert _searches(monkeypatch, problem) == (["no_lp", "split"], 2)


def test_one_worker_and_the_lateness_objective_keep_the_default_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _searches(monkeypatch, _one_machine([1, 2]), workers=1) == (["no_lp"], 0)
    assert _searches(monkeypatch, _one_machine([1, 2]), objective="lateness") == ([], 0)


def test_fixed_activities_stay_put_under_the_split_search() -> None:
    """The split search branches on the free activities only; a fixed one keeps its slot."""
    problem = _one_machine([2, 3, 1, 4], fixed=[-1, 4, -1, -1])
    result = cpsat.solve(problem, hint=np.array([0, 4, 2, 7]), time_limit=5.0)
    assert result.starts[1] == 4
    assert is_feasible(problem, result.starts) == []
    assert (result.makespan, result.optimal, result.lower_bound) == (10, True, 10)
