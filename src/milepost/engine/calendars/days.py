"""Which hours of a given day are working time, for each calendar of a project.

Resolution order and MS Project's rules are described in
:mod:`milepost.domain.calendar`.  Recurring exceptions are expanded with
``dateutil.rrule``; public holidays come from the ``holidays`` package.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from milepost.domain.calendar import (
    Calendar,
    DayHours,
)
from milepost.domain.calendar_rules import exception_days, public_holidays
from milepost.domain.validation import calendar_path


class DayResolver:
    """Answers "which hours of day D are working on calendar C?" for a date range."""

    def __init__(self, calendars: Mapping[str, Calendar], lo: date, hi: date) -> None:
        self._calendars = calendars
        self.lo, self.hi = lo, hi
        self._exceptions: dict[str, dict[date, DayHours]] = {}
        self._holidays: dict[str, dict[date, str]] = {}
        for key, cal in calendars.items():
            self._exceptions[key] = self._expand(cal, lo, hi)
            self._holidays[key] = public_holidays(
                cal.holidays, range(lo.year, hi.year + 1), calendar_path(key, "holidays")
            )

    @staticmethod
    def _expand(cal: Calendar, lo: date, hi: date) -> dict[date, DayHours]:
        out: dict[date, DayHours] = {}
        for exc in cal.exceptions:  # later exceptions win over earlier ones
            for day in exception_days(exc, lo, hi):
                out[day] = exc.hours
        return out

    def chain(self, key: str) -> list[Calendar]:
        """The calendar and its bases, nearest first."""
        out = [self._calendars[key]]
        while out[-1].base is not None:
            out.append(self._calendars[out[-1].base])
        return out

    def usual_week(self, key: str) -> list[DayHours]:
        """Hours of each weekday (Monday first) on calendar ``key`` where no exception,
        public holiday or dated work week applies (see :meth:`unusual_days`)."""
        chain = self.chain(key)
        return [next((d for cal in chain if (d := cal.week.days[weekday]) is not None), ()) for weekday in range(7)]

    def unusual_days(self, key: str) -> set[date]:
        """The days of the range whose hours on calendar ``key`` may differ from its
        :meth:`usual_week`: an exception, a public holiday or a work week of the calendar
        or its bases applies to them."""
        out: set[date] = set()
        for cal in self.chain(key):
            out.update(self._exceptions[cal.key])
            out.update(d for d in self._holidays[cal.key] if self.lo <= d <= self.hi)
            for ww in cal.work_weeks:
                first = max(self.lo, ww.start or self.lo)
                out.update(first + timedelta(days=i) for i in range((min(self.hi, ww.end or self.hi) - first).days + 1))
        return out

    def hours(self, key: str, day: date) -> DayHours:
        """Working hours of ``day`` on calendar ``key`` (empty when non-working)."""
        chain = self.chain(key)
        for cal in chain:
            found = self._exceptions[cal.key].get(day)
            if found is not None:
                return found
        if any(day in self._holidays[cal.key] for cal in chain):
            return ()
        weekday = day.weekday()
        for cal in chain:
            for ww in cal.work_weeks:
                if ww.applies_to(day) and ww.days[weekday] is not None:
                    return ww.days[weekday]  # type: ignore[return-value]
            own = cal.week.days[weekday]
            if own is not None:
                return own
        return ()
