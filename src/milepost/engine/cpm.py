"""Forward and backward passes of the critical path method on working-time calendars.

The passes follow Kelley & Walker (1959), generalised to the four precedence types with
lags (Moder, Phillips & Davis, *Project Management with CPM, PERT and Precedence
Diagramming*, 1983) and to Microsoft Project's date constraints.  Each topological
level of the :class:`~milepost.engine.network.Network` is processed with vector
operations, so a pass costs a few NumPy calls per level rather than Python per task.

Forward pass (early dates), for a task ``j`` with duration ``d_j`` on calendar ``C_j``::

    start bound   s_j = max(project start, parent summary start,
                            max over FS links  shift(EF_i, lag),
                            max over SS links  shift(ES_i, lag))
    finish bound  f_j = max(max over FF links  shift(EF_i, lag),
                            max over SF links  shift(ES_i, lag))
    ES_j = snap_start(max(s_j, back(f_j, d_j))) then date constraints
    EF_j = add(ES_j, d_j)

``shift`` moves by working time on the project calendar (lags are project-calendar
time in MS Project) or by elapsed minutes; ``snap_start`` moves to the next working
minute of ``C_j``; ``add`` / ``back`` count working minutes of ``C_j``.  The backward
pass mirrors it with minima, giving late dates; total float is the working time (on the
project calendar) between early and late dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from milepost.engine.calendars.compiled import CompiledCalendar
from milepost.engine.network import (
    C_FNET,
    C_FNLT,
    C_MFO,
    C_MSO,
    C_SNET,
    C_SNLT,
    DOWN,
    FF,
    FS,
    LINK,
    NO_DATE,
    SF,
    UP,
    Network,
)

I64 = NDArray[np.int64]
Bools = NDArray[np.bool_]
BIG = np.iinfo(np.int64).max
Mask = NDArray[np.bool_] | slice


@dataclass(frozen=True, eq=False)
class Pass:
    """Dates of every node from one pass (minutes)."""

    start: I64
    finish: I64
    overridden: Bools
    """Nodes whose date constraint overrode their logic in this pass."""


# ------------------------------------------------------------------ calendar ops
def by_calendar(net: Network, nodes: I64, compute: Callable[[CompiledCalendar, Mask], I64], size: int) -> I64:
    """Run ``compute(calendar, mask)`` for each calendar used by ``nodes``; the mask picks
    that calendar's entries (``slice(None)`` when every node shares one calendar)."""
    if net.single_calendar:
        return compute(net.calendars[net.project_calendar], slice(None))
    cal = net.calendar[nodes]
    out = np.empty(size, dtype=np.int64)
    for c in np.flatnonzero(np.bincount(cal)):  # the calendars in use (np.unique imports numpy.ma)
        m = cal == c
        out[m] = compute(net.calendars[int(c)], m)
    return out


def _on_calendars(net: Network, nodes: I64, t: I64, work: I64 | int, *, start: bool) -> I64:
    """Shift instants ``t`` of ``nodes`` by ``work`` working minutes of each node's calendar."""
    if t.size == 0:
        return t

    def shift(cal: CompiledCalendar, m: Mask) -> I64:
        return cal.shift(t[m], work[m] if isinstance(work, np.ndarray) else work, start=start)

    return by_calendar(net, nodes, shift, t.size)


def _task_add(net: Network, nodes: I64, t: I64, work: I64, *, start: bool) -> I64:
    """``t`` plus ``work`` of each node's own duration kind (elapsed or working);
    zero work leaves ``t`` where it is (a milestone starts and finishes together)."""
    out = _on_calendars(net, nodes, t, work, start=start)
    keep = net.elapsed[nodes] | (work == 0)
    if keep.any():
        out = np.where(keep, t + work, out)
    return out


def lag_shift(net: Network, base: I64, lag: I64, elapsed: Bools, *, start: bool) -> I64:
    """Apply link lags: working time on the project calendar, or elapsed minutes."""
    nz = lag != 0
    if not nz.any():
        return base
    out = base.copy()
    work = nz & ~elapsed
    if work.any():
        out[work] = net.calendars[net.project_calendar].shift(base[work], lag[work], start=start)
    el = nz & elapsed
    out[el] = base[el] + lag[el]
    return out


