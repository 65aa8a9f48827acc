"""The parallel schedule-generation scheme (Brooks' algorithm; Kolisch 1996).

Time advances from one decision point to the next (a finish, or the earliest start of
a waiting activity).  At each point, the activities whose predecessors allow them to
start are taken in list order, and each one that fits the resources for its whole
duration starts there.  The result is a *non-delay* schedule: no activity waits while
it could run.  It complements the serial scheme, which can reach every active schedule.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from milepost.engine.levelling.problem import NONE, Problem
from milepost.engine.levelling.sgs import Batch

I64 = NDArray[np.int64]


def parallel_sgs(problem: Problem, order: I64) -> Batch:
    """Schedule one activity list (its order is the priority) with the parallel scheme."""
    n, horizon = problem.n, problem.horizon
    d = problem.duration
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    starts = np.full(n, -1, dtype=np.int64)
    usage = np.zeros_like(problem.capacity)
    unlevelled = np.zeros(n, dtype=np.bool_)
    waiting_preds = (problem.pred >= 0).sum(axis=1)
    for fixed in np.flatnonzero(problem.fixed >= 0).tolist():
        _start(problem, fixed, int(problem.fixed[fixed]), starts, usage, waiting_preds)
    earliest = np.full(n, -1, dtype=np.int64)  # fixed once every predecessor has started
    t = 0
    failed = False
    while (starts < 0).any():
        ready = np.flatnonzero((starts < 0) & (waiting_preds == 0))
        for j in ready[earliest[ready] < 0].tolist():
            earliest[j] = _earliest(problem, j, starts)
        es = earliest[ready]
        for j, e in sorted(zip(ready.tolist(), es.tolist(), strict=True), key=lambda x: rank[x[0]]):
            if e > t or starts[j] >= 0:
                continue
            if _fits(problem, j, t, usage):
                _start(problem, j, t, starts, usage, waiting_preds)
            elif t > problem.latest[j]:  # levelling within float: leave it where its logic puts it
                unlevelled[j] = True
                _start(problem, j, e, starts, usage, waiting_preds)
        t = _next_point(t, starts, d, es[(starts[ready] < 0) & (es > t)])
        if t >= horizon:
            failed = True
            starts[starts < 0] = horizon
            break
    span = int((starts + d).max(initial=0))
    return Batch(starts[None], np.asarray([span]), np.asarray([failed]), unlevelled[None])


def _next_point(t: int, starts: I64, d: I64, waiting: I64) -> int:
    """The next decision point after ``t``: a running activity's finish or a waiting
    activity's earliest start (``t + 1`` when there is neither)."""
    ends = starts + d
    running = ends[(starts >= 0) & (ends > t)]
    points = [int(x.min()) for x in (running, waiting) if x.size]
    return min(points) if points else t + 1


def _earliest(problem: Problem, j: int, starts: I64) -> int:
    preds = problem.pred[j]
    mask = preds != NONE
    bound = int((starts[preds[mask]] + problem.pred_lag[j][mask]).max()) if mask.any() else 0
    return max(int(problem.release[j]), bound)


def _fits(problem: Problem, j: int, t: int, usage: I64) -> bool:
    d = int(problem.duration[j])
    if d == 0:
        return True
    if t + d > problem.horizon:
        return False
    window = usage[:, t : t + d] + problem.demand[j][:, None]
    return bool((window <= problem.capacity[:, t : t + d]).all())


def _start(problem: Problem, j: int, t: int, starts: I64, usage: I64, waiting_preds: I64) -> None:
    starts[j] = t
    usage[:, t : t + int(problem.duration[j])] += problem.demand[j][:, None]
    for k in problem.succ[j]:
        if k == NONE:
            break
        waiting_preds[k] -= 1
