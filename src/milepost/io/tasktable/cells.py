"""Reading one spreadsheet cell: durations, lags, dates, yes/no flags, priorities, keys.

Every reader takes the raw cell value (text from a CSV file; text, a number, a boolean
or a date-time from Excel) and returns the domain value, or raises ``ValueError`` with a
message that says what was expected.  The readers accept what people and other tools
write: ``3d``, ``3 days``, ``5 edays``, ``2 wks?``; ``2027-03-05``, ``5.3.2027``,
``3/5/2027``, ``Mon 3/1/27 8:00 AM``, ``5 Mar 2027``; yes/true/x/1.  What reads but
cannot be meant is refused with :class:`AbsurdValueError` (a ``ValueError`` with its own
code): a duration or lag of more than a century, a percentage lag beyond 100000 %, a
date outside MS Project's 1984-2149.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from dateutil import parser as dateparser

from milepost.domain.duration import Duration, PercentLag, TimeUnit, WorkUnits
from milepost.domain.project import MAX_PRIORITY

Cell = str | int | float | bool | datetime | date | time | timedelta | None
"""A raw cell value, as the CSV or Excel reader gives it (empty cells are ``None``)."""

_UNIT_WORDS = {
    TimeUnit.MINUTE: ("minutes", "minute", "mins", "min", "m"),
    TimeUnit.HOUR: ("hours", "hour", "hrs", "hr", "h"),
    TimeUnit.DAY: ("days", "day", "dys", "dy", "d"),
    TimeUnit.WEEK: ("weeks", "week", "wks", "wk", "w"),
    TimeUnit.MONTH: ("months", "month", "mons", "mon", "mo"),
}
UNIT_BY_WORD = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
"""Every spelling of a time unit, e.g. ``days`` -> ``TimeUnit.DAY``."""
_WORDS = "|".join(sorted(UNIT_BY_WORD, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"^\s*(?P<sign>[+-])?\s*(?P<num>\d+(?:[.,]\d*)?|[.,]\d+)\s*(?P<e>e)?\s*(?P<unit>{_WORDS})?\s*(?P<est>\?)?\s*$",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"^\s*(?P<sign>[+-])\s*(?P<num>\d+(?:[.,]\d*)?|[.,]\d+)\s*%\s*$")
DURATION_HINT = "a duration such as 3d, 4h, 2w, 3 days or a number of days"
MAX_YEARS = 100
"""A duration or lag longer than this many years (of work, or elapsed) is a typo, as in plan files."""
MAX_PERCENT = 100_000.0
"""A percentage lag beyond this (1000 times the predecessor) is a typo."""
FIRST_DATE = datetime(1984, 1, 1)
LAST_DATE = datetime(2149, 12, 31, 23, 59)
"""The range of dates MS Project accepts; dates outside it are typos (0207, 9999)."""


class AbsurdValueError(ValueError):
    """A value that reads but cannot be meant (more than a century of work, year 9999)."""

    def __init__(self, message: str, code: str = "absurd_duration") -> None:
        super().__init__(message)
        self.code = code


def _sized(
    number: float,
    unit: TimeUnit,
    units: WorkUnits | None,
    written: str,
    *,
    elapsed: bool = False,
    estimated: bool = False,
) -> Duration:
    """``Duration.of`` for an amount read from a cell (``written``), refusing absurd ones."""
    if math.isnan(number):
        raise ValueError(f"expected {DURATION_HINT}, got {written}")
    per = (units or WorkUnits()).minutes_per(unit, elapsed=elapsed)
    limit = MAX_YEARS * (525_960.0 if elapsed else 52 * (units or WorkUnits()).minutes_per(TimeUnit.WEEK))
    if abs(number * per) > limit:  # infinity too (400 nines)
        work = "" if elapsed else " of work"
        raise AbsurdValueError(f"{written} is more than {MAX_YEARS} years{work}; check the number and the unit")
    return Duration.of(number, unit, units, elapsed=elapsed, estimated=estimated)


def text(value: Cell) -> str:
    """The cell as text: ``3.0`` reads ``3``, dates as ISO; empty is ``""``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value).strip()


