"""Small text notations of the plan file: working hours, weekdays, dates, holidays."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from milepost.domain.calendar import DayHours, HolidaySource, day_hours
from milepost.domain.calendar_rules import holiday_subdivisions

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
HOURS_PATTERN = r"^(off|(\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})(\s*,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})*)$"
_DAY = "(mon|tue|wed|thu|fri|sat|sun)"
DAYS_PATTERN = rf"^{_DAY}(-{_DAY})?(\s*,\s*{_DAY}(-{_DAY})?)*$"


def parse_hours(value: object) -> DayHours:
    """``09:00-13:00, 14:00-18:00`` -> day hours; ``off``/``false`` -> non-working.

    ``24:00`` may end a span.  Raises ``ValueError`` saying what was expected.
    """
    if value is False or (isinstance(value, str) and value.strip().lower() in ("off", "", "none")):
        return ()
    if not isinstance(value, str):
        raise ValueError(f"expected working hours such as '09:00-13:00, 14:00-18:00' or 'off', got {value!r}")
    spans: list[tuple[int, int]] = []
    for part in value.split(","):
        m = _HOURS.match(part)
        if not m:
            raise ValueError(f"'{part.strip()}' is not a span of hours such as 09:00-17:00")
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        a, b = h1 * 60 + m1, h2 * 60 + m2
        if m1 < 60 and m2 < 60 and b < a <= 1440:
            start, end = part.strip().split("-")
            raise ValueError(
                f"'{part.strip()}' runs past midnight; split a night span at midnight: "
                f"{start.strip()}-24:00 on one day and 00:00-{end.strip()} on the next"
            )
        if m1 >= 60 or m2 >= 60 or a >= b or b > 1440:
            raise ValueError(f"'{part.strip()}' is not a span within one day (start before end, at most 24:00)")
        spans.append((a, b))
    try:
        return day_hours(*spans)
    except ValueError as exc:
        raise ValueError(f"'{value}': {exc}") from None


def format_hours(hours: DayHours) -> str:
    """Day hours back to ``09:00-13:00, 14:00-18:00`` (or ``off``)."""
    if not hours:
        return "off"
    return ", ".join(f"{_hm(s.start)}-{_hm(s.end)}" for s in hours)


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_weekdays(spec: str) -> list[int]:
    """``mon-fri``, ``sat``, ``mon,wed,fri`` -> weekday indexes (0 = Monday)."""
    out: list[int] = []
    for part in str(spec).lower().replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(e not in WEEKDAYS for e in ends):
            raise ValueError(f"'{spec}' is not a weekday or range such as mon-fri, sat, or mon,wed")
        a, b = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
        if b < a:
            wrap = f"{ends[0]}-sun" if a < 6 else "sun"
            wrap += ", " + ("mon" if b == 0 else f"mon-{ends[-1]}")
            raise ValueError(f"'{part}': a range runs from Monday to Sunday, so write '{wrap}'")
        out += range(a, b + 1)
    return out


def weekday_name(index: int) -> str:
    """0 -> ``mon``."""
    return WEEKDAYS[index]


def group_weekdays(days: list[int]) -> str:
    """[0,1,2,3,4] -> ``mon-fri``; [0,2] -> ``mon,wed``."""
    parts: list[str] = []
    run: list[int] = []
    for d in [*sorted(days), 99]:
        if run and d != run[-1] + 1:
            parts.append(WEEKDAYS[run[0]] if len(run) == 1 else f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}")
            run = []
        run.append(d)
    return ",".join(parts)


MOMENT_PATTERN = r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?\s*$"
"""A date (2027-03-05) or local date-time (2027-03-05 14:00, seconds allowed)."""
_MOMENT = re.compile(MOMENT_PATTERN)
_WITH_OFFSET = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)\s*$", re.I)
OFFSET_MESSAGE = "write local times without a UTC offset (the project has a time zone)"


FIRST_YEAR, LAST_YEAR = 1900, 2199
"""Dates a plan may hold: far wider than any project, narrow enough for calendar arithmetic."""


def parse_moment(value: object) -> date | datetime:
    """A date or local date-time written as text (or given as one); raises ``ValueError``."""
    found = _parse_moment(value)
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise ValueError(f"'{value}' is outside the years {FIRST_YEAR}-{LAST_YEAR} a plan can hold")
    return found


def _parse_moment(value: object) -> date | datetime:
    if isinstance(value, str):
        text = value.strip()
        if not _MOMENT.match(text):
            if _WITH_OFFSET.match(text):
                raise ValueError(f"'{text}': {OFFSET_MESSAGE}")
            raise ValueError(f"'{value}' is not a date (2027-03-05) or local date-time (2027-03-05 14:00)")
        try:
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{value}' is not a date (2027-03-05) or local date-time (2027-03-05 14:00)") from None
    if isinstance(value, datetime) and value.tzinfo is not None:
        raise ValueError(f"'{value.isoformat()}': {OFFSET_MESSAGE}")
    if isinstance(value, date):
        return value
    raise ValueError(f"{value!r} is not a date (2027-03-05) or local date-time (2027-03-05 14:00)")


def read_moment(value: date | datetime | str, *, end_of_day: bool = False) -> datetime:
    """A date or date-time from the plan file, as a naive local datetime.

    A bare date means the start of that day, or with ``end_of_day`` its end (the next
    midnight): so ``deadline: 2027-03-05`` allows work all of the 5th.
    """
    value = parse_moment(value)
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    moment = datetime.combine(value, time())
    return moment + timedelta(days=1) if end_of_day else moment


def write_moment(moment: datetime, *, end_of_day: bool = False) -> date | str:
    """Inverse of :func:`read_moment`: a bare date where that reads back the same."""
    if moment.time() == time():
        return (moment - timedelta(days=1)).date() if end_of_day else moment.date()
    return moment.strftime("%Y-%m-%d %H:%M")


def parse_holidays(spec: str) -> HolidaySource:
    """``GB``, ``GB-ENG`` or ``US-CA`` -> a holiday source (country and subdivision).

    The country and subdivision must be known to the ``holidays`` package.
    """
    country, _, sub = str(spec).strip().partition("-")
    country, sub = country.upper(), sub.upper()
    subdivisions = holiday_subdivisions(country)
    if subdivisions is None:
        raise ValueError(
            f"'{spec}': no public holidays are known for country '{country}' "
            "(use an ISO 3166 code such as GB, US, DE, FR, IN, optionally with a subdivision: GB-ENG, US-CA)"
        )
    if sub and sub not in subdivisions:
        raise ValueError(f"'{spec}': '{sub}' is not a subdivision of {country}; known: {', '.join(subdivisions)}")
    return HolidaySource(country, sub or None)


def format_holidays(src: HolidaySource) -> str:
    """A holiday source back to ``GB-ENG``."""
    return src.country + (f"-{src.subdivision}" if src.subdivision else "")