def _place_start(net: Network, nodes: I64, raw: I64) -> I64:
    """Snap a start to working time: next working minute; milestones and elapsed
    tasks may sit at the exact end of a working span (after a predecessor's finish)."""
    snapped = _on_calendars(net, nodes, raw, 0, start=True)
    loose = (net.duration[nodes] == 0) | net.elapsed[nodes]
    if loose.any():
        at_end = _on_calendars(net, nodes, raw, 0, start=False)
        keep = loose & ((at_end == raw) | net.elapsed[nodes])
        snapped = np.where(keep, raw, snapped)
    return snapped


def _place_finish(net: Network, nodes: I64, raw: I64) -> I64:
    """Snap a late finish back to the end of working time (the mirror of
    :func:`_place_start`); a milestone's late date is written the same way, so a
    critical milestone at Friday 17:00 has its late dates there too.  Elapsed tasks
    stay where their logic puts them."""
    snapped = _on_calendars(net, nodes, raw, 0, start=False)
    loose = net.elapsed[nodes]
    if loose.any():
        snapped = np.where(loose, raw, snapped)
    return snapped


def place_given_dates(net: Network) -> None:
    """Move given dates (actuals, manual dates) that fall in non-working time onto the
    task's working time: a start to the next working minute, a finish back to the end of
    the previous working span.  Dates already on working time do not move."""
    for given, place in ((net.fixed_start, _place_start), (net.fixed_finish, _place_finish)):
        nodes = np.flatnonzero(given != NO_DATE)
        if nodes.size:
            given[nodes] = place(net, nodes, given[nodes])


# ---------------------------------------------------------------- forward pass
def forward(net: Network, project_start: int, floor: I64 | None = None) -> Pass:
    """Early dates.  ``floor`` (per node, or NO_DATE) pins tasks no earlier than a date
    (used to place ALAP tasks at their late dates)."""
    n = net.n_nodes
    es = np.zeros(n, dtype=np.int64)
    ef = np.zeros(n, dtype=np.int64)
    lbs = np.full(n, project_start, dtype=np.int64)
    lbf = np.full(n, NO_DATE, dtype=np.int64)
    roll_s = np.full(n, BIG, dtype=np.int64)
    roll_f = np.full(n, NO_DATE, dtype=np.int64)
    overridden = np.zeros(n, dtype=np.bool_)
    for level, nodes in enumerate(net.level_nodes):
        a, b = net.level_edges[level]
        if b > a:
            _forward_edges(net, slice(a, b), es, ef, lbs, lbf, roll_s, roll_f)
        _forward_nodes(net, nodes, es, ef, lbs, lbf, roll_s, roll_f, overridden, floor)
    return Pass(es, ef, overridden)


def _forward_edges(net: Network, sl: slice, es: I64, ef: I64, lbs: I64, lbf: I64, roll_s: I64, roll_f: I64) -> None:
    src, dst, kind = net.src[sl], net.dst[sl], net.kind[sl]
    link = kind == LINK
    if link.any():
        s, d, lt = src[link], dst[link], net.link_type[sl][link]
        from_finish = (lt == FS) | (lt == FF)
        base = np.where(from_finish, ef[s], es[s])
        cand = lag_shift(net, base, net.lag[sl][link], net.lag_elapsed[sl][link], start=False)
        to_finish = (lt == FF) | (lt == SF)
        np.maximum.at(lbs, d[~to_finish], cand[~to_finish])
        if to_finish.any():
            np.maximum.at(lbf, d[to_finish], cand[to_finish])
    down = kind == DOWN
    if down.any():
        np.maximum.at(lbs, dst[down], es[src[down]])
    up = kind == UP
    if up.any():
        np.minimum.at(roll_s, dst[up], es[src[up]])
        np.maximum.at(roll_f, dst[up], ef[src[up]])


