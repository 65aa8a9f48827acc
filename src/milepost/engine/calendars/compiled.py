"""Compiled calendars: working time as sorted integer-minute intervals.

A calendar compiles to arrays ``starts``, ``ends`` (minutes since 1970-01-01 00:00,
local time) and ``cum`` (working minutes before each interval, counted from an anchor),
so the *position* of an instant -- how many working minutes precede it -- and its
inverse are binary searches (``numpy.searchsorted``) and vectorise over whole arrays.

Two inverses exist because a working-time position is shared by every instant of the
non-working gap that follows it:

* ``finish`` style returns the earliest such instant (the end of the previous working
  span): a task that ends with Friday's work finishes Friday 17:00;
* ``start`` style returns the latest one (the start of the next span): a task that
  starts after Friday's work starts Monday 08:00.

The compiled range grows on demand (doubling) and positions stay stable when it does,
because ``cum`` is anchored to the instant the calendar was first compiled around.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from milepost.domain.calendar import MINUTES_PER_DAY, Calendar
from milepost.domain.validation import calendar_path
from milepost.engine.calendars.days import DayResolver
from milepost.errors import InvalidInputError, Problem

EPOCH = date(1970, 1, 1)
EPOCH_DATETIME = datetime(1970, 1, 1)
MAX_SPAN_DAYS = 366 * 300
"""Calendars never extend further than this from their anchor (an absurd duration)."""

Minutes = NDArray[np.int64]
_lowest, _highest = np.minimum.reduce, np.maximum.reduce  # the ufuncs themselves: quicker than .min()


def to_minutes(moment: datetime) -> int:
    """Engine minutes of a local (naive) datetime."""
    delta = moment.replace(tzinfo=None) - EPOCH_DATETIME
    return delta.days * MINUTES_PER_DAY + delta.seconds // 60


def to_datetime(minutes: int) -> datetime:
    """Local datetime of engine minutes."""
    return EPOCH_DATETIME + timedelta(minutes=int(minutes))


def day_of(minutes: int) -> date:
    """Calendar date containing engine minute ``minutes``."""
    return EPOCH + timedelta(days=int(minutes) // MINUTES_PER_DAY)


class CompiledCalendar:
    """Fast working-time arithmetic on one calendar.

    Parameters
    ----------
    key:
        Calendar key in ``calendars``.
    calendars:
        Every calendar of the project (for base calendars).
    around:
        An engine minute the calendar is first compiled around (the project anchor).
    """

    def __init__(self, key: str, calendars: Mapping[str, Calendar], around: int, *, days: int = 730) -> None:
        self.key = key
        self._calendars = calendars
        anchor = day_of(around)
        self._anchor_minute = (anchor - EPOCH).days * MINUTES_PER_DAY
        self._lo = anchor - timedelta(days=days // 4)
        self._hi = anchor + timedelta(days=days)
        self._build()
        if self.total == 0:
            self._grow(MAX_SPAN_DAYS // 4, MAX_SPAN_DAYS // 2)
        if self.total == 0:
            raise InvalidInputError(
                Problem(
                    "calendar_without_working_time",
                    f"calendar '{key}' has no working time at all",
                    calendar_path(key),
                )
            )

    # ----------------------------------------------------------------- building
    def _build(self) -> None:
        starts, ends = self._spans()
        self.starts: Minutes = starts
        self.ends: Minutes = ends
        lengths = self.lengths = self.ends - self.starts
        cum = np.zeros(len(starts), dtype=np.int64)
        if len(starts):
            np.cumsum(lengths[:-1], out=cum[1:])
            cum -= self._raw_pos(cum, self._anchor_minute)
        self.cum: Minutes = cum
        self.cumend: Minutes = cum + lengths
        self.t_lo = (self._lo - EPOCH).days * MINUTES_PER_DAY
        self.t_hi = (self._hi - EPOCH).days * MINUTES_PER_DAY + MINUTES_PER_DAY

    def _spans(self) -> tuple[Minutes, Minutes]:
        """The working spans of every day of the range, in order, merged across midnight
        (24-hour and night shifts).  Days without an exception, holiday or dated work week
        take their weekday's hours, all at once; the others are resolved one by one."""
        resolver = DayResolver(self._calendars, self._lo, self._hi)
        lo = self._lo
        unusual = sorted((d - lo).days for d in resolver.unusual_days(self.key))
        usual = np.ones((self._hi - lo).days + 1, dtype=np.bool_)
        usual[unusual] = False
        days = np.flatnonzero(usual)
        weekday = (days + lo.weekday()) % 7
        day_parts: list[Minutes] = []
        nth_parts: list[Minutes] = []
        start_parts: list[Minutes] = []
        end_parts: list[Minutes] = []
        for wd, hours in enumerate(resolver.usual_week(self.key)):
            chosen = days[weekday == wd]
            for k, span in enumerate(hours):
                day_parts.append(chosen)
                nth_parts.append(np.full(chosen.size, k, dtype=np.int64))
                start_parts.append(chosen * MINUTES_PER_DAY + span.start)
                end_parts.append(chosen * MINUTES_PER_DAY + span.end)
        odd = [(d, k, span) for d in unusual for k, span in enumerate(resolver.hours(self.key, lo + timedelta(days=d)))]
        day_parts.append(np.asarray([d for d, _, _ in odd], dtype=np.int64))
        nth_parts.append(np.asarray([k for _, k, _ in odd], dtype=np.int64))
        start_parts.append(np.asarray([d * MINUTES_PER_DAY + span.start for d, _, span in odd], dtype=np.int64))
        end_parts.append(np.asarray([d * MINUTES_PER_DAY + span.end for d, _, span in odd], dtype=np.int64))
        order = np.lexsort((np.concatenate(nth_parts), np.concatenate(day_parts)))
        base = (lo - EPOCH).days * MINUTES_PER_DAY
        starts = np.concatenate(start_parts)[order] + base
        ends = np.concatenate(end_parts)[order] + base
        if not starts.size:
            return starts, ends
        first = np.flatnonzero(
            np.concatenate(([True], starts[1:] != ends[:-1]))
        )  # a span that ends where the next begins joins it
        last = np.append(first[1:] - 1, starts.size - 1)
        return starts[first], ends[last]

    def _raw_pos(self, cum: Minutes, t: int) -> int:
        i = int(np.searchsorted(self.starts, t, side="right")) - 1
        if i < 0:
            return 0
        return int(cum[i] + min(t - int(self.starts[i]), int(self.ends[i] - self.starts[i])))

    def _grow(self, before: int, after: int) -> None:
        lo = self._lo - timedelta(days=before)
        hi = self._hi + timedelta(days=after)
        anchor = EPOCH + timedelta(days=self._anchor_minute // MINUTES_PER_DAY)
        if (anchor - lo).days > MAX_SPAN_DAYS or (hi - anchor).days > MAX_SPAN_DAYS:
            raise InvalidInputError(
                Problem(
                    "date_out_of_range",
                    f"calendar '{self.key}' would have to reach more than {MAX_SPAN_DAYS // 366} years "
                    "from the project date: a duration, lag or date is absurd, or the calendar has "
                    "too little working time",
                    calendar_path(self.key),
                )
            )
        self._lo, self._hi = lo, hi
        self._build()

    @property
    def total(self) -> int:
        """Working minutes in the compiled range."""
        return int(self.cumend[-1] - self.cum[0]) if len(self.cum) else 0

    def _span(self) -> tuple[int, int]:
        return (self._hi - self._lo).days, (self._hi - self._lo).days

    def _cover_times(self, tmin: int, tmax: int) -> None:
        while tmin < self.t_lo or tmax >= self.t_hi:
            b, a = self._span()
            self._grow(b if tmin < self.t_lo else 0, a if tmax >= self.t_hi else 0)

    def _cover_work(self, pmin: int, pmax: int) -> None:
        while pmin <= self.cum[0] or pmax >= self.cumend[-1]:
            b, a = self._span()
            self._grow(b if pmin <= self.cum[0] else 0, a if pmax >= self.cumend[-1] else 0)

    # ----------------------------------------------------------- vector kernels
    def pos(self, t: Minutes) -> Minutes:
        """Working minutes (from the anchor) before each instant in ``t``."""
        if t.size:
            self._cover_times(int(_lowest(t)), int(_highest(t)))
        i = self.starts.searchsorted(t, side="right")
        i -= 1
        np.maximum(i, 0, out=i)
        result: Minutes = t - self.starts[i]
        np.minimum(result, self.lengths[i], out=result)
        np.maximum(result, 0, out=result)
        result += self.cum[i]
        return result

    def at(self, p: Minutes, *, start: bool) -> Minutes:
        """Instants at working positions ``p``: start style (next span) or finish style."""
        if p.size:
            self._cover_work(int(_lowest(p)), int(_highest(p)))
        if start:
            j = self.cum.searchsorted(p, side="right")
            j -= 1
        else:
            j = self.cumend.searchsorted(p, side="left")
        result: Minutes = p - self.cum[j]
        result += self.starts[j]
        return result

    def shift(self, t: Minutes, work: Minutes | int, *, start: bool) -> Minutes:
        """``t`` moved by ``work`` working minutes (negative moves back)."""
        p = self.pos(t) + work
        return self.at(p, start=start)

    def snap(self, t: Minutes, *, start: bool) -> Minutes:
        """Move instants in non-working time to the next start or the previous finish."""
        return self.shift(t, 0, start=start)

    def between(self, a: Minutes, b: Minutes) -> Minutes:
        """Working minutes from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        return self.pos(b) - self.pos(a)

    # ----------------------------------------------------------- scalar helpers
    def add_work(self, t: int, work: int) -> int:
        """The instant ``work`` working minutes after ``t`` (finish style)."""
        return int(self.shift(np.asarray([t], dtype=np.int64), work, start=False)[0])

    def subtract_work(self, t: int, work: int) -> int:
        """The instant ``work`` working minutes before ``t`` (start style)."""
        return int(self.shift(np.asarray([t], dtype=np.int64), -work, start=True)[0])

    def work_between(self, a: int, b: int) -> int:
        """Working minutes between two instants."""
        return int(self.between(np.asarray([a], dtype=np.int64), np.asarray([b], dtype=np.int64))[0])

    def next_working(self, t: int) -> int:
        """``t`` itself if working, else the start of the next working span."""
        return int(self.snap(np.asarray([t], dtype=np.int64), start=True)[0])

    def previous_finish(self, t: int) -> int:
        """``t`` itself if working, else the end of the previous working span."""
        return int(self.snap(np.asarray([t], dtype=np.int64), start=False)[0])
