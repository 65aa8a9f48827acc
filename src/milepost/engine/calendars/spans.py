"""Whole days off on a calendar between two dates (weekends, holidays, exceptions),
merged into spans: what a Gantt chart shades."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from milepost.domain.calendar import Calendar
from milepost.engine.calendars.days import DayResolver


def days_off(calendars: Mapping[str, Calendar], key: str, first: date, last: date) -> list[tuple[date, date]]:
    """Runs of days with no working time on calendar ``key``, as ``(first, last)`` inclusive."""
    resolver = DayResolver(calendars, first, last)
    spans: list[tuple[date, date]] = []
    day = first
    while day <= last:
        if not resolver.hours(key, day):
            if spans and spans[-1][1] == day - timedelta(days=1):
                spans[-1] = (spans[-1][0], day)
            else:
                spans.append((day, day))
        day += timedelta(days=1)
    return spans
