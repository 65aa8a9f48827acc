"""The days calendar rules fall on: recurring exceptions and public holidays.

Shared by the engine (which compiles calendars) and the file writers (MS Project has no
public holidays, so they are written out day by day).  Recurrences are expanded with
``dateutil.rrule``; public holidays come from the ``holidays`` package.  These two
libraries are the only ones the domain uses (see docs/dev/architecture.md).  The
``holidays`` package is imported when a calendar first needs it (it takes tens of
milliseconds), and of its 250 countries only those asked for are loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from dateutil import rrule

from milepost.domain.calendar import CalendarException, Frequency, HolidaySource, Recurrence
from milepost.errors import InvalidInputError, Problem

_FREQ = {
    Frequency.DAILY: rrule.DAILY,
    Frequency.WEEKLY: rrule.WEEKLY,
    Frequency.MONTHLY: rrule.MONTHLY,
    Frequency.YEARLY: rrule.YEARLY,
}
_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


def occurrences(first: date, rule: Recurrence, lo: date, hi: date) -> Iterator[date]:
    """Dates of a recurring exception that fall within ``lo..hi`` (inclusive).

    ``week_of_month`` 1-4 picks the n-th weekday of the month and 5 the last one,
    as MS Project stores it.
    """
    kwargs: dict[str, object] = {
        "dtstart": datetime.combine(first, datetime.min.time()),
        "wkst": _WEEKDAYS[rule.week_start],
    }
    if rule.frequency is not Frequency.YEARLY:
        kwargs["interval"] = max(rule.interval, 1)
    if rule.count is not None:
        kwargs["count"] = rule.count
    if rule.until is not None:
        kwargs["until"] = datetime.combine(rule.until, datetime.min.time())
    if rule.frequency is Frequency.WEEKLY:
        kwargs["byweekday"] = [_WEEKDAYS[d] for d in (rule.weekdays or (first.weekday(),))]
    elif rule.frequency in (Frequency.MONTHLY, Frequency.YEARLY):
        if rule.frequency is Frequency.YEARLY:
            kwargs["bymonth"] = rule.month or first.month
        if rule.week_of_month is not None and rule.weekday is not None:
            nth = -1 if rule.week_of_month >= 5 else rule.week_of_month
            kwargs["byweekday"] = _WEEKDAYS[rule.weekday](nth)
        else:
            day = rule.day or first.day
            if day > 28:  # day 29-31 in a shorter month: its last day (as MS Project and MPXJ do)
                kwargs["bymonthday"] = tuple(range(28, day + 1))
                kwargs["bysetpos"] = -1
            else:
                kwargs["bymonthday"] = day
    rr = rrule.rrule(_FREQ[rule.frequency], **kwargs)  # type: ignore[arg-type,unused-ignore]
    start = datetime.combine(max(lo, first), datetime.min.time())
    end = datetime.combine(hi, datetime.min.time())
    for dt in rr.between(start, end, inc=True):
        yield dt.date()


def exception_days(exc: CalendarException, lo: date, hi: date) -> Iterator[date]:
    """Each day ``exc`` covers within ``lo..hi``."""
    if exc.recurrence is not None:
        yield from occurrences(exc.start, exc.recurrence, lo, hi)
        return
    day = max(exc.start, lo)
    last = min(exc.end, hi)
    while day <= last:
        yield day
        day += timedelta(days=1)


def holiday_subdivisions(country: str) -> list[str] | None:
    """The subdivision codes the ``holidays`` package knows for ``country`` (an ISO 3166
    code such as ``GB``, or an alias such as ``UK``), or ``None`` for an unknown country.

    Only that country's module is loaded (``holidays.list_supported_countries`` loads
    all of them).
    """
    import holidays as holidays_lib
    from holidays.registry import EntityLoader

    if country not in set(EntityLoader.get_country_codes()):
        return None
    return list(getattr(holidays_lib, country).subdivisions)


def public_holidays(sources: Iterable[HolidaySource], years: range, where: str) -> dict[date, str]:
    """Public holidays (date -> name; several on one day are joined with ``; ``) for the
    given countries/subdivisions and years; ``where`` is the domain path for errors."""
    out: dict[date, str] = {}
    if not sources:
        return out
    import holidays as holidays_lib

    for src in sources:
        try:
            found = holidays_lib.country_holidays(src.country, subdiv=src.subdivision, years=years)
        except (NotImplementedError, KeyError) as exc:
            raise InvalidInputError(
                Problem(
                    "unknown_holiday_region",
                    f"no public holidays known for country '{src.country}'"
                    + (f" subdivision '{src.subdivision}'" if src.subdivision else "")
                    + f" ({exc})",
                    where,
                )
            ) from None
        for day, name in found.items():
            out[day] = f"{out[day]}; {name}" if day in out and name not in out[day] else name
    return out
