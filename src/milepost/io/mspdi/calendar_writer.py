"""Writing Milepost calendars as MS Project stores them in MSPDI.

MS Project is stricter than Milepost's calendar model, so some calendars are written in
an equivalent, flatter form (the working time of every day in the written range stays
the same):

* **Derived calendars.**  In MS Project only a *resource* calendar derives from a base
  calendar.  A Milepost calendar keeps its ``BaseCalendarUID`` when exactly one work
  resource uses it, no task or project uses it, nothing derives from it and no
  calendar of its chain has dated work weeks; any other derived calendar is written as
  a base calendar with the chain folded in.  Every work resource gets its own resource
  calendar, as in MS Project (MPXJ's MSPDI writer follows the same rules).
* **Public holidays** (``Calendar.holidays``) become one exception per holiday over the
  export horizon (the project's span plus a margin), except on days that an explicit
  exception of the calendar or of its bases already decides.
* **Exceptions** may not overlap in MS Project and must be sorted.  Where Milepost's
  exceptions overlap (the later one wins), the days the earlier one loses are cut out
  of it.  Recurrences without an end are closed at the horizon.  A recurrence that
  MSPDI cannot state exactly (an "every N weeks" counted in Monday weeks, a count cut
  short by an end date: MSPDI keeps one bound) is written as its occurrences within
  the horizon.
* **Work weeks** may not overlap either; overlapping or inherited work weeks are
  rewritten as consecutive, non-overlapping ones.  Every day of a work week is written
  out (a day left open takes the calendar's default week).

Recurrences are encoded exactly as :mod:`milepost.io.mspdi.calendars` reads them.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from lxml import etree

from milepost.domain.calendar import MINUTES_PER_DAY, Calendar, CalendarException, DayHours, Frequency, WorkWeek
from milepost.domain.project import Project
from milepost.domain.resource import ResourceKind
from milepost.io.mspdi.recurrence import MAX_OCCURRENCES, Horizon, as_written, dates_of, encode, holiday_names
from milepost.io.mspdi.xmlout import sub, text

FIRST_DATE = date(1984, 1, 1)
LAST_DATE = date(2049, 12, 31)
"""MS Project's date range (2007 and later): open-ended work weeks are written up to it."""

_WEEKDAYS_SUNDAY_FIRST = (6, 0, 1, 2, 3, 4, 5)  # MSPDI DayType 1..7 -> Milepost weekday


@dataclass(frozen=True)
class CalendarUids:
    """The MSPDI UIDs given to calendars (by key) and to each work resource's calendar."""

    by_key: dict[str, int]
    by_resource: dict[str, int]


def calendar_uids(project: Project) -> dict[str, int]:
    """UID of every calendar of ``project``: its position in ``project.calendars``, from 1."""
    return {c.key: i for i, c in enumerate(project.calendars, start=1)}


def kept_derived(project: Project) -> set[str]:
    """Keys of the derived calendars that can stay derived (MS Project resource calendars)."""
    cals = project.calendar_map
    bases = {c.base for c in project.calendars if c.base is not None}
    used = {t.calendar for t in project.tasks if t.calendar is not None} | {project.calendar}
    users = Counter(r.calendar for r in project.resources if r.kind is ResourceKind.WORK and r.calendar)
    return {
        c.key
        for c in project.calendars
        if c.base in cals
        and c.key not in bases
        and c.key not in used
        and users[c.key] == 1
        and not any(x.work_weeks for x in chain(c, cals))
    }


def chain(cal: Calendar, cals: dict[str, Calendar]) -> list[Calendar]:
    """The calendar and its bases, nearest first."""
    out = [cal]
    while out[-1].base is not None and out[-1].base in cals and len(out) <= len(cals):
        out.append(cals[out[-1].base])
    return out


def write_calendars(root: etree._Element, project: Project, horizon: Horizon) -> CalendarUids:
    """Add ``<Calendars>`` to ``root``: base calendars, then resource calendars."""
    cals = project.calendar_map
    uids = calendar_uids(project)
    derived = kept_derived(project)
    container = sub(root, "Calendars")
    for cal in project.calendars:
        if cal.key not in derived:
            _write_calendar(container, cal, chain(cal, cals), uids, horizon, derived=False)
    for cal in project.calendars:
        if cal.key in derived:
            _write_calendar(container, cal, chain(cal, cals), uids, horizon, derived=True)
    by_resource: dict[str, int] = {}
    next_uid = len(uids) + 1
    for res in project.resources:
        if res.kind is not ResourceKind.WORK:
            continue
        key = res.calendar if res.calendar in cals else project.calendar
        if key in derived:
            by_resource[res.key] = uids[key]
            continue
        el = sub(container, "Calendar")  # the resource's own calendar, with nothing changed
        sub(el, "UID", next_uid)
        sub(el, "Name", text(res.title))
        sub(el, "IsBaseCalendar", False)
        sub(el, "IsBaselineCalendar", False)
        sub(el, "BaseCalendarUID", uids[key])
        by_resource[res.key] = next_uid
        next_uid += 1
    return CalendarUids(uids, by_resource)


