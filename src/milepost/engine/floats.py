"""Total float, free float and driving links, from the early and late dates.

* Total float (MS Project's *Total Slack*): ``min(LS - ES, LF - EF)`` in working
  minutes of the project calendar (Boyle, "Impact of Calendars on Schedule Slack
  Calculation in Microsoft Project", 2018).
* Free float: how far a task can slip without delaying any successor's early dates,
  the smallest gap over its outgoing links (working time of each successor's
  calendar), never more than its total float (a task without successors has free
  float equal to its total float).
* A link is *driving* when its gap is zero: it alone sets the successor's early date.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np
from numpy.typing import NDArray

from milepost.engine.cpm import Pass, by_calendar, lag_shift
from milepost.engine.network import DOWN, FF, FS, LINK, SF, UP, Network

I64 = NDArray[np.int64]


def total_float(net: Network, es: I64, ef: I64, ls: I64, lf: I64) -> I64:
    """Total float of every task (working minutes, project calendar)."""
    cal = net.calendars[net.project_calendar]
    if not es.size:
        return es
    return np.minimum(cal.between(es, ls), cal.between(ef, lf))


def late_dates(net: Network, early: tuple[I64, I64], late: tuple[I64, I64]) -> tuple[I64, I64]:
    """Late start and finish of the tasks, each at its early date when it lies before it but
    is the same instant in the task's own working time (no working minute of its calendar
    between them).

    The backward pass writes late finishes (and a milestone's late date) at the end of the
    working time before, while the forward pass may leave an early date in non-working time
    (a milestone at its calendar's next working minute, a finish where an FF link puts it);
    on the project calendar the two may lie working time apart (a night-shift milestone:
    Monday 23:00 early, the Saturday 08:00 before it late), which would read as negative
    float for a task that cannot move at all.  Summary tasks roll up the result."""
    (es, ef), (ls, lf) = early, late
    tasks = np.flatnonzero(~net.elapsed[: es.size] & ~net.is_summary[: es.size])
    if not tasks.size:
        return ls, lf
    out = []
    for a, b in ((es, ls), (ef, lf)):
        before = tasks[b[tasks] < a[tasks]]
        same = before[_between_on(net, before, b[before], a[before]) == 0]
        out.append(same)
    if not (out[0].size or out[1].size):
        return ls, lf
    ls, lf = ls.copy(), lf.copy()
    ls[out[0]] = es[out[0]]
    lf[out[1]] = ef[out[1]]
    return roll_up(net, ls, np.minimum), roll_up(net, lf, np.maximum)  # as the backward pass rolls up


def roll_up(net: Network, values: I64, reduce: np.ufunc) -> I64:
    """``values`` per task, each summary task's replaced by ``reduce`` (``np.minimum`` or
    ``np.maximum``) over its tasks', one level of the WBS at a time."""
    out = values.copy()
    down = np.flatnonzero(net.kind == DOWN)
    if not down.size:
        return out
    parent, child = net.task_of[net.src[down]], net.task_of[net.dst[down]]
    limits = np.iinfo(np.int64)
    out[net.is_summary[: out.size]] = limits.max if reduce is np.minimum else limits.min
    while True:
        before = out.copy()
        reduce.at(out, parent, out[child])
        if np.array_equal(before, out):
            return out


def link_gaps(net: Network, early: Pass) -> tuple[I64, I64]:
    """Indices of the ``LINK`` edges and each one's working-time gap on early dates."""
    links = np.flatnonzero(net.kind == LINK)
    if not links.size:
        return links, links
    src, dst, lt = net.src[links], net.dst[links], net.link_type[links]
    base = np.where((lt == FS) | (lt == FF), early.finish[src], early.start[src])
    bound = lag_shift(net, base, net.lag[links], net.lag_elapsed[links], start=False)
    actual_node = net.finish_node[net.task_of[dst]]
    actual = np.where((lt == FF) | (lt == SF), early.finish[actual_node], early.start[actual_node])
    return links, _between_on(net, dst, bound, actual)


def _between_on(net: Network, nodes: I64, a: I64, b: I64) -> I64:
    """Working minutes from ``a`` to ``b`` on each node's own calendar (the successor's:
    a link drives when the successor starts at its first working minute after it)."""
    return by_calendar(net, nodes, lambda cal, m: cal.between(a[m], b[m]), a.size)


def free_float(net: Network, gaps: tuple[I64, I64], tf: I64) -> I64:
    """Free float of every task, capped by its total float."""
    links, gap = gaps
    ff = tf.copy()
    if links.size:
        np.minimum.at(ff, net.task_of[net.src[links]], gap)
    return np.minimum(ff, tf)


class DrivingIndex(Sequence[tuple[int, ...]]):
    """Driving predecessors per task, stored compactly (CSR) with a few overrides."""

    def __init__(self, ptr: list[int], idx: list[int], overrides: dict[int, tuple[int, ...]]) -> None:
        self._ptr, self._idx, self._overrides = ptr, idx, overrides

    def __len__(self) -> int:
        return len(self._ptr) - 1

    @overload
    def __getitem__(self, i: int) -> tuple[int, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[int, ...]]: ...
    def __getitem__(self, i: int | slice) -> tuple[int, ...] | Sequence[tuple[int, ...]]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        found = self._overrides.get(i)
        if found is not None:
            return found
        return tuple(self._idx[self._ptr[i] : self._ptr[i + 1]])


def driving_predecessors(net: Network, early: Pass, gaps: tuple[I64, I64]) -> DrivingIndex:
    """For each task, the tasks whose links drive its early dates.

    A summary predecessor is replaced by its subtask that drives the summary's dates
    (the latest-finishing one); a task whose start is set by its summary's incoming
    links inherits the summary's drivers.
    """
    n = net.n_tasks
    links, gap = gaps
    zero = links[gap <= 0]
    succ = net.task_of[net.dst[zero]]
    pred = net.task_of[net.src[zero]]
    order = np.argsort(succ, kind="stable")
    succ, pred = succ[order], pred[order]
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(succ, minlength=n), out=ptr[1:])
    index = DrivingIndex(ptr.tolist(), pred.tolist(), {})
    down = np.flatnonzero(net.kind == DOWN)
    if down.size:
        _inherit(net, early, down, index, ptr)
        _resolve_summaries(net, early, index, succ[net.is_summary[pred]])
    return index