def duration(value: Cell, unit: TimeUnit = TimeUnit.DAY, units: WorkUnits | None = None) -> Duration:
    """A task duration; a bare number is in ``unit`` (days unless the header says otherwise)."""
    if isinstance(value, bool | date | time):
        raise ValueError(f"expected {DURATION_HINT}, got {_kind(value)}")
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise ValueError(f"a duration cannot be negative, got {value}")
        return _sized(value.total_seconds() / 3600, TimeUnit.HOUR, units, str(value))
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"a duration cannot be negative, got {text(value)}")
        return _sized(float(value), unit, units, f"{text(value)}{unit.value}")
    result = amount(str(value), unit, units, signed=False)
    if isinstance(result, PercentLag):  # pragma: no cover - unsigned text never reads as a percentage
        raise ValueError(f"expected {DURATION_HINT}")
    return result


def amount(
    raw: str, unit: TimeUnit = TimeUnit.DAY, units: WorkUnits | None = None, *, signed: bool
) -> Duration | PercentLag:
    """Parse ``3d``, ``2 days``, ``5ed``, ``3d?``; with ``signed`` also ``+2d``, ``-1 day``, ``+50%``."""
    if signed and (m := _PERCENT.match(raw)):
        percent = float(m["num"].replace(",", "."))
        if percent > MAX_PERCENT:
            raise AbsurdValueError(
                f"a lag of {m['num']}% is more than {MAX_PERCENT:g}% of the predecessor; check the number"
            )
        return PercentLag(-percent if m["sign"] == "-" else percent)
    m = _AMOUNT.match(raw)
    if m is not None and m["sign"] == "-" and not signed:
        raise ValueError(f"a duration cannot be negative, got '{raw.strip()}'")
    if m is None or (m["sign"] and not signed):
        hint = "a lag such as +2d, -1d, +3 days or +50%" if signed else DURATION_HINT
        raise ValueError(f"'{raw.strip()}' is not {hint}")
    if m["e"] and m["unit"] is None:
        raise ValueError(f"'{raw.strip()}': an elapsed duration needs its unit, e.g. 5ed")
    number = float(m["num"].replace(",", "."))
    if m["sign"] == "-":
        number = -number
    chosen = UNIT_BY_WORD[m["unit"].lower()] if m["unit"] else unit
    stripped = raw.strip()
    written = f"'{stripped if len(stripped) <= 20 else stripped[:17] + '...'}'"
    return _sized(number, chosen, units, written, elapsed=bool(m["e"]), estimated=bool(m["est"]))


_TRUE = {"yes", "y", "true", "x", "1", "✓", "✔", "ja", "oui", "si", "sí"}
_FALSE = {"no", "n", "false", "0", "-", "nein", "non"}


def flag(value: Cell) -> bool:
    """A yes/no cell: yes, y, true, x, 1, ✓ or no, n, false, 0, - (any case); empty is no."""
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in _TRUE:
        return True
    if word in _FALSE or not word:
        return False
    raise ValueError(f"expected yes or no (also true/false, x, 1/0), got '{word}'")


PRIORITY_WORDS = {
    "lowest": 100,
    "verylow": 200,
    "lower": 300,
    "low": 400,
    "medium": 500,
    "normal": 500,
    "high": 600,
    "higher": 700,
    "veryhigh": 800,
    "highest": 900,
    "donotlevel": 1000,
}
"""MS Project's named priorities and their numbers."""


def priority(value: Cell) -> int:
    """A priority 0-1000, or one of MS Project's names (low = 400, medium = 500, high = 600...)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        word = re.sub(r"[^a-z0-9.]", "", text(value).lower())
        if word in PRIORITY_WORDS:
            return PRIORITY_WORDS[word]
        try:
            number = float(word)
        except ValueError:
            raise ValueError(f"expected a priority 0-{MAX_PRIORITY} or low/medium/high, got '{text(value)}'") from None
    if not number.is_integer() or not 0 <= number <= MAX_PRIORITY:
        raise ValueError(f"a priority is a whole number 0-{MAX_PRIORITY}, got {text(value)}")
    return int(number)


_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")


def is_key(candidate: str) -> bool:
    """Whether ``candidate`` is a valid local task key (letters, digits, ``_`` and ``-``)."""
    return bool(_KEY.match(candidate))


def slug(name: str, *, lower: bool = True, limit: int = 40) -> str:
    """A key made from a name: ``"Design the API!"`` -> ``design-the-api`` (``""`` if nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    if lower:
        ascii_text = ascii_text.lower()
    key = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_text).strip("-_")
    if len(key) > limit:
        key = key[:limit].rsplit("-", 1)[0] if "-" in key[:limit] else key[:limit]
    return key