def _forward_nodes(
    net: Network,
    nodes: I64,
    es: I64,
    ef: I64,
    lbs: I64,
    lbf: I64,
    roll_s: I64,
    roll_f: I64,
    overridden: Bools,
    floor: I64 | None,
) -> None:
    rollup = net.is_rollup[nodes]
    if rollup.any():
        r = nodes[rollup]
        es[r], ef[r] = roll_s[r], roll_f[r]
        nodes = nodes[~rollup]
        if not nodes.size:
            return
    dur = net.duration[nodes]
    raw = lbs[nodes]
    fb = lbf[nodes]
    has_f = fb != NO_DATE
    if has_f.any():
        from_f = _task_add(net, nodes[has_f], fb[has_f], -dur[has_f], start=True)
        raw[has_f] = np.maximum(raw[has_f], from_f)
    raw, over = _forward_constraints(net, nodes, raw)
    overridden[nodes] = over
    if floor is not None:
        raw = np.maximum(raw, floor[nodes])
    start = _place_start(net, nodes, raw)
    summary = net.is_summary[nodes]
    if summary.any():
        start = np.where(summary, raw, start)
    given_s, given_f = net.fixed_start[nodes], net.fixed_finish[nodes]
    start = np.where(given_s != NO_DATE, given_s, start)
    # a finish-driven link (FF, SF) sets the finish to its date as is: "finish no earlier
    # than Monday 08:00" finishes Monday 08:00, not Friday 17:00 (as MS Project does)
    finish = np.maximum(_task_add(net, nodes, start, dur, start=False), np.where(summary, NO_DATE, fb))
    es[nodes] = start
    ef[nodes] = np.where(given_f != NO_DATE, given_f, finish)


def _forward_constraints(net: Network, nodes: I64, logic: I64) -> tuple[I64, Bools]:
    """Apply date constraints to logic-driven starts; flag where they override logic."""
    ctype = net.constraint[nodes]
    dated = ctype >= C_SNET
    over = np.zeros(nodes.size, dtype=np.bool_)
    if not dated.any():
        return logic, over
    idx = np.flatnonzero(dated)
    sub = nodes[idx]
    c = ctype[idx]
    d = net.constraint_date[sub]
    on_finish = (c == C_FNET) | (c == C_FNLT) | (c == C_MFO)
    target = d.copy()
    if on_finish.any():
        target[on_finish] = _task_add(net, sub[on_finish], d[on_finish], -net.duration[sub[on_finish]], start=True)
    summary = net.is_summary[sub]
    # compare where the task would really start (on its calendar), not raw instants:
    # "SNLT Tuesday" is met by a start at Tuesday's first working minute
    lg = _place_start(net, sub, logic[idx])
    target = _place_start(net, sub, target)
    new = lg.copy()
    floor = (c == C_SNET) | (c == C_FNET)
    new[floor] = np.maximum(lg[floor], target[floor])
    pin = ((c == C_MSO) | (c == C_MFO)) & ~summary
    cap = ((c == C_SNLT) | (c == C_FNLT)) & ~summary
    if net.honor_constraints:
        new[pin] = target[pin]
        new[cap] = np.minimum(lg[cap], target[cap])
    else:  # links win: a pin only holds the task back, a "no later than" only limits late dates
        new[pin] = np.maximum(lg[pin], target[pin])
    over[idx] = new < lg
    out = logic.copy()
    out[idx] = new
    return out, over


# --------------------------------------------------------------- backward pass
def backward(net: Network, project_finish: int, ceiling: I64 | None = None) -> Pass:
    """Late dates.  ``ceiling`` (per node, or NO_DATE) pins tasks no later than a date
    (used to place ASAP tasks at their early dates in a finish-anchored project)."""
    n = net.n_nodes
    ls = np.zeros(n, dtype=np.int64)
    lf = np.zeros(n, dtype=np.int64)
    ubf = np.full(n, project_finish, dtype=np.int64)
    ubs = np.full(n, BIG, dtype=np.int64)
    roll_s = np.full(n, BIG, dtype=np.int64)
    roll_f = np.full(n, NO_DATE, dtype=np.int64)
    overridden = np.zeros(n, dtype=np.bool_)
    for level in range(len(net.level_nodes) - 1, -1, -1):
        nodes = net.level_nodes[level]
        _backward_nodes(net, nodes, ls, lf, ubs, ubf, roll_s, roll_f, overridden, ceiling)
        a, b = net.level_edges[level]
        if b > a:
            _backward_edges(net, slice(a, b), ls, lf, ubs, ubf, roll_s, roll_f)
    return Pass(ls, lf, overridden)


def _backward_edges(net: Network, sl: slice, ls: I64, lf: I64, ubs: I64, ubf: I64, roll_s: I64, roll_f: I64) -> None:
    src, dst, kind = net.src[sl], net.dst[sl], net.kind[sl]
    link = kind == LINK
    if link.any():
        s, d, lt = src[link], dst[link], net.link_type[sl][link]
        to_finish = (lt == FF) | (lt == SF)
        base = _latest_equivalent(net, d, np.where(to_finish, lf[d], ls[d]))
        cand = lag_shift(net, base, -net.lag[sl][link], net.lag_elapsed[sl][link], start=True)
        from_finish = (lt == FS) | (lt == FF)
        np.minimum.at(ubf, s[from_finish], cand[from_finish])
        if (~from_finish).any():
            np.minimum.at(ubs, s[~from_finish], cand[~from_finish])
    up = kind == UP
    if up.any():
        np.minimum.at(ubf, src[up], lf[dst[up]])
    down = kind == DOWN
    if down.any():
        np.minimum.at(roll_s, src[down], ls[dst[down]])
        np.maximum.at(roll_f, src[down], lf[dst[down]])


