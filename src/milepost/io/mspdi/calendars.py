"""MSPDI calendars: base and derived, work weeks and exceptions (2003 and 2007+ forms).

* ``WeekDays/WeekDay`` with ``DayType`` 1-7 (Sunday-Saturday) is the default week; a
  derived calendar lists only the days it changes, the rest come from its base.
* ``DayType`` 0 with a ``TimePeriod`` is an exception in Project 2002/2003 files.
* ``Exceptions/Exception`` (Project 2007+) holds exceptions, recurring ones included:
  ``Type`` 1 daily, 7 every ``Period`` days, 6 weekly (``DaysOfWeek`` bit mask, 1 =
  Sunday ... 64 = Saturday), 4 monthly on ``MonthDay``, 5 monthly on the
  ``MonthPosition``-th (0 first ... 4 last) ``MonthItem`` (3 Sunday ... 9 Saturday),
  2 yearly on ``Month`` (0 = January) / ``MonthDay``, 3 yearly by position.
  A weekly one without days falls on the weekday of its start; one without a
  ``TimePeriod`` start is skipped (noted); values out of range are problems.
  ``EnteredByOccurrences`` says whether ``Occurrences`` or the end date bounds it.
* ``WorkWeeks/WorkWeek`` are work weeks for a date range.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from milepost.domain.calendar import (
    Calendar,
    CalendarException,
    DayHours,
    Frequency,
    Recurrence,
    WorkWeek,
    day_hours,
)
from milepost.io.mspdi.xmltree import Record, Source, child, children, record

Note = Callable[[str, str], None]


@dataclass
class CalendarTable:
    """Calendars read from a file, by MSPDI UID, with the Milepost keys given to them."""

    calendars: dict[str, Calendar] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)
    base: dict[int, bool] = field(default_factory=dict)
    lines: dict[int, int] = field(default_factory=dict)
    """Line of each calendar's element, by UID."""
    source: Source | None = None
    """Where the problems of the file being read go."""


