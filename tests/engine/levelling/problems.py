"""Random levelling problems for the property tests of the schemes and the list builders."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

from milepost.engine.levelling.problem import Problem, padded

I64 = NDArray[np.int64]


@st.composite
def problems(draw: st.DrawFn, max_n: int = 14, max_resources: int = 3) -> Problem:
    """Small RCPSPs with what real plans bring: zero-length activities, links of every
    sign, capacity that varies (down to none), releases, fixed and bounded activities."""
    n = draw(st.integers(1, max_n))
    resources = draw(st.integers(0, max_resources))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    duration = rng.integers(0, 5, n) * (rng.random(n) < 0.85)
    label = rng.permutation(n)  # the k-th activity of a topological order; predecessors may come later
    preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for k in range(1, n):
        for i in label[rng.choice(k, size=min(k, int(rng.integers(0, 3))), replace=False)].tolist():
            preds[label[k]].append((i, int(duration[i]) + int(rng.integers(-2, 3))))
    pred, lag = padded(preds)
    horizon = int(duration.sum()) + 8
    capacity = rng.integers(1, 4, (resources, horizon)) * (rng.random((resources, horizon)) < 0.9)
    demand = rng.integers(0, 3, (n, resources)) * (rng.random((n, resources)) < 0.6)
    demand = np.minimum(demand, capacity.max(axis=1, initial=1)[None, :])
    release = rng.integers(0, 3, n) * (rng.random(n) < 0.3)
    fixed = np.where(rng.random(n) < 0.1, rng.integers(0, 6, n), -1)
    latest = np.where(rng.random(n) < 0.2, rng.integers(0, 10, n), horizon)
    return Problem(
        duration.astype(np.int64),
        demand.astype(np.int64),
        capacity.astype(np.int64),
        pred,
        lag,
        release.astype(np.int64),
        fixed.astype(np.int64),
        latest.astype(np.int64),
        np.zeros(n, dtype=np.int64),
        np.full(n, -1, dtype=np.int64),
    )


def unbounded(problem: Problem) -> Problem:
    """The same problem with no fixed activity and no latest start."""
    return Problem(
        problem.duration,
        problem.demand,
        problem.capacity,
        problem.pred,
        problem.pred_lag,
        problem.release,
        np.full(problem.n, -1, dtype=np.int64),
        np.full(problem.n, problem.horizon, dtype=np.int64),
        problem.priority,
        problem.due,
    )


def random_lists(problem: Problem, count: int, seed: int) -> I64:
    """``count`` precedence-feasible lists drawn at random."""
    from milepost.engine.levelling.orders import lists_from_values

    rng = np.random.default_rng(seed)
    return lists_from_values(problem, rng.random((count, problem.n)))