def _write_calendar(
    container: etree._Element,
    cal: Calendar,
    links: list[Calendar],
    uids: dict[str, int],
    horizon: Horizon,
    *,
    derived: bool,
) -> None:
    el = sub(container, "Calendar")
    sub(el, "UID", uids[cal.key])
    sub(el, "Name", text(cal.name or cal.key))
    sub(el, "IsBaseCalendar", not derived)
    sub(el, "IsBaselineCalendar", False)
    sub(el, "BaseCalendarUID", uids[links[1].key] if derived else -1)
    if derived or len(links) == 1:
        days: Sequence[DayHours | None] = cal.week.days if derived else [d or () for d in cal.week.days]
        weeks = _own_work_weeks(cal) if _separate(cal.work_weeks) else _folded_work_weeks(links)
        own, inherited = [cal], links[1:]
        sources = cal.holidays
    else:  # a derived calendar MS Project would not accept: fold its chain in
        days = [_resolve(links, w, None) for w in range(7)]
        weeks = _folded_work_weeks(links)
        own, inherited = links, []
        sources = tuple(s for c in links for s in c.holidays)
    if any(d is not None for d in days):  # MS Project 2007 refuses an empty <WeekDays/>
        _write_week_days(sub(el, "WeekDays"), days)
    exceptions = effective_exceptions(own, inherited, holiday_names(sources, horizon, cal.key), horizon)
    if exceptions:
        box = sub(el, "Exceptions")
        for exc in exceptions:
            _write_exception(box, exc)
    if weeks:
        box = sub(el, "WorkWeeks")
        for ww in weeks:
            w = sub(box, "WorkWeek")
            period = sub(w, "TimePeriod")
            sub(period, "FromDate", f"{ww.start or FIRST_DATE}T00:00:00")
            sub(period, "ToDate", f"{ww.end or LAST_DATE}T23:59:00")
            if ww.name:
                sub(w, "Name", text(ww.name))
            _write_week_days(sub(w, "WeekDays"), ww.days)


def _write_week_days(parent: etree._Element, days: Sequence[DayHours | None]) -> None:
    for daytype, weekday in enumerate(_WEEKDAYS_SUNDAY_FIRST, start=1):
        hours = days[weekday]
        if hours is None:
            continue  # inherited from the base calendar (or the default week)
        day = sub(parent, "WeekDay")
        sub(day, "DayType", daytype)
        sub(day, "DayWorking", bool(hours))
        _write_hours(day, hours)


def _write_hours(parent: etree._Element, hours: DayHours) -> None:
    if not hours:
        return
    box = sub(parent, "WorkingTimes")
    for span in hours:
        wt = sub(box, "WorkingTime")
        sub(wt, "FromTime", _clock(span.start))
        sub(wt, "ToTime", _clock(span.end))


def _clock(minutes: int) -> str:
    minutes %= MINUTES_PER_DAY  # the end of the day is written 00:00, as MS Project does
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _write_exception(box: etree._Element, exc: CalendarException) -> None:
    rule = exc.recurrence
    days = dates_of(exc)
    ex = sub(box, "Exception")
    sub(ex, "EnteredByOccurrences", rule is not None and rule.count is not None)
    period = sub(ex, "TimePeriod")
    sub(period, "FromDate", f"{exc.start}T00:00:00")
    sub(period, "ToDate", f"{exc.end if rule is None else days[-1]}T23:59:00")  # the last occurrence
    sub(ex, "Occurrences", len(days))
    if exc.name:
        sub(ex, "Name", text(exc.name))
    if rule is None:
        sub(ex, "Type", 1)  # every day of the range
    else:
        for tag, value in encode(rule):
            sub(ex, tag, value)
    sub(ex, "DayWorking", exc.working)
    _write_hours(ex, exc.hours)


