"""The serial scheme places every activity where a slot-by-slot reading of the definition does."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from milepost.engine.levelling.problem import Problem
from milepost.engine.levelling.sgs import is_feasible, serial_sgs
from tests.engine.levelling.problems import problems, random_lists, unbounded

I64 = NDArray[np.int64]


def reference(problem: Problem, order: I64) -> tuple[I64, bool, set[int]]:
    """Serial SGS as Kolisch (1996) states it, trying every slot from the earliest start:
    the first window of ``d`` slots inside the horizon where every resource has room."""
    h, d = problem.horizon, problem.duration
    usage = np.zeros_like(problem.capacity)
    starts = np.zeros(problem.n, dtype=np.int64)
    failed, late = False, set()
    for j in order.tolist():
        es = int(problem.release[j])
        for i, lag in zip(problem.pred[j], problem.pred_lag[j], strict=True):
            if i >= 0:
                es = max(es, int(starts[i] + lag))
        dj = int(d[j])
        room = [
            t
            for t in range(es, h - dj + 1)
            if (usage[:, t : t + dj] + problem.demand[j][:, None] <= problem.capacity[:, t : t + dj])[
                problem.demand[j] > 0
            ].all()
        ]
        t = es if dj == 0 else (room[0] if room else h)
        if problem.fixed[j] >= 0:
            t = int(problem.fixed[j])
        elif t > problem.latest[j]:
            t = es
            late.add(j)
        failed |= t + dj > h
        t = min(t, h)
        starts[j] = t
        usage[:, t : t + dj] += problem.demand[j][:, None]
    return starts, failed, late


@settings(max_examples=150, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_the_serial_scheme_agrees_with_the_definition(problem: Problem, seed: int) -> None:
    lists = random_lists(problem, 3, seed)
    batch = serial_sgs(problem, lists)
    for b, order in enumerate(lists):
        starts, failed, late = reference(problem, order)
        assert batch.starts[b].tolist() == starts.tolist()
        assert bool(batch.failed[b]) == failed
        assert set(np.flatnonzero(batch.unlevelled[b]).tolist()) == late
        assert batch.makespan[b] == (starts + problem.duration).max(initial=0)


@settings(max_examples=60, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_without_fixed_or_bounded_activities_every_schedule_is_feasible(problem: Problem, seed: int) -> None:
    free = unbounded(problem)
    batch = serial_sgs(free, random_lists(free, 2, seed))
    for b in range(2):
        if not batch.failed[b]:
            assert is_feasible(free, batch.starts[b]) == []
