"""Calendars of a plan file: weeks, work weeks, exceptions and holidays to domain objects."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from datetime import date

from milepost.domain.calendar import (
    Calendar,
    CalendarException,
    DayHours,
    Frequency,
    Recurrence,
    WorkWeek,
)
from milepost.io.planfile.found import Collector, Path
from milepost.io.planfile.model import CalendarModel, ExceptionModel, RecurrenceModel
from milepost.io.planfile.syntax import WEEKDAYS, parse_holidays, parse_hours, parse_weekdays


def convert_calendar(key: str, cm: CalendarModel, loc: Path, col: Collector) -> Calendar:
    """The domain calendar of one ``calendars`` entry; problems go to ``col``."""
    week = WorkWeek(_week(cm.week, (*loc, "week"), col))
    work_weeks = []
    for i, ww in enumerate(cm.work_weeks):
        wloc = (*loc, "work_weeks", i)
        if wloc in col.skip:
            continue
        if ww.to < ww.from_:
            col.add((*wloc, "to"), "invalid_range", f"'to' ({ww.to}) is before 'from' ({ww.from_})")
        work_weeks.append(WorkWeek(_week(ww.week, (*wloc, "week"), col), ww.name, ww.from_, ww.to))
    holidays = []
    specs = [cm.holidays] if isinstance(cm.holidays, str) else cm.holidays
    for i, spec in enumerate(specs):
        hloc = (*loc, "holidays") if isinstance(cm.holidays, str) else (*loc, "holidays", i)
        if hloc in col.skip:
            continue
        src = col.attempt(hloc, "invalid_holidays", functools.partial(parse_holidays, spec))
        if src is not None:
            holidays.append(src)
    exceptions = []
    for i, em in enumerate(cm.exceptions):
        eloc = (*loc, "exceptions", i)
        if eloc not in col.skip and (exc := _exception(em, eloc, col)) is not None:
            exceptions.append(exc)
    return Calendar(
        key=key,
        name=cm.name,
        base=cm.base,
        week=week,
        work_weeks=tuple(work_weeks),
        exceptions=tuple(exceptions),
        holidays=tuple(holidays),
    )


def _week(spec: Mapping[str, str | bool], loc: Path, col: Collector) -> tuple[DayHours | None, ...]:
    """Hours per weekday.  A problem with the days is in the key, so it is placed there."""
    days: list[DayHours | None] = [None] * 7
    for days_text, hours_text in spec.items():
        where = (*loc, days_text)
        idx = col.attempt(where, "invalid_weekdays", functools.partial(parse_weekdays, days_text), at_key=True)
        hours = col.attempt(where, "invalid_hours", functools.partial(parse_hours, hours_text))
        if idx is None or hours is None:
            continue
        again = [WEEKDAYS[d] for d in idx if days[d] is not None]
        if again:
            col.add(where, "duplicate_weekday", f"{', '.join(again)} given more than once in this week", at_key=True)
        for d in idx:
            days[d] = hours
    return tuple(days)


def _exception(em: ExceptionModel, loc: Path, col: Collector) -> CalendarException | None:
    hours = col.attempt((*loc, "hours"), "invalid_hours", lambda: parse_hours(em.hours))
    if em.date is not None and (em.from_ is not None or em.to is not None):
        col.add(loc, "ambiguous_exception", "give either 'date' or 'from'/'to', not both")
        return None
    start: date | None = em.date if em.date is not None else em.from_
    end: date | None = em.date if em.date is not None else (em.to or em.from_)
    if start is None or end is None:
        col.add(loc, "exception_needs_date", "an exception needs 'date', or 'from' (and optionally 'to')")
        return None
    if end < start:
        col.add((*loc, "to"), "invalid_range", f"'to' ({end}) is before 'from' ({start})")
        return None
    rec = None
    if em.repeat is not None:
        ranged = em.to is not None and em.from_ is not None and em.date is None
        rec = _recurrence(em.repeat, (*loc, "repeat"), col, ranged=ranged)
    if rec is not None and em.to is not None and em.from_ is not None and em.date is None:
        rec = dataclasses.replace(rec, until=rec.until or end)
    if hours is None:
        return None
    return CalendarException(start, end if rec is None else start, hours, em.name, rec)


def _recurrence(rm: RecurrenceModel, loc: Path, col: Collector, *, ranged: bool) -> Recurrence | None:
    freq = Frequency(rm.frequency)
    if freq is Frequency.WEEKLY and not rm.weekdays:
        col.add(loc, "recurrence_needs_weekdays", "a weekly repeat needs 'weekdays', e.g. [mon, thu]")
        return None
    if (rm.week is None) != (rm.weekday is None):
        col.add(loc, "recurrence_position", "'week' and 'weekday' go together, e.g. week: 2, weekday: tue")
        return None
    if freq is Frequency.YEARLY and rm.month is None:
        col.add(loc, "recurrence_needs_month", "a yearly repeat needs 'month' (1-12)")
        return None
    if rm.count is not None and (rm.until is not None or ranged):
        ends = "'until'" if rm.until is not None else "the range's 'to'"
        col.add(
            (*loc, "count"),
            "recurrence_end",
            f"a repeat ends either at a date or after 'count' occurrences, not both: remove 'count' or {ends}",
            at_key=True,
        )
        return None
    return Recurrence(
        frequency=freq,
        interval=rm.interval,
        weekdays=tuple(WEEKDAYS.index(d) for d in rm.weekdays),
        day=rm.day,
        week_of_month=rm.week,
        weekday=WEEKDAYS.index(rm.weekday) if rm.weekday else None,
        month=rm.month,
        until=rm.until,
        count=rm.count,
        week_start=WEEKDAYS.index(rm.week_start),
    )