def _inherit(net: Network, early: Pass, down: I64, index: DrivingIndex, ptr: I64) -> None:
    parent, child = net.src[down], net.dst[down]
    fin = net.finish_node
    own = (ptr[1:] - ptr[:-1]) > 0
    tight = (_between_on(net, child, early.start[parent], early.start[fin[child]]) <= 0) & ~own[child]
    for p, c in sorted(zip(parent[tight].tolist(), child[tight].tolist(), strict=True)):
        inherited = index[p]
        if inherited:
            index._overrides[c] = inherited


def _resolve_summaries(net: Network, early: Pass, index: DrivingIndex, affected: I64) -> None:
    n = net.n_tasks
    summary = net.is_summary[:n]
    children: dict[int, list[int]] = {}
    ups = np.flatnonzero(net.kind == UP)
    for c, s in zip(net.task_of[net.src[ups]].tolist(), net.task_of[net.dst[ups]].tolist(), strict=True):
        children.setdefault(s, []).append(c)
    fin = net.finish_node

    def last_leaf(task: int) -> int:
        while summary[task]:
            task = max(children[task], key=lambda k: (int(early.finish[fin[k]]), -k))
        return task

    todo = set(affected.tolist()) | set(index._overrides)
    for s in sorted(todo):
        preds = index[s]
        if any(summary[p] for p in preds):
            index._overrides[s] = tuple(sorted({last_leaf(p) for p in preds}))
