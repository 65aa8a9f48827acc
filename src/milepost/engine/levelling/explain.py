"""Why each activity starts where it does, float that counts resources, and the
resource-critical path.

After levelling, an activity's start is held by a *link* (it starts exactly when a
predecessor's lag allows), by a *resource* hand-over (it starts when an activity using a
resource it needs, with no room left for both, finishes), or by a resource's *working
time* (the resource has less room in the slot before its start than at it: its calendar,
time off or availability).  In a schedule where every activity starts as early as the
others allow (which ``level`` makes sure of), one of the three holds each activity that
starts later than its logic alone allows.  Those binding links and
resource hand-overs form a graph; walking it back from the activity that finishes last
gives the resource-critical path (Wiest 1964, "Some properties of schedules for large
projects with limited resources"; Bowers 1995, "Criticality in resource constrained
networks", JORS 46:80-91).  A backward pass over links *and* resource hand-overs gives
each activity's float in the levelled schedule, which stays true after levelling
(MS Project's float ignores the hand-overs, so its critical path breaks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from milepost.engine.levelling.problem import NONE, Problem

I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Explanation:
    """Binding links and resource hand-overs of a levelled schedule."""

    link_drivers: list[list[int]]
    """Per activity: predecessors whose link holds it exactly where it is."""
    resource_drivers: list[list[tuple[int, int]]]
    """Per activity: ``(activity, resource)`` hand-overs that hold it."""
    unavailable: list[list[int]]
    """Per activity: resources whose working time holds it (less room just before its
    start than at it, and not enough for it then)."""
    slack: I64
    """Per activity: slots it can slip without delaying the finish or missing a deadline
    (links and resource hand-overs)."""
    path: list[int]
    """The resource-critical path, first to last."""


def explain(problem: Problem, starts: I64) -> Explanation:
    """Binding constraints, resource-aware float and the resource-critical path."""
    n = problem.n
    d = problem.duration
    finish = starts + d
    link_drivers: list[list[int]] = [[] for _ in range(n)]
    for j in range(n):
        for i, lag in zip(problem.pred[j], problem.pred_lag[j], strict=True):
            if i != NONE and starts[j] == starts[i] + lag:
                link_drivers[j].append(int(i))
    resource_drivers, unavailable = _handovers(problem, starts, finish)
    slack = _slack(problem, starts, resource_drivers)
    path = _path(problem, starts, finish, link_drivers, resource_drivers)
    return Explanation(link_drivers, resource_drivers, unavailable, slack, path)


def _handovers(problem: Problem, starts: I64, finish: I64) -> tuple[list[list[tuple[int, int]]], list[list[int]]]:
    """``i`` hands over to ``j`` when ``i`` finishes exactly as ``j`` starts, they share a
    resource, and ``j`` would not fit one slot earlier beside ``i`` on it.  A resource's
    working time holds ``j`` when no hand-over on it does, ``j`` would not fit on it one
    slot earlier, and it has less capacity then than at ``j``'s start."""
    n = problem.n
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    unavailable: list[list[int]] = [[] for _ in range(n)]
    usage = problem.usage(starts)
    by_finish: dict[int, list[int]] = {}
    for i in range(n):
        if problem.duration[i] > 0:
            by_finish.setdefault(int(finish[i]), []).append(i)
    for j in range(n):
        t = int(starts[j])
        if t == 0 or problem.duration[j] == 0 or problem.fixed[j] >= 0:
            continue
        needs = np.flatnonzero(problem.demand[j]).tolist()
        blocked = [r for r in needs if usage[r, t - 1] + problem.demand[j, r] > problem.capacity[r, t - 1]]
        for i in by_finish.get(t, ()):
            out[j] += [(i, r) for r in blocked if problem.demand[i, r]]
        handed = {r for _, r in out[j]}
        unavailable[j] = [r for r in blocked if r not in handed and problem.capacity[r, t - 1] < problem.capacity[r, t]]
    return out, unavailable


def _slack(problem: Problem, starts: I64, handovers: list[list[tuple[int, int]]]) -> I64:
    """Latest starts over links and hand-overs (backward pass), minus the starts; a task
    with a deadline finishes by it at the latest, so a missed deadline gives negative float."""
    d = problem.duration
    end = int((starts + d).max(initial=0))
    latest = np.minimum(end - d, problem.latest).astype(np.int64)
    latest = np.where(problem.due >= 0, np.minimum(latest, problem.due - d), latest)
    latest = np.where(problem.fixed >= 0, starts, latest)
    succs: list[list[tuple[int, int]]] = [[] for _ in range(problem.n)]
    for j in range(problem.n):
        for i, lag in zip(problem.pred[j], problem.pred_lag[j], strict=True):
            if i != NONE:
                succs[int(i)].append((j, int(lag)))
        for i, _ in handovers[j]:
            succs[i].append((j, int(d[i])))
    for i in _reverse_order(succs):
        for j, lag in succs[i]:
            latest[i] = min(int(latest[i]), int(latest[j]) - lag)
    slack: I64 = latest - starts
    return slack


def _reverse_order(succs: list[list[tuple[int, int]]]) -> list[int]:
    """Every activity after all of its successors (links and hand-overs together)."""
    pending = [len(s) for s in succs]
    preds: list[list[int]] = [[] for _ in succs]
    for i, nexts in enumerate(succs):
        for j, _ in nexts:
            preds[j].append(i)
    ready = [i for i, k in enumerate(pending) if k == 0]
    order: list[int] = []
    while ready:
        j = ready.pop()
        order.append(j)
        for i in preds[j]:
            pending[i] -= 1
            if pending[i] == 0:
                ready.append(i)
    return order


def _path(
    problem: Problem, starts: I64, finish: I64, links: list[list[int]], handovers: list[list[tuple[int, int]]]
) -> list[int]:
    real = np.flatnonzero((problem.duration > 0) | (problem.demand.sum(axis=1) > 0))
    if not real.size:
        return []
    current = int(max(real.tolist(), key=lambda k: (int(finish[k]), int(starts[k]))))
    chain = [current]
    seen = {current}
    while True:
        options = links[current] + [i for i, _ in handovers[current]]
        options = [i for i in options if i not in seen]
        if not options:
            break
        current = min(options, key=lambda i: (-int(finish[i]), i))
        seen.add(current)
        chain.append(current)
    return chain[::-1]
