"""Working-time calendars (the specification; ``engine.calendars`` compiles them).

A calendar says which minutes of which days are working time:

* a work week: working hours per weekday, possibly split (09:00-13:00, 15:00-19:00);
  a weekday left as ``None`` in a derived calendar takes the base calendar's hours;
* work weeks that apply only between two dates (MS Project's ``WorkWeeks``);
* exceptions: holidays, extra working days and changed hours, optionally recurring
  (daily, weekly, monthly, yearly);
* public holidays by country and subdivision (resolved by the ``holidays`` package);
* a base calendar it derives from.

Day resolution order (most specific first): this calendar's exceptions, the base
chain's exceptions, public holidays, this calendar's dated work weeks, its default
week, then the base chain's weeks.  This follows MS Project, where a base calendar's
exceptions apply to derived calendars unless they override the day themselves.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

MINUTES_PER_DAY = 1440


@dataclass(frozen=True, slots=True, order=True)
class WorkingTime:
    """A span of working time within one day, in minutes after midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"working time {self.start}-{self.end} is not within one day")

    @property
    def minutes(self) -> int:
        """Length in minutes."""
        return self.end - self.start


DayHours = tuple[WorkingTime, ...]
"""The working spans of a day; empty means a non-working day."""


def day_hours(*spans: tuple[int, int]) -> DayHours:
    """Build day hours from ``(start, end)`` minute pairs, sorted and checked."""
    hours = tuple(sorted(WorkingTime(a, b) for a, b in spans))
    for left, right in itertools.pairwise(hours):
        if right.start < left.end:
            raise ValueError("working times overlap")
    return hours


@dataclass(frozen=True, slots=True)
class WorkWeek:
    """Working hours for Monday..Sunday (index 0..6); ``None`` inherits from the base."""

    days: tuple[DayHours | None, ...] = (None,) * 7
    name: str = ""
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("a work week has 7 days")

    def applies_to(self, day: date) -> bool:
        """Whether this (possibly dated) work week covers ``day``."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


STANDARD_HOURS: DayHours = day_hours((8 * 60, 12 * 60), (13 * 60, 17 * 60))
STANDARD_WEEK = WorkWeek((STANDARD_HOURS,) * 5 + ((), ()))
"""MS Project's Standard calendar: Mon-Fri 08:00-12:00 and 13:00-17:00."""


class Frequency(StrEnum):
    """How often a recurring exception repeats."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A recurrence rule in the shape MS Project stores it.

    Parameters
    ----------
    frequency:
        daily, weekly, monthly or yearly.
    interval:
        Every ``interval`` days / weeks / months (yearly rules ignore it).
    weekdays:
        For weekly rules: the weekdays (0 = Monday).
    day:
        For monthly/yearly rules by date: day of the month (1-31; in a shorter month
        the rule falls on its last day, as in MS Project).
    week_of_month, weekday:
        For monthly/yearly rules by position: e.g. the 2nd (``2``) Tuesday (``1``);
        ``5`` means the last.
    month:
        For yearly rules: 1-12.
    until, count:
        End of the recurrence (inclusive) or number of occurrences.
    week_start:
        First day of the week (0 = Monday) for weekly rules with an interval: "every
        2 weeks" counts whole weeks from the week of the first date.  MS Project files
        say which day their weeks start (usually Sunday).
    """

    frequency: Frequency
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    day: int | None = None
    week_of_month: int | None = None
    weekday: int | None = None
    month: int | None = None
    until: date | None = None
    count: int | None = None
    week_start: int = 0


@dataclass(frozen=True, slots=True)
class CalendarException:
    """A change to the normal week between ``start`` and ``end`` (inclusive).

    Empty ``hours`` means non-working (a holiday); otherwise the days are working with
    these hours.  With a ``recurrence``, ``start`` is the first occurrence and each
    occurrence lasts one day.
    """

    start: date
    end: date
    hours: DayHours = ()
    name: str = ""
    recurrence: Recurrence | None = None

    @property
    def working(self) -> bool:
        """Whether the exception makes the days working."""
        return bool(self.hours)


@dataclass(frozen=True, slots=True)
class HolidaySource:
    """Public holidays of a country (ISO 3166 code) and optional subdivision."""

    country: str
    subdivision: str | None = None


@dataclass(frozen=True, slots=True)
class Calendar:
    """A named working-time calendar, possibly derived from a ``base`` calendar."""

    key: str
    name: str = ""
    base: str | None = None
    week: WorkWeek = field(default_factory=WorkWeek)
    work_weeks: tuple[WorkWeek, ...] = ()
    exceptions: tuple[CalendarException, ...] = ()
    holidays: tuple[HolidaySource, ...] = ()


def standard_calendar(key: str = "standard") -> Calendar:
    """MS Project's Standard calendar (Mon-Fri 08-12, 13-17)."""
    return Calendar(key=key, name="Standard", week=STANDARD_WEEK)


def builtin_calendars() -> dict[str, Calendar]:
    """MS Project's three base calendars, available in every plan by key.

    ``standard``: Mon-Fri 08:00-12:00, 13:00-17:00.  ``24h``: every minute.
    ``night``: MS Project's Night Shift, Mon 23:00 to Sat 08:00 with a 03:00-04:00 break.
    """
    night_mid = day_hours((0, 180), (240, 480), (1380, 1440))
    night = WorkWeek(
        (day_hours((1380, 1440)), night_mid, night_mid, night_mid, night_mid, day_hours((0, 180), (240, 480)), ())
    )
    return {
        "standard": standard_calendar(),
        "24h": Calendar("24h", "24 Hours", week=WorkWeek((day_hours((0, MINUTES_PER_DAY)),) * 7)),
        "night": Calendar("night", "Night Shift", week=night),
    }
