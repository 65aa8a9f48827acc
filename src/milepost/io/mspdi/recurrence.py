"""Calendar exceptions for MSPDI: their days, their MSPDI encoding, and public holidays.

The days come from the domain's calendar rules (:mod:`milepost.domain.calendar_rules`),
the same ones the engine compiles calendars with.  :func:`as_written` gives a rule the way
:mod:`milepost.io.mspdi.calendars` reads it back from what :func:`encode` writes, so the
writer can tell whether MSPDI states a rule exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from milepost.domain.calendar import CalendarException, Frequency, HolidaySource, Recurrence
from milepost.domain.calendar_rules import occurrences, public_holidays
from milepost.domain.validation import calendar_path

MAX_OCCURRENCES = 999
"""MS Project ends a recurring exception after at most 999 occurrences."""
_CAP = date(2149, 12, 31)  # MS Project's last date

SUNDAY = 6


@dataclass(frozen=True, slots=True)
class Horizon:
    """The dates on which the written calendars must give exactly Milepost's working time."""

    start: date
    end: date


def dates_of(exc: CalendarException, horizon: Horizon | None = None) -> list[date]:
    """Days ``exc`` covers, within ``horizon`` when given.

    Without a horizon a recurrence gives at most ``MAX_OCCURRENCES + 1`` days (enough
    to tell that MS Project cannot hold it) and ends at MS Project's last date.
    """
    lo = horizon.start if horizon else date.min
    hi = horizon.end if horizon else _CAP
    if exc.recurrence is None:
        first, last = max(exc.start, lo), min(exc.end, hi)
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]
    found = itertools.takewhile(lambda d: d <= hi, (d for d in _occurrences(exc.start, exc.recurrence) if d >= lo))
    return list(found) if horizon else list(itertools.islice(found, MAX_OCCURRENCES + 1))


def _occurrences(first: date, rule: Recurrence) -> Iterable[date]:
    return occurrences(first, rule, first, _CAP)


def as_written(rule: Recurrence, first: date) -> Recurrence:
    """``rule`` as the MSPDI reader gives it back after :func:`encode` (not always equivalent)."""
    count, until = rule.count, rule.until if rule.count is None else None  # MSPDI keeps one bound
    interval = max(rule.interval, 1)
    if rule.frequency is Frequency.DAILY:
        return Recurrence(Frequency.DAILY, interval=interval, until=until, count=count)
    if rule.frequency is Frequency.WEEKLY:
        weekdays = tuple(sorted(set(rule.weekdays or (first.weekday(),))))
        return Recurrence(
            Frequency.WEEKLY, interval=interval, weekdays=weekdays, until=until, count=count, week_start=SUNDAY
        )
    month = (rule.month or first.month) if rule.frequency is Frequency.YEARLY else None
    interval = interval if rule.frequency is Frequency.MONTHLY else 1
    if rule.week_of_month is not None and rule.weekday is not None:
        position = min(max(rule.week_of_month, 1), 5)
        return Recurrence(
            rule.frequency,
            interval=interval,
            week_of_month=position,
            weekday=rule.weekday,
            month=month,
            until=until,
            count=count,
        )
    day = rule.day or first.day
    return Recurrence(rule.frequency, interval=interval, day=day, month=month, until=until, count=count)


def encode(rule: Recurrence) -> list[tuple[str, int]]:
    """MSPDI ``Exception`` fields of a rule from :func:`as_written`, in MS Project's order.

    ``Type`` 7 daily every ``Period`` days, 6 weekly (``DaysOfWeek``: 1 = Sunday ...
    64 = Saturday), 4/5 monthly by day / by position, 2/3 yearly by day / by position;
    ``Month`` 0 = January, ``MonthItem`` 3 = Sunday ... 9 = Saturday, ``MonthPosition``
    0 = first ... 4 = last.
    """
    if rule.frequency is Frequency.DAILY:
        return [("Type", 7), ("Period", rule.interval)]
    if rule.frequency is Frequency.WEEKLY:
        return [("Type", 6), ("Period", rule.interval), ("DaysOfWeek", sum(1 << ((d + 1) % 7) for d in rule.weekdays))]
    yearly = rule.frequency is Frequency.YEARLY
    head = [("Month", (rule.month or 1) - 1)] if yearly else [("Period", rule.interval)]
    if rule.week_of_month is not None and rule.weekday is not None:
        item = (rule.weekday + 1) % 7 + 3
        return [("Type", 3 if yearly else 5), *head, ("MonthItem", item), ("MonthPosition", rule.week_of_month - 1)]
    return [("Type", 2 if yearly else 4), *head, ("MonthDay", rule.day or 1)]


def holiday_names(sources: Iterable[HolidaySource], horizon: Horizon, calendar: str) -> dict[date, str]:
    """Public holidays of ``sources`` within the horizon, with their names."""
    years = range(horizon.start.year, horizon.end.year + 1)
    found = public_holidays(sources, years, calendar_path(calendar, "holidays"))
    return {day: name for day, name in found.items() if horizon.start <= day <= horizon.end}
