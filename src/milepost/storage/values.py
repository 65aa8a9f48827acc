"""Value objects stored as JSON: calendars, rate tables, availability.

Plain, stable encodings of the domain dataclasses (dates as ISO text), so a stored
project reads back equal to the one that was saved.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from milepost.domain.calendar import (
    Calendar,
    CalendarException,
    DayHours,
    Frequency,
    HolidaySource,
    Recurrence,
    WorkingTime,
    WorkWeek,
)
from milepost.domain.resource import Availability, RateChange


def _day(hours: DayHours | None) -> list[list[int]] | None:
    return None if hours is None else [[w.start, w.end] for w in hours]


def _hours(value: list[list[int]] | None) -> DayHours | None:
    return None if value is None else tuple(WorkingTime(a, b) for a, b in value)


def _week(week: WorkWeek) -> dict[str, Any]:
    return {
        "days": [_day(d) for d in week.days],
        "name": week.name,
        "start": week.start.isoformat() if week.start else None,
        "end": week.end.isoformat() if week.end else None,
    }


def _week_back(value: dict[str, Any]) -> WorkWeek:
    return WorkWeek(
        tuple(_hours(d) for d in value["days"]),
        value.get("name", ""),
        date.fromisoformat(value["start"]) if value.get("start") else None,
        date.fromisoformat(value["end"]) if value.get("end") else None,
    )


def _recurrence(r: Recurrence | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "frequency": r.frequency.value,
        "interval": r.interval,
        "weekdays": list(r.weekdays),
        "day": r.day,
        "week_of_month": r.week_of_month,
        "weekday": r.weekday,
        "month": r.month,
        "until": r.until.isoformat() if r.until else None,
        "count": r.count,
        "week_start": r.week_start,
    }


def _recurrence_back(v: dict[str, Any] | None) -> Recurrence | None:
    if v is None:
        return None
    return Recurrence(
        Frequency(v["frequency"]),
        v["interval"],
        tuple(v["weekdays"]),
        v["day"],
        v["week_of_month"],
        v["weekday"],
        v["month"],
        date.fromisoformat(v["until"]) if v["until"] else None,
        v["count"],
        v.get("week_start", 0),
    )


def calendar_to_json(cal: Calendar) -> dict[str, Any]:
    """A calendar as JSON-ready data."""
    return {
        "key": cal.key,
        "name": cal.name,
        "base": cal.base,
        "week": _week(cal.week),
        "work_weeks": [_week(w) for w in cal.work_weeks],
        "exceptions": [
            {
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "hours": _day(e.hours),
                "name": e.name,
                "recurrence": _recurrence(e.recurrence),
            }
            for e in cal.exceptions
        ],
        "holidays": [[h.country, h.subdivision] for h in cal.holidays],
    }


def calendar_from_json(v: dict[str, Any]) -> Calendar:
    """The calendar :func:`calendar_to_json` stored."""
    return Calendar(
        key=v["key"],
        name=v.get("name", ""),
        base=v.get("base"),
        week=_week_back(v["week"]),
        work_weeks=tuple(_week_back(w) for w in v.get("work_weeks", [])),
        exceptions=tuple(
            CalendarException(
                date.fromisoformat(e["start"]),
                date.fromisoformat(e["end"]),
                _hours(e["hours"]) or (),
                e.get("name", ""),
                _recurrence_back(e.get("recurrence")),
            )
            for e in v.get("exceptions", [])
        ),
        holidays=tuple(HolidaySource(c, s) for c, s in v.get("holidays", [])),
    )


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _moment_back(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def rates_to_json(rates: tuple[RateChange, ...]) -> list[Any]:
    """A rate table as JSON-ready data (money in minor units)."""
    return [[_moment(r.start), r.standard, r.overtime, r.per_use] for r in rates]


def rates_from_json(value: list[Any]) -> tuple[RateChange, ...]:
    """The rate table :func:`rates_to_json` stored."""
    return tuple(RateChange(_moment_back(s), a, b, c) for s, a, b, c in value)


def availability_to_json(periods: tuple[Availability, ...]) -> list[Any]:
    """Availability periods as JSON-ready data."""
    return [[_moment(a.start), _moment(a.end), a.units] for a in periods]


def availability_from_json(value: list[Any]) -> tuple[Availability, ...]:
    """The periods :func:`availability_to_json` stored."""
    return tuple(Availability(_moment_back(s), _moment_back(e), u) for s, e, u in value)
