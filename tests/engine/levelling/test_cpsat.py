"""CP-SAT's model, warm-started from a schedule of the serial scheme."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from hypothesis import given, settings

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