class DateOrder(StrEnum):
    """How to read ``3/5/2027``: month first (US) or day first."""

    MONTH_FIRST = "month/day/year"
    DAY_FIRST = "day/month/year"


_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"^(?:[A-Za-z]{2,9}\.?,?\s+)?(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})"
    r"(?:,?\s+(\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp][Mm])?)?$"
)
_MONTH_NAME = re.compile(r"[A-Za-z]{3,}")
_YEAR = re.compile(r"\b\d{4}\b")
DATE_HINT = "a date such as 2027-03-05, 2027-03-05 14:00 or 5.3.2027"


def has_offset(value: Cell) -> bool:
    """Whether the cell is an ISO date-time with a UTC offset (which is dropped when read)."""
    return isinstance(value, str) and bool((m := _ISO.match(value.strip())) and m[6])


def slash_order(value: Cell) -> DateOrder | None:
    """The order a ``a/b/yyyy`` text proves (a part above 12), else ``None``."""
    if not isinstance(value, str) or (m := _NUMERIC.match(value.strip())) is None or m[2] == ".":
        return None
    if int(m[1]) > 12:
        return DateOrder.DAY_FIRST
    if int(m[3]) > 12:
        return DateOrder.MONTH_FIRST
    return None


def moment(value: Cell, order: DateOrder = DateOrder.MONTH_FIRST, *, end_of_day: bool = False) -> datetime:
    """A date or date-time as a naive local datetime; a bare date is its start (or its end).

    ``order`` decides ``3/5/2027`` (dots always mean day first: ``5.3.2027``).  Times
    are kept to the minute; a UTC offset (``2027-03-05T08:00:00+01:00``, as the CSV
    export writes) is dropped: the time is read as the local wall-clock time.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("write local times without a UTC offset (the project has a time zone)")
        return _whole_day(_in_range(value.replace(second=0, microsecond=0)), end_of_day)
    if isinstance(value, date):
        return _whole_day(_in_range(datetime.combine(value, time())), end_of_day)
    if not isinstance(value, str):
        raise ValueError(f"expected {DATE_HINT}, got {_kind(value)} (format the cell as a date)")
    raw = value.strip()
    try:
        parsed = _parse_date_text(raw, order)
    except (ValueError, OverflowError):
        raise ValueError(f"'{raw}' is not {DATE_HINT}") from None
    return _whole_day(_in_range(parsed), end_of_day)


def _in_range(moment: datetime) -> datetime:
    if not FIRST_DATE <= moment <= LAST_DATE:
        raise AbsurdValueError(
            f"{moment:%Y-%m-%d} is outside the dates a project can use "
            f"({FIRST_DATE:%Y-%m-%d} to {LAST_DATE:%Y-%m-%d}, as in MS Project)",
            "date_out_of_range",
        )
    return moment


def _parse_date_text(raw: str, order: DateOrder) -> datetime:
    if m := _ISO.match(raw):
        return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0))
    if m := _NUMERIC.match(raw):
        a, b, year = int(m[1]), int(m[3]), int(m[4])
        day, month = (a, b) if m[2] == "." or order is DateOrder.DAY_FIRST else (b, a)
        year += 2000 if year < 100 else 0
        hour, minute = int(m[5] or 0), int(m[6] or 0)
        if m[7]:
            if not 1 <= hour <= 12:
                raise ValueError("hour")
            hour = hour % 12 + (12 if m[7].lower() == "pm" else 0)
        return datetime(year, month, day, hour, minute)
    if _MONTH_NAME.search(raw) and _YEAR.search(raw):  # 5 Mar 2027, March 5, 2027
        try:
            parsed = dateparser.parse(raw, dayfirst=order is DateOrder.DAY_FIRST)
        except OverflowError:
            raise ValueError(raw) from None
        return parsed.replace(second=0, microsecond=0, tzinfo=None)
    raise ValueError(raw)


def _whole_day(moment: datetime, end_of_day: bool) -> datetime:
    if end_of_day and moment.time() == time():
        return moment + timedelta(days=1)
    return moment


def _kind(value: Cell) -> str:
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, datetime | date):
        return f"a date ({text(value) if isinstance(value, datetime) else value.isoformat()})"
    if isinstance(value, time | timedelta):
        return f"a time ({value})"
    return f"the number {text(value)}"
