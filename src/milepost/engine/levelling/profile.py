"""The free capacity of one schedule being built, slot by slot, in Python lists.

The schedule-generation schemes ask two things of it, activity after activity: the first
start ``t >= es`` at which an activity's window of ``d`` slots has room on every
resource it needs (or whether it has room at a given ``t``), and to take that room.
Activities are short against the horizon and need a few resources, so plain lists beat
array operations here (a NumPy call costs as much as scanning a few dozen list items):

* a window that fits is recognised with ``min`` over a slice (C speed);
* one that does not is read from its end back to its last slot without room, and the
  start moves just past that slot, so a busy spell is crossed a window at a time and
  the search costs at most ``O(delay + d)`` per resource, never ``O(horizon)``;
* the resources are tried in turn until all of them accept the same start (each one
  only moves the start later, so this ends).

Slots past the horizon have no room: an activity that cannot finish by the horizon gets
the horizon as its start, and the caller marks the schedule as failed.
"""

from __future__ import annotations

Needs = list[tuple[int, int]]
"""``(resource, units)`` of every resource an activity needs."""


class Profile:
    """Free units of every resource in every slot (capacity minus what is taken)."""

    __slots__ = ("free", "horizon")

    def __init__(self, capacity: list[list[int]], horizon: int) -> None:
        self.free = [row[:] for row in capacity]
        self.horizon = horizon

    def fits(self, needs: Needs, t: int, d: int) -> bool:
        """Whether the window ``[t, t + d)`` has room for every need."""
        if d == 0:
            return True
        if t + d > self.horizon:
            return False
        free = self.free
        for r, q in needs:  # noqa: SIM110 - a loop costs half of all() over a generator
            if min(free[r][t : t + d]) < q:
                return False
        return True

    def first_fit(self, needs: Needs, t: int, d: int) -> int:
        """The first start ``>= t`` whose window of ``d`` slots has room for every need
        (``t`` itself for ``d == 0``; the horizon when none is left before it)."""
        if d == 0:
            return t
        h = self.horizon
        if t + d > h:
            return h
        free = self.free
        agreed, k, m = 0, 0, len(needs)
        while agreed < m:
            r, q = needs[k]
            row = free[r]
            if min(row[t : t + d]) >= q:
                agreed += 1
            else:
                t = _scan(row, q, t, d, h)
                if t >= h:
                    return h
                agreed = 1  # this resource accepts the new start; the others must again
            k = k + 1 if k + 1 < m else 0
        return t

    def occupy(self, needs: Needs, t: int, d: int) -> None:
        """Take the units of every need in ``[t, t + d)`` (within the horizon)."""
        end = min(t + d, self.horizon)
        if end <= t:
            return
        for r, q in needs:
            row = self.free[r]
            for x in range(t, end):
                row[x] -= q


def _scan(row: list[int], q: int, t: int, d: int, h: int) -> int:
    """The first start ``>= t`` of ``d`` slots with at least ``q`` free on ``row``, or ``h``.

    A window without room is read backwards from its end to its last slot without room,
    and the start moves just past it (no start before that can avoid it): a busy spell
    is crossed ``d`` slots at a time.
    """
    while True:
        end = t + d
        if end > h:
            return h
        window = row[t:end]
        if min(window) >= q:
            return t
        k = d - 1
        while window[k] >= q:
            k -= 1
        t += k + 1
