"""The parallel scheme: feasible non-delay schedules, and only the resources an activity uses hold it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from milepost.engine.levelling.parallel import parallel_sgs
from milepost.engine.levelling.problem import Problem, padded
from milepost.engine.levelling.sgs import is_feasible
from tests.engine.levelling.problems import problems, random_lists, unbounded


@settings(max_examples=80, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_schedules_without_fixed_or_bounded_activities_are_feasible(problem: Problem, seed: int) -> None:
    free = unbounded(problem)
    batch = parallel_sgs(free, random_lists(free, 1, seed)[0])
    if not batch.failed[0]:
        assert is_feasible(free, batch.starts[0]) == []
        assert batch.makespan[0] == (batch.starts[0] + free.duration).max(initial=0)


def test_an_overload_of_fixed_activities_holds_only_those_who_use_the_resource() -> None:
    """Two fixed activities overload resource 0 in slots 0-3; activity 2 needs only resource
    1 and starts at 0; activity 3 needs resource 0 and waits for the overload to end."""
    pred, lag = padded([[], [], [], []])
    problem = Problem(
        np.asarray([4, 4, 2, 2]),
        np.asarray([[1, 0], [1, 0], [0, 1], [1, 0]]),
        np.ones((2, 12), dtype=np.int64),
        pred,
        lag,
        np.zeros(4, dtype=np.int64),
        np.asarray([0, 0, -1, -1]),
        np.full(4, 12),
        np.zeros(4, dtype=np.int64),
        np.full(4, -1),
    )
    batch = parallel_sgs(problem, np.asarray([0, 1, 2, 3]))
    assert batch.starts[0].tolist() == [0, 0, 0, 4]


def test_an_activity_that_cannot_wait_past_its_latest_start_stays_where_its_logic_puts_it() -> None:
    """Activity 1 (latest start 1) finds no room at 0 beside activity 0, nor at 5 beside
    the fixed activity 2: past its latest start, it is left at its earliest start."""
    pred, lag = padded([[], [], []])
    problem = Problem(
        np.asarray([5, 3, 5]),
        np.asarray([[1], [1], [1]]),
        np.ones((1, 12), dtype=np.int64),
        pred,
        lag,
        np.zeros(3, dtype=np.int64),
        np.asarray([-1, -1, 5]),
        np.asarray([12, 1, 12]),
        np.zeros(3, dtype=np.int64),
        np.full(3, -1),
    )
    batch = parallel_sgs(problem, np.asarray([0, 1, 2]))
    assert batch.starts[0].tolist() == [0, 0, 5]
    assert batch.unlevelled[0].tolist() == [False, True, False]