def slug(text: str, fallback: str) -> str:
    """A key from a name: ``Night Shift`` -> ``night-shift``, ``Estándar`` -> ``estandar``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    key = re.sub(r"[^a-z0-9_]+", "-", plain.strip().lower()).strip("-")
    return key or fallback


def unique(key: str, taken: Collection[str]) -> str:
    """``key``, or ``key-2``, ``key-3``... if taken."""
    if key not in taken:
        return key
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"


def read_calendars(root: etree._Element, note: Note, source: Source | None = None) -> CalendarTable:
    """Every calendar of the file (bases resolved to Milepost keys); bad values go to ``source``."""
    table = CalendarTable(source=source)
    # MS Project counts "every N weeks" in Sunday-to-Saturday weeks whatever its WeekStartDay
    # option says (Weekly 7 Sunday in calendar-recurring-exceptions-project2016-mspdi.xml)
    week_start = 6
    records: list[tuple[int, Record]] = []
    for el in children(child(root, "Calendars"), "Calendar"):
        rec = record(el, source)
        uid = rec.integer("UID", -1)
        if uid in table.keys:
            rec.problem("duplicate_uid", f"another calendar has UID {uid} (line {table.lines[uid]})", "UID")
            continue
        key = unique(slug(rec.text("Name"), f"calendar-{uid}"), table.calendars)
        table.keys[uid] = key
        table.lines[uid] = rec.line or 0
        table.calendars[key] = Calendar(key)  # placeholder to reserve the key
        table.base[uid] = rec.flag("IsBaseCalendar")
        records.append((uid, rec))
    for uid, rec in records:
        key = table.keys[uid]
        base_uid = rec.integer("BaseCalendarUID", -1)
        base = table.keys.get(base_uid) if base_uid >= 0 else None
        if base_uid >= 0 and base is None:
            note(
                "calendar_base_missing",
                f"calendar '{rec.text('Name')}' is based on calendar {base_uid}, "
                "which the file does not contain; it was imported without a base",
            )
        table.calendars[key] = _calendar(rec, key, base, note, week_start)
    return table


def _hours(element: etree._Element, source: Source | None) -> DayHours:
    spans = []
    for wt in children(child(element, "WorkingTimes"), "WorkingTime"):
        rec = record(wt, source)
        if not rec.text("FromTime") and not rec.text("ToTime"):
            continue  # an empty WorkingTime adds nothing
        start, end = rec.clock("FromTime"), rec.clock("ToTime")
        spans.append((start, end if end > start else end + 1440))  # ToTime 00:00 is midnight
    try:
        return day_hours(*spans)
    except ValueError:
        hours = ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in spans)
        record(element, source).problem(
            "invalid_working_time",
            f"working times {hours} overlap or do not fit in one day (00:00 to 24:00)",
        )
        return ()


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _week(element: etree._Element | None, source: Source | None) -> list[DayHours | None]:
    days: list[DayHours | None] = [None] * 7
    for wd in children(element, "WeekDay"):
        rec = record(wd, source)
        daytype = rec.integer("DayType", 0)
        if 1 <= daytype <= 7:
            days[(daytype - 2) % 7] = _hours(wd, source) if rec.flag("DayWorking") else ()
    return days


def _calendar(rec: Record, key: str, base: str | None, note: Note, week_start: int) -> Calendar:
    source = rec.source
    weekdays = rec.lists.get("WeekDays", [None])[0]
    days = _week(weekdays, source)
    if base is None:
        days = [d if d is not None else () for d in days]
    exceptions: list[CalendarException] = []
    exc_container = rec.lists.get("Exceptions", [None])[0]
    if exc_container is not None and len(exc_container):
        for el in children(exc_container, "Exception"):
            found = _exception(el, rec.text("Name"), note, week_start, source)
            if found is not None:
                exceptions.append(found)
    else:  # Project 2002/2003: DayType 0 entries with a time period
        for wd in children(weekdays, "WeekDay"):
            wrec = record(wd, source)
            if wrec.integer("DayType", -1) == 0:
                period = _period(wd, note, source)
                if period is not None:
                    hours = _hours(wd, source) if wrec.flag("DayWorking") else ()
                    exceptions.append(CalendarException(*period, hours))
    work_weeks = []
    for ww in children(rec.lists.get("WorkWeeks", [None])[0], "WorkWeek"):
        wrec = record(ww, source)
        period = _period(ww, note, source)
        if period is not None:
            work_weeks.append(WorkWeek(tuple(_week(child(ww, "WeekDays"), source)), wrec.text("Name"), *period))
    return Calendar(
        key=key,
        name=rec.text("Name"),
        base=base,
        week=WorkWeek(tuple(days)),
        work_weeks=tuple(work_weeks),
        exceptions=tuple(exceptions),
    )


def _period(element: etree._Element, note: Note, source: Source | None) -> tuple[date, date] | None:
    """``TimePeriod`` as dates; ``None`` (with a note) when it has no readable start."""
    found = child(element, "TimePeriod")
    rec = record(found, source) if found is not None else None
    start = rec.moment("FromDate") if rec is not None else None
    if rec is None or start is None:
        if rec is None or not rec.text("FromDate"):
            note("calendar_period_missing", "calendar exceptions and work weeks without a start date were skipped")
        return None
    end = rec.moment("ToDate") or start
    return start.date(), max(start, end).date()


_POSITIONS = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}


def _exception(
    el: etree._Element, calendar: str, note: Note, week_start: int, source: Source | None
) -> CalendarException | None:
    rec = record(el, source)
    period = _period(el, note, source)
    if period is None:
        return None
    start, end = period
    hours = _hours(el, source) if rec.flag("DayWorking") else ()
    name = rec.text("Name")
    kind = rec.integer("Type", 1)
    interval = max(rec.integer("Period", 1), 1)
    if kind == 1 or (kind == 7 and interval == 1):
        return CalendarException(start, end, hours, name)  # every day of the range
    bound: dict[str, object] = (
        {"count": rec.integer("Occurrences", 1, low=1, high=999)}
        if rec.flag("EnteredByOccurrences")
        else {"until": end}
    )
    if kind == 7:
        rule = Recurrence(Frequency.DAILY, interval=interval, **bound)  # type: ignore[arg-type]
    elif kind == 6:
        mask = rec.integer("DaysOfWeek", 0, low=0, high=127)
        weekdays = tuple(sorted((bit - 1) % 7 for bit in range(7) if mask & (1 << bit)))
        if not weekdays:
            note("calendar_exception_days", "weekly calendar exceptions without days repeat on the day they start")
            weekdays = (start.weekday(),)
        rule = Recurrence(
            Frequency.WEEKLY,
            interval=interval,
            weekdays=weekdays,
            week_start=week_start,
            **bound,  # type: ignore[arg-type]
        )
    elif kind in (4, 2):
        freq = Frequency.MONTHLY if kind == 4 else Frequency.YEARLY
        month = rec.integer("Month", 0, low=0, high=11) + 1 if kind == 2 else None
        day = rec.integer("MonthDay", 1, low=1, high=31)
        rule = Recurrence(freq, interval=interval, day=day, month=month, **bound)  # type: ignore[arg-type]
    elif kind in (5, 3):
        item = rec.integer("MonthItem", 3)
        if not 3 <= item <= 9:
            note(
                "calendar_exception_unsupported",
                f"calendar '{calendar}': exception '{name}' repeats on "
                "the n-th day/weekday/weekend day of a month, which Milepost does not model; it was skipped",
            )
            return None
        freq = Frequency.MONTHLY if kind == 5 else Frequency.YEARLY
        rule = Recurrence(
            freq,
            interval=interval,
            week_of_month=_POSITIONS[rec.integer("MonthPosition", 0, low=0, high=4)],
            weekday=(item - 4) % 7,
            month=rec.integer("Month", 0, low=0, high=11) + 1 if kind == 3 else None,
            **bound,  # type: ignore[arg-type]
        )
    else:
        note(
            "calendar_exception_unsupported",
            f"calendar '{calendar}': exception '{name}' has recurrence type "
            f"{kind}, which is not part of MSPDI as documented; it was skipped",
        )
        return None
    return CalendarException(start, start, hours, name, rule)
