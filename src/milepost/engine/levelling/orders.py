"""Precedence-feasible activity lists from priority values.

A list takes, step after step, the *eligible* activity (every predecessor listed) with
the smallest value, the lower index first on ties.  Three ways to build it give the same
list, and the cheapest that applies is used:

* when no link runs from a larger value to a smaller one (values read from a schedule's
  starts or finishes, as justification and re-encoding do), the smallest value left is
  always eligible, so the list is the row sorted by value, with each group of equal
  values put in precedence order (a small heap on the group alone);
* otherwise small problems build every row at once with NumPy (``O(B n^2)`` vector
  work), large ones use a heap per row (``O(B n log n)`` Python work), which wins past
  a few hundred activities.
"""

from __future__ import annotations

import heapq

import numpy as np
from numpy.typing import NDArray

from milepost.engine.levelling.problem import Problem

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
VECTOR_LIMIT = 300


def lists_from_values(problem: Problem, values: F64) -> I64:
    """Precedence-feasible lists, one per row of ``values`` (``[B, n]``)."""
    values = np.atleast_2d(values)
    n = values.shape[1]
    orders = np.argsort(values, axis=1, kind="stable")
    before, after = problem.links
    position = np.empty_like(orders)
    np.put_along_axis(position, orders, np.arange(n)[None, :], axis=1)
    wrong = position[:, before] > position[:, after]
    rest = []
    for b in np.flatnonzero(wrong.any(axis=1)).tolist():
        if (values[b, before] > values[b, after]).any():
            rest.append(b)
        else:
            _order_ties(problem, values[b], orders[b], values[b, after[wrong[b]]])
    if rest and n > VECTOR_LIMIT:
        for b in rest:
            orders[b] = _list_by_heap(problem, values[b])
    elif rest:
        orders[rest] = _lists_by_vector(problem, values[rest])
    return orders


def _order_ties(problem: Problem, values: F64, order: I64, tied: F64) -> None:
    """Put the groups of equal ``tied`` values of a sorted ``order`` in precedence order,
    lower index first, as the heap would take them: every outside predecessor of a group
    has a smaller value, so one heap over the groups alone gives the same list."""
    at = np.flatnonzero(np.isin(values[order], tied))
    members = order[at]
    order[at] = _list_by_heap(problem, values[members], members.tolist())


def _lists_by_vector(problem: Problem, values: F64) -> I64:
    batch, n = values.shape
    indeg = np.broadcast_to((problem.pred >= 0).sum(axis=1), (batch, n)).copy()
    done = np.zeros((batch, n), dtype=np.bool_)
    orders = np.zeros((batch, n), dtype=np.int64)
    rows = np.arange(batch)
    succ = problem.succ
    for k in range(n):
        pick = np.where((indeg == 0) & ~done, values, np.inf).argmin(axis=1)
        orders[:, k] = pick
        done[rows, pick] = True
        nxt = succ[pick]  # [B, S]
        valid = nxt >= 0
        np.subtract.at(indeg, (np.broadcast_to(rows[:, None], nxt.shape)[valid], nxt[valid]), 1)
    return orders


def _list_by_heap(problem: Problem, values: F64, members: list[int] | None = None) -> I64:
    """The list of ``members`` (all activities by default; ``values`` in their order),
    counting only the links among them; ties go to the member listed first."""
    succs = problem.plain.succs
    if members is None:
        local = succs
    else:
        at = {j: k for k, j in enumerate(members)}
        local = [[at[i] for i in succs[j] if i in at] for j in members]
    indeg = [0] * len(local)
    for nxt in local:
        for j in nxt:
            indeg[j] += 1
    key = values.tolist()
    ready = [(key[j], j) for j in range(len(local)) if indeg[j] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        order.append(i)
        for j in local[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                heapq.heappush(ready, (key[j], j))
    picked = np.asarray(order, dtype=np.int64)
    return picked if members is None else np.asarray(members, dtype=np.int64)[picked]