def _latest_equivalent(net: Network, nodes: I64, late: I64) -> I64:
    """Successors' late dates as the latest instants that are the same in their own working
    time: the next working minute.  A late finish is written at the end of the working time
    before it (:func:`_place_finish`), and a milestone's late start too, but a predecessor
    on another calendar may work until the next working minute: a factory that works on
    Saturdays, before a milestone on a Monday-Friday calendar whose late date is Friday
    17:00, may finish on Saturday without delaying it.  A late start is already there."""
    loose = ~net.elapsed[nodes] & ~net.is_summary[nodes]
    if not loose.any():
        return late
    out = late.copy()
    out[loose] = _on_calendars(net, nodes[loose], late[loose], 0, start=True)
    return out


def _backward_nodes(
    net: Network,
    nodes: I64,
    ls: I64,
    lf: I64,
    ubs: I64,
    ubf: I64,
    roll_s: I64,
    roll_f: I64,
    overridden: Bools,
    ceiling: I64 | None,
) -> None:
    start_side = net.is_summary[nodes] & ~net.is_rollup[nodes]
    if start_side.any():
        r = nodes[start_side]
        ls[r], lf[r] = roll_s[r], roll_f[r]
        nodes = nodes[~start_side]
        if not nodes.size:
            return
    dur = net.duration[nodes]
    raw = ubf[nodes]
    sb = ubs[nodes]
    has_s = sb != BIG
    if has_s.any():
        from_s = _task_add(net, nodes[has_s], sb[has_s], dur[has_s], start=False)
        raw[has_s] = np.minimum(raw[has_s], from_s)
    raw, over = _backward_constraints(net, nodes, raw)
    overridden[nodes] = over
    if ceiling is not None:
        raw = np.minimum(raw, ceiling[nodes])
    finish = _place_finish(net, nodes, raw)
    rollup = net.is_rollup[nodes]
    if rollup.any():
        finish = np.where(rollup, raw, finish)
    given_s, given_f = net.fixed_start[nodes], net.fixed_finish[nodes]
    finish = np.where(given_f != NO_DATE, given_f, finish)
    start = np.minimum(_task_add(net, nodes, finish, -dur, start=True), np.where(rollup, BIG, sb))
    lf[nodes] = finish
    ls[nodes] = np.where(given_s != NO_DATE, given_s, start)


def _backward_constraints(net: Network, nodes: I64, logic: I64) -> tuple[I64, Bools]:
    """Late-finish side of constraints and deadlines."""
    ctype = net.constraint[nodes]
    dl = net.deadline[nodes]
    has_dl = dl != NO_DATE
    out = logic.copy()
    if has_dl.any():
        out[has_dl] = np.minimum(out[has_dl], dl[has_dl])
    dated = ctype >= C_SNET
    over = np.zeros(nodes.size, dtype=np.bool_)
    if not dated.any():
        return out, over
    idx = np.flatnonzero(dated)
    sub = nodes[idx]
    c = ctype[idx]
    d = net.constraint_date[sub]
    on_start = (c == C_SNET) | (c == C_SNLT) | (c == C_MSO)
    target = d.copy()
    if on_start.any():
        target[on_start] = _task_add(net, sub[on_start], d[on_start], net.duration[sub[on_start]], start=False)
    lg = _place_finish(net, sub, out[idx])
    target = _place_finish(net, sub, target)
    new = lg.copy()
    cap = (c == C_SNLT) | (c == C_FNLT)
    new[cap] = np.minimum(lg[cap], target[cap])
    pin = ((c == C_MSO) | (c == C_MFO)) & ~net.is_summary[sub]
    new[pin] = target[pin]
    if net.from_finish:
        floor = ((c == C_SNET) | (c == C_FNET)) & ~net.is_summary[sub]
        new[floor] = np.maximum(lg[floor], target[floor])
    over[idx] = new > lg
    out[idx] = new
    return out, over
