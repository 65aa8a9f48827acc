"""Money and rates: integer minor units of the project currency, never floats.

Plan files write amounts in major units (``1250.50``) and rates per hour or per day
(``85/h``, ``680/d``); :func:`parse_money` and :func:`parse_rate` turn them into
minor units (cents) and minor units per hour.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from milepost.domain.duration import TimeUnit, WorkUnits

MAX_UNITS = 1_000_000.0
"""More units than any resource or assignment can have (a team of a million): the levelling
arrays count hundredths of units in 64-bit integers."""

ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG"})


def minor_digits(currency: str) -> int:
    """Digits after the decimal point (ISO 4217): 2 for most, 0 for JPY and a few others."""
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


def parse_money(text: str | float, currency: str = "USD") -> int:
    """``1250.50`` -> 125050 minor units; raises ``ValueError`` saying what was expected."""
    raw = str(text).strip().replace(",", "").replace("_", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount of money such as 1250 or 85.50") from None
    if amount < 0 or not amount.is_finite():
        raise ValueError(f"'{text}': an amount cannot be negative")
    return int((amount * (10 ** minor_digits(currency))).to_integral_value())


def format_money(minor: int, currency: str = "USD") -> str:
    """125050 -> ``1250.50`` (shortest exact form: ``85`` rather than ``85.00``)."""
    digits = minor_digits(currency)
    amount = Decimal(minor) / (10**digits)
    text = f"{amount:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_rate(text: str | float, currency: str = "USD", units: WorkUnits | None = None) -> int:
    """``85/h`` (or ``85``) -> minor units per hour; ``680/d`` is per working day."""
    raw = str(text).strip().replace(" ", "")
    amount, _, per = raw.partition("/")
    per = per.lower() or "h"
    if per not in ("h", "d", "hr", "day", "hour"):
        raise ValueError(f"'{text}' is not a rate such as 85/h or 680/d")
    minor = parse_money(amount, currency)
    if per in ("d", "day"):
        hours = (units or WorkUnits()).minutes_per(TimeUnit.DAY) / 60
        minor = round(minor / hours)
    return minor


def format_rate(minor_per_hour: int, currency: str = "USD") -> str:
    """Minor units per hour -> ``85/h``."""
    return f"{format_money(minor_per_hour, currency)}/h"


def parse_units(text: str | float) -> float:
    """``50%`` -> 0.5; a number is a count of full-time units (``2`` = 200 %)."""
    raw = str(text).strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"'{text}' is not units such as 50%, 100% or 2 (two full-time people)")
    if value < 0:
        raise ValueError(f"'{text}': units cannot be negative")
    if value > MAX_UNITS:
        raise ValueError(f"'{text}' is more units than anyone has (at most {MAX_UNITS:,.0f})")
    return value


def format_units(value: float, *, counts: bool = True) -> str:
    """0.5 -> ``50%``; with ``counts``, a whole team of two or more as a count (``16``)."""
    if counts and value >= 2 and float(value).is_integer():
        return str(int(value))
    return f"{value * 100:g}%"
