"""The parallel schedule-generation scheme (Brooks' algorithm; Kolisch 1996).

Time advances from one decision point to the next (a finish, or the earliest start of
a waiting activity).  At each point, the activities whose predecessors allow them to
start are taken in list order, and each one that fits the resources for its whole
duration starts there.  The result is a *non-delay* schedule: no activity waits while
it could run.  It complements the serial scheme, which can reach every active schedule.
"""

from __future__ import annotations

import heapq

import numpy as np
from numpy.typing import NDArray

from milepost.engine.levelling.problem import Plain, Problem
from milepost.engine.levelling.profile import Profile
from milepost.engine.levelling.sgs import Batch

I64 = NDArray[np.int64]


def parallel_sgs(problem: Problem, order: I64) -> Batch:
    """Schedule one activity list (its order is the priority) with the parallel scheme."""
    plain = problem.plain
    n, horizon = problem.n, problem.horizon
    rank = [0] * n
    for k, j in enumerate(order.tolist()):
        rank[j] = k
    run = _Run(plain, Profile(plain.capacity, horizon))
    for j in np.flatnonzero(problem.fixed >= 0).tolist():
        run.start(j, plain.fixed[j])
    pool: set[int] = {j for j in range(n) if run.starts[j] < 0 and run.waiting[j] == 0}
    earliest = [-1] * n  # fixed once every predecessor has started
    unlevelled = np.zeros(n, dtype=np.bool_)
    t, failed = 0, False
    while run.left:
        for j in run.newly:
            if run.starts[j] < 0:
                pool.add(j)
        run.newly = []
        ready = sorted(pool, key=rank.__getitem__)
        for j in ready:
            if earliest[j] < 0:
                earliest[j] = run.earliest(j)
        for j in ready:
            e = earliest[j]
            if e > t:
                continue
            if run.profile.fits(plain.needs[j], t, plain.duration[j]):
                run.start(j, t)
                pool.discard(j)
            elif t > plain.latest[j]:  # levelling within float: leave it where its logic puts it
                unlevelled[j] = True
                run.start(j, e)
                pool.discard(j)
        t = run.next_point(t, [earliest[j] for j in ready if run.starts[j] < 0 and earliest[j] > t])
        if t >= horizon:
            failed = True
            run.starts = [horizon if s < 0 else s for s in run.starts]
            break
    starts = np.asarray(run.starts, dtype=np.int64)
    span = int((starts + problem.duration).max(initial=0))
    return Batch(starts[None], np.asarray([span]), np.asarray([failed]), unlevelled[None])


class _Run:
    """The state of one parallel schedule: starts, free capacity, finishes to come, and
    the activities whose last predecessor has just started."""

    def __init__(self, plain: Plain, profile: Profile) -> None:
        self.plain = plain
        self.profile = profile
        self.starts = [-1] * len(plain.duration)
        self.waiting = [len(p) for p in plain.preds]
        self.left = len(plain.duration)
        self.ends: list[int] = []  # a heap of the finishes of started activities
        self.newly: list[int] = []

    def start(self, j: int, t: int) -> None:
        d = self.plain.duration[j]
        self.starts[j] = t
        self.left -= 1
        self.profile.occupy(self.plain.needs[j], t, d)
        heapq.heappush(self.ends, t + d)
        for k in self.plain.succs[j]:
            self.waiting[k] -= 1
            if self.waiting[k] == 0:
                self.newly.append(k)

    def earliest(self, j: int) -> int:
        bound = [self.starts[i] + lag for i, lag in self.plain.preds[j]]
        return max(self.plain.release[j], *bound) if bound else self.plain.release[j]

    def next_point(self, t: int, waiting: list[int]) -> int:
        """The next decision point after ``t``: a running activity's finish or a waiting
        activity's earliest start (``t + 1`` when there is neither)."""
        ends = self.ends
        while ends and ends[0] <= t:
            heapq.heappop(ends)
        points = waiting + ends[:1]
        return min(points) if points else t + 1
