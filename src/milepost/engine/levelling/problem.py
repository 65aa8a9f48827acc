"""The resource-constrained scheduling problem the levelling engines solve.

An RCPSP with generalised precedence (Kolisch & Hartmann 1999; Bartusch, Möhring &
Radermacher 1988): ``n`` activities with integer durations ``d`` on a slot axis
``0..horizon``, start-to-start minimum time lags ``S_j >= S_i + lag`` (every link type
reduces to one: FS is ``d_i + lag``, FF is ``d_i - d_j + lag``...), release times,
renewable resources with a capacity profile over the slots, and integer demands.
Activities may be *fixed* (not levelled) and may have a *latest start* beyond which
they are not delayed (levelling within float).

For a PSPLIB instance a slot is a period; for a project a slot is a span of the
project calendar's working time (see :mod:`milepost.engine.levelling.slots`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
NONE = -1


@dataclass(frozen=True, eq=False)
class Plain:
    """The problem as Python lists, for the schemes that step activity by activity (where
    indexing a list is ten times cheaper than indexing an array)."""

    horizon: int
    duration: list[int]
    release: list[int]
    fixed: list[int]
    latest: list[int]
    preds: list[list[tuple[int, int]]]
    """Per activity: ``(predecessor, minimum start-to-start lag)``."""
    succs: list[list[int]]
    needs: list[list[tuple[int, int]]]
    """Per activity: ``(resource, units)`` of every resource it needs."""
    capacity: list[list[int]]


@dataclass(frozen=True, eq=False)
class Problem:
    """An RCPSP instance as dense arrays.

    Attributes
    ----------
    duration:
        ``[n]`` slots per activity.
    demand:
        ``[n, R]`` units of each resource while the activity runs.
    capacity:
        ``[R, horizon]`` units available in each slot.
    pred, pred_lag:
        ``[n, P]`` predecessors of each activity (``-1`` padded) and the minimum
        start-to-start lag from each.
    release:
        ``[n]`` earliest start slot.
    fixed:
        ``[n]`` start slot of activities that must not move, else ``-1``.
    latest:
        ``[n]`` latest start slot allowed by levelling (``horizon`` when unbounded).
    priority:
        ``[n]`` user priority 0-1000 (higher goes first).
    due:
        ``[n]`` due slot for the lateness objective, else ``-1``.
    """

    duration: I64
    demand: I64
    capacity: I64
    pred: I64
    pred_lag: I64
    release: I64
    fixed: I64
    latest: I64
    priority: I64
    due: I64
    names: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    succ: I64 = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.duration)
        outs: list[list[int]] = [[] for _ in range(n)]
        for j in range(n):
            for i in self.pred[j]:
                if i >= 0:
                    outs[int(i)].append(j)
        width = max((len(o) for o in outs), default=0) or 1
        succ = np.full((n, width), NONE, dtype=np.int64)
        for i, o in enumerate(outs):
            succ[i, : len(o)] = o
        object.__setattr__(self, "succ", succ)

    @property
    def n(self) -> int:
        """Number of activities."""
        return len(self.duration)

    @property
    def horizon(self) -> int:
        """Number of slots in the capacity profile."""
        return int(self.capacity.shape[1])

    @cached_property
    def plain(self) -> Plain:
        """The problem as Python lists (built once per problem)."""
        preds = [
            [(int(i), int(lag)) for i, lag in zip(row, lags, strict=True) if i != NONE]
            for row, lags in zip(self.pred.tolist(), self.pred_lag.tolist(), strict=True)
        ]
        needs: list[list[tuple[int, int]]] = [[] for _ in range(self.n)]
        for j, r in zip(*np.nonzero(self.demand > 0), strict=True):
            needs[j].append((int(r), int(self.demand[j, r])))
        return Plain(
            self.horizon,
            self.duration.tolist(),
            self.release.tolist(),
            self.fixed.tolist(),
            self.latest.tolist(),
            preds,
            [[j for j in row if j != NONE] for row in self.succ.tolist()],
            needs,
            self.capacity.tolist(),
        )

    @cached_property
    def links(self) -> tuple[I64, I64]:
        """Every precedence link as ``(before, after)`` activity arrays."""
        after, column = np.nonzero(self.pred != NONE)
        return self.pred[after, column], after

    @cached_property
    def topological(self) -> I64:
        """:func:`topological_order`, computed once."""
        return topological_order(self)

    @cached_property
    def earliest(self) -> I64:
        """:func:`earliest_starts`, computed once (read only)."""
        es = earliest_starts(self)
        es.flags.writeable = False
        return es

    @cached_property
    def critical_path(self) -> int:
        """The makespan without resources: the latest finish of the earliest starts."""
        return int((self.earliest + self.duration).max(initial=0))

    def usage(self, starts: I64) -> I64:
        """``[R, horizon]`` units of each resource in use in each slot by the schedule
        ``starts`` (what runs past the horizon is cut off there)."""
        jobs, resources = np.nonzero(self.demand)
        count, h = self.demand.shape[1], self.horizon
        begin = np.clip(starts[jobs], 0, h) * count + resources
        end = np.clip(starts[jobs] + self.duration[jobs], 0, h) * count + resources
        units = self.demand[jobs, resources]
        change = np.bincount(begin, units, (h + 1) * count) - np.bincount(end, units, (h + 1) * count)
        return np.cumsum(change.reshape(h + 1, count), axis=0)[:h].T.round().astype(np.int64)

    def with_horizon(self, horizon: int) -> Problem:
        """The same problem with the capacity profile cut or extended (repeating its last slot)."""
        cap = self.capacity
        if horizon <= cap.shape[1]:
            cap = cap[:, :horizon]
        else:
            cap = np.concatenate([cap, np.repeat(cap[:, -1:], horizon - cap.shape[1], axis=1)], axis=1)
        # an unbounded latest start (the old horizon) stays unbounded
        latest = np.where(self.latest >= self.horizon, horizon, np.minimum(self.latest, horizon))
        return Problem(
            self.duration,
            self.demand,
            np.ascontiguousarray(cap),
            self.pred,
            self.pred_lag,
            self.release,
            self.fixed,
            latest,
            self.priority,
            self.due,
            self.names,
            self.resources,
        )


def padded(lists: list[list[tuple[int, int]]]) -> tuple[I64, I64]:
    """``[(pred, lag), ...]`` per activity -> padded ``pred`` and ``lag`` arrays."""
    width = max((len(x) for x in lists), default=0) or 1
    pred = np.full((len(lists), width), NONE, dtype=np.int64)
    lag = np.zeros((len(lists), width), dtype=np.int64)
    for j, items in enumerate(lists):
        for k, (i, gap) in enumerate(items):
            pred[j, k] = i
            lag[j, k] = gap
    return pred, lag


def earliest_starts(problem: Problem) -> I64:
    """Precedence-only earliest starts (the critical-path schedule, no resources).

    Bellman-Ford style relaxation in topological passes; generalised lags keep it
    simple because every activity's predecessors come first in a topological order.
    """
    plain = problem.plain
    es = [f if f >= 0 else r for f, r in zip(plain.fixed, plain.release, strict=True)]
    for j in problem.topological.tolist():
        if plain.fixed[j] < 0:
            for i, lag in plain.preds[j]:
                es[j] = max(es[j], es[i] + lag)
    return np.asarray(es, dtype=np.int64)


def topological_order(problem: Problem) -> I64:
    """Activities in an order where every predecessor comes first (Kahn)."""
    plain = problem.plain
    indeg = [len(p) for p in plain.preds]
    ready = [j for j in range(problem.n) if indeg[j] == 0]
    order: list[int] = []
    while ready:
        i = ready.pop()
        order.append(i)
        for j in plain.succs[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.append(j)
    if len(order) != problem.n:
        raise ValueError("the precedence network has a cycle")
    return np.asarray(order, dtype=np.int64)
