"""Durations and lags.

A duration is stored as integer minutes, with the unit it was written in (so it can be
written back the same way), whether it is *elapsed* (calendar time, ``5ed``) or
*working* time, and whether it is an estimate (``3d?``).  Converting days, weeks and
months to minutes uses the project's :class:`WorkUnits` (hours per day, days per week,
days per month), as in Microsoft Project; elapsed days are always 24 hours.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum


class TimeUnit(StrEnum):
    """Unit a duration is written in."""

    MINUTE = "m"
    HOUR = "h"
    DAY = "d"
    WEEK = "w"
    MONTH = "mo"


@dataclass(frozen=True, slots=True)
class WorkUnits:
    """How many working minutes a day, week and month hold (MS Project's options).

    Parameters
    ----------
    hours_per_day, days_per_week, days_per_month:
        Defaults are Microsoft Project's: 8 hours, 5 days, 20 days.
    """

    hours_per_day: float = 8.0
    days_per_week: float = 5.0
    days_per_month: float = 20.0

    def minutes_per(self, unit: TimeUnit, *, elapsed: bool = False) -> float:
        """Minutes in one ``unit`` (working, or elapsed when ``elapsed``)."""
        if elapsed:
            return _ELAPSED_MINUTES[unit]
        if unit is TimeUnit.MINUTE:
            return 1.0
        if unit is TimeUnit.HOUR:
            return 60.0
        day = self.hours_per_day * 60.0
        if unit is TimeUnit.DAY:
            return day
        if unit is TimeUnit.WEEK:
            return day * self.days_per_week
        return day * self.days_per_month


_ELAPSED_MINUTES = {
    TimeUnit.MINUTE: 1.0,
    TimeUnit.HOUR: 60.0,
    TimeUnit.DAY: 1440.0,
    TimeUnit.WEEK: 10080.0,
    TimeUnit.MONTH: 43200.0,  # 30 elapsed days, as in MS Project
}


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of time: integer minutes plus how it was written.

    Parameters
    ----------
    minutes:
        Length in minutes (working minutes unless ``elapsed``).  May be negative for a
        lead (negative lag).
    unit:
        Unit to display it in.
    elapsed:
        Calendar time that ignores working hours (``5ed``).
    estimated:
        Marked as an estimate (``3d?``); scheduled like any other duration.
    """

    minutes: int = 0
    unit: TimeUnit = TimeUnit.DAY
    elapsed: bool = False
    estimated: bool = False

    @classmethod
    def of(
        cls,
        amount: float,
        unit: TimeUnit = TimeUnit.DAY,
        units: WorkUnits | None = None,
        *,
        elapsed: bool = False,
        estimated: bool = False,
    ) -> Duration:
        """Build a duration from an amount in ``unit`` (rounded to whole minutes)."""
        per = (units or WorkUnits()).minutes_per(unit, elapsed=elapsed)
        return cls(round(amount * per), unit, elapsed, estimated)

    def amount(self, units: WorkUnits | None = None) -> float:
        """The duration expressed in its own unit."""
        return self.minutes / (units or WorkUnits()).minutes_per(self.unit, elapsed=self.elapsed)


ZERO = Duration(0)


@dataclass(frozen=True, slots=True)
class PercentLag:
    """A lag given as a percentage of the predecessor's duration (``+50%``)."""

    percent: float


Lag = Duration | PercentLag


_SYMBOLS = {u.value: u for u in TimeUnit}
_ALIASES = {"min": "m", "mins": "m", "hr": "h", "hrs": "h", "wk": "w", "mon": "mo"}
DURATION_UNITS = ("mins", "min", "mon", "mo", "m", "hrs", "hr", "h", "d", "wk", "w")
"""Every unit spelling :func:`parse_duration` accepts (any case), longest first."""
_DURATION = re.compile(
    rf"^\s*([+-])?\s*(\d+(?:\.\d*)?|\.\d+)\s*(e)?\s*({'|'.join(DURATION_UNITS)})?\s*(\?)?\s*$", re.IGNORECASE
)


@functools.lru_cache(maxsize=8192)
def parse_duration(text: str, units: WorkUnits | None = None, *, signed: bool = False) -> Duration:
    """Parse ``3d``, ``4.5h``, ``2w``, ``1mo``, ``30m``, elapsed ``5ed`` and estimates ``3d?``.

    A bare number means days.  Units may be in any case and spelt ``min``, ``hr``,
    ``hrs``, ``wk`` or ``mon`` too; spaces may separate the parts (``2 d``).  With
    ``signed``, a leading ``+`` or ``-`` is allowed (lags and leads).  Raises
    ``ValueError`` with what was expected.  Results are cached: a plan repeats the same
    few spellings many times.
    """
    m = _DURATION.match(text)
    if m is None or (m.group(1) and not signed):
        expect = (
            "a signed duration such as +2d, -4h or 3ed" if signed else "a duration such as 3d, 4h, 2w, 1mo, 30m or 5ed"
        )
        raise ValueError(f"'{text}' is not {expect}")
    sign = -1 if m.group(1) == "-" else 1
    suffix = (m.group(4) or "d").lower()
    unit = _SYMBOLS[_ALIASES.get(suffix, suffix)]
    return Duration.of(sign * float(m.group(2)), unit, units, elapsed=bool(m.group(3)), estimated=bool(m.group(5)))


@functools.lru_cache(maxsize=8192)
def format_duration(duration: Duration, units: WorkUnits | None = None, *, signed: bool = False) -> str:
    """Write a duration back in its own unit (``3d``, ``2.5h``, ``5ed``, ``3d?``).

    Uses the fewest decimals (up to 6) that read back to the same minutes, so the
    unit is kept even when a day is 7.5 hours.
    """
    per = (units or WorkUnits()).minutes_per(duration.unit, elapsed=duration.elapsed)
    amount = duration.minutes / per
    text = f"{amount:.6f}"
    for decimals in range(7):
        candidate = f"{amount:.{decimals}f}"
        if round(float(candidate) * per) == duration.minutes:
            text = candidate
            break
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and float(text) == 0:
        text = "0"
    if signed and not text.startswith("-"):
        text = "+" + text
    return f"{text}{'e' if duration.elapsed else ''}{duration.unit.value}{'?' if duration.estimated else ''}"


@functools.lru_cache(maxsize=8192)
def describe_minutes(minutes: int, units: WorkUnits | None = None) -> str:
    """Working minutes for people: ``2d``, ``1.5d``, ``3h``, ``45m`` (days of the project)."""
    units = units or WorkUnits()
    day = units.minutes_per(TimeUnit.DAY)
    if minutes and abs(minutes) < day:
        unit = TimeUnit.HOUR if minutes % 60 == 0 or abs(minutes) >= 60 else TimeUnit.MINUTE
    else:
        unit = TimeUnit.DAY
    return format_duration(Duration(minutes, unit), units)
