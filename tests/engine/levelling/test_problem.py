"""The levelling problem's derived figures."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from milepost.engine.levelling.problem import Problem, padded
from milepost.engine.levelling.sgs import serial_sgs
from tests.engine.levelling.problems import problems, random_lists, unbounded


def test_the_critical_path_is_the_longest_chain_of_lags_and_durations() -> None:
    """0 (3 slots) -> 1 (2 slots, starting 1 slot after 0 ends) and 2 (5 slots) alone: 3 + 1 + 2 = 6."""
    duration = np.asarray([3, 2, 5], np.int64)
    pred, lag = padded([[], [(0, 4)], []])
    n = 3
    problem = Problem(
        duration,
        np.zeros((n, 0), np.int64),
        np.zeros((0, 20), np.int64),
        pred,
        lag,
        np.zeros(n, np.int64),
        np.full(n, -1, np.int64),
        np.full(n, 20, np.int64),
        np.zeros(n, np.int64),
        np.full(n, -1, np.int64),
    )
    assert problem.critical_path == 6


@settings(max_examples=60, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_no_schedule_ends_before_the_critical_path(problem: Problem, seed: int) -> None:
    free = unbounded(problem)
    batch = serial_sgs(free, random_lists(free, 3, seed))
    for span, failed in zip(batch.makespan.tolist(), batch.failed.tolist(), strict=True):
        if not failed:
            assert span >= free.critical_path


@settings(max_examples=60, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_usage_counts_each_activity_in_each_slot_it_runs(problem: Problem, seed: int) -> None:
    """Against adding each activity's demand over its slots one by one (cut at the horizon)."""
    starts = np.random.default_rng(seed).integers(0, problem.horizon + 3, problem.n)
    expected = np.zeros_like(problem.capacity)
    for j in range(problem.n):
        s, d = int(starts[j]), int(problem.duration[j])
        expected[:, s : s + d] += problem.demand[j][:, None]
    assert problem.usage(starts).tolist() == expected.tolist()