def effective_exceptions(
    own: Sequence[Calendar], inherited: Sequence[Calendar], holidays: dict[date, str], horizon: Horizon
) -> list[CalendarException]:
    """The exceptions to write for a calendar, sorted and without overlaps.

    ``own`` are the calendars whose exceptions are written here (the calendar, or its
    whole chain when folded), nearest first; within a calendar a later exception wins.
    ``inherited`` are base calendars whose exceptions MS Project applies anyway: their
    days are not given public holidays.  Holidays go on the days nothing else decides.
    """
    claimed: set[date] = set()
    out: list[CalendarException] = []
    for cal in own:
        for exc in reversed(cal.exceptions):
            days = set(dates_of(exc, horizon))
            form = exact_form(exc, horizon)
            if form is not None and not days & claimed:
                out.append(form)
            else:
                out += _runs(sorted(days - claimed), exc)
            claimed |= days
    for cal in inherited:
        for exc in cal.exceptions:
            claimed.update(dates_of(exc, horizon))
    for day, name in sorted(holidays.items()):
        if day not in claimed:
            out.append(CalendarException(day, day, (), name))
    out.sort(key=lambda e: (e.start, e.end))
    return out


def exact_form(exc: CalendarException, horizon: Horizon) -> CalendarException | None:
    """``exc`` as MSPDI states it exactly, or ``None`` when it must be written day by day.

    A recurrence starts at its first occurrence and ends at its last (closed at the
    horizon when it has no end); a daily recurrence on consecutive days becomes a plain
    range.
    """
    if exc.recurrence is None:
        return exc if exc.start <= exc.end else None
    rule = as_written(exc.recurrence, exc.start)
    original = exc.recurrence
    if rule.until is None and rule.count is None:
        within = dates_of(exc, horizon)
        if not within:
            return None
        rule = replace(rule, until=within[-1])
        original = replace(original, until=within[-1])
    days = dates_of(replace(exc, recurrence=rule))
    if not days or len(days) > MAX_OCCURRENCES or days != dates_of(replace(exc, recurrence=original)):
        return None
    if rule.frequency is Frequency.DAILY and rule.interval == 1:
        return CalendarException(days[0], days[-1], exc.hours, exc.name)
    # start at the first occurrence: MS Project and MPXJ count the periods of a rule from it
    form = CalendarException(days[0], days[0], exc.hours, exc.name, rule)
    return form if dates_of(form) == days else None


def _runs(days: Iterable[date], like: CalendarException) -> list[CalendarException]:
    """Consecutive days as range exceptions with the hours and name of ``like``."""
    out: list[CalendarException] = []
    for _, group in itertools.groupby(enumerate(days), key=lambda p: p[1] - timedelta(days=p[0])):
        run = [d for _, d in group]
        out.append(CalendarException(run[0], run[-1], like.hours, like.name))
    return out


def _separate(weeks: Sequence[WorkWeek]) -> bool:
    """Whether dated work weeks can be written as they are (bounded order, no overlap)."""
    spans = sorted((w.start or FIRST_DATE, w.end or LAST_DATE) for w in weeks)
    return all(a <= b for a, b in spans) and all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(spans))


def _own_work_weeks(cal: Calendar) -> list[WorkWeek]:
    """The work weeks with every day spelt out.

    A day a work week leaves open takes the calendar's default week in Milepost; MS
    Project's "use default times" and MPXJ's reading of an absent day differ, so no day
    is left absent.
    """
    weeks = sorted(cal.work_weeks, key=lambda w: w.start or FIRST_DATE)
    default = [d or () for d in cal.week.days]
    return [replace(w, days=tuple(d if d is not None else default[i] for i, d in enumerate(w.days))) for w in weeks]


def _resolve(links: Sequence[Calendar], weekday: int, day: date | None) -> DayHours:
    """Hours of a weekday through the chain (dated work weeks apply when ``day`` is given)."""
    for cal in links:
        if day is not None:
            for ww in cal.work_weeks:
                hours = ww.days[weekday]
                if hours is not None and ww.applies_to(day):
                    return hours
        own = cal.week.days[weekday]
        if own is not None:
            return own
    return ()


def _folded_work_weeks(links: Sequence[Calendar]) -> list[WorkWeek]:
    """Consecutive, non-overlapping work weeks equivalent to every dated week of the chain."""
    weeks = [ww for cal in links for ww in cal.work_weeks]
    cuts = sorted(
        {w.start for w in weeks if w.start} | {w.end + timedelta(days=1) for w in weeks if w.end} | {FIRST_DATE}
    )
    cuts = [c for c in cuts if FIRST_DATE <= c <= LAST_DATE]
    default = tuple(_resolve(links, w, None) for w in range(7))
    out: list[WorkWeek] = []
    for lo, nxt in itertools.zip_longest(cuts, cuts[1:]):
        hi = nxt - timedelta(days=1) if nxt is not None else LAST_DATE
        days = tuple(_resolve(links, w, lo) for w in range(7))
        if days == default:
            continue
        name = next((w.name for w in weeks if w.applies_to(lo) and w.name), "")
        if out and out[-1].days == days and out[-1].end == lo - timedelta(days=1) and out[-1].name == name:
            out[-1] = replace(out[-1], end=hi)
        else:
            out.append(WorkWeek(days, name, lo, hi))
    return out
