"""The short text notation for links, shared by the plan file, the builder and the CLI.

A link is written ``KEY [TYPE] [LAG]``, e.g. ``design.api``, ``review SS``,
``build FF -1d``, ``spec SS +50%`` or ``pour +3ed``: the predecessor's key, an
optional type (FS when omitted) and an optional signed lag (working time, elapsed
time with ``e``, or a percentage of the predecessor's duration).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from milepost.domain.duration import (
    ZERO,
    Lag,
    PercentLag,
    WorkUnits,
    format_duration,
    parse_duration,
)
from milepost.domain.project import LinkType

_TYPES = {t.value: t for t in LinkType}
MAX_LAG_PERCENT = 100_000.0
"""A larger lag in percent of the predecessor's duration is a typo (the MS Project XML and
task-table readers refuse the same)."""
_UNFINISHED_LAG = re.compile(r"^[+-]?\d*\.?\d*$")  # a sign and/or a number without its unit yet


@dataclass(frozen=True, slots=True)
class LinkNotation:
    """A parsed link: the predecessor reference, type and lag."""

    ref: str
    type: LinkType = LinkType.FS
    lag: Lag = ZERO


def parse_link(text: str, units: WorkUnits | None = None) -> LinkNotation:
    """Parse ``KEY [TYPE] [LAG]``; raises ``ValueError`` saying what was expected."""
    if " " not in text and text:
        return LinkNotation(text)  # the common case: a plain finish-to-start link
    parts = text.split()
    if not parts:
        raise ValueError("a link needs the key of the task it follows, e.g. 'design.api' or 'review SS +2d'")
    ref, rest = parts[0], parts[1:]
    ltype = LinkType.FS
    lag: Lag = ZERO
    if rest and rest[0].upper() in _TYPES:
        ltype = _TYPES[rest.pop(0).upper()]
    if rest:
        if rest[0][:1] not in "+-":
            raise ValueError(
                f"in link '{text}': expected a link type (FS, SS, FF, SF) or a signed lag such as +2d, got '{rest[0]}'"
            )
        lag_text = rest.pop(0)
        while rest and _UNFINISHED_LAG.match(lag_text):  # "+ 2d", "+2 d", "+50 %"
            lag_text += rest.pop(0)
        if rest:
            words = ", ".join(f"'{w}'" for w in rest)
            raise ValueError(
                f"in link '{text}': unexpected {'word' if len(rest) == 1 else 'words'} {words} after the lag; "
                "a link is 'KEY [TYPE] [LAG]', e.g. 'design SS +2d'"
            )
        lag = _lag(f"in link '{text}': ", lag_text, units)
    return LinkNotation(ref, ltype, lag)


def parse_lag(text: str, units: WorkUnits | None = None) -> Lag:
    """A lag on its own: ``+2d``, ``-1d`` (a lead), ``3ed``, ``+50%``; ``0`` or empty for none."""
    text = text.strip()
    if text in ("", "0"):
        return ZERO
    signed = text if text[:1] in "+-" else f"+{text}"
    return _lag("", signed, units)


def format_lag(lag: Lag, units: WorkUnits | None = None) -> str:
    """A lag in the notation (``0`` for none)."""
    if isinstance(lag, PercentLag):
        return f"{lag.percent:+g}%"
    return format_duration(lag, units, signed=True) if lag.minutes else "0"


def _lag(where: str, lag_text: str, units: WorkUnits | None) -> Lag:
    if lag_text.endswith("%"):
        try:
            percent = float(lag_text[:-1])
        except ValueError:
            percent = math.nan
        if not math.isfinite(percent):
            raise ValueError(f"{where}'{lag_text}' is not a percentage such as +50%")
        if abs(percent) > MAX_LAG_PERCENT:
            raise ValueError(f"{where}a lag of {lag_text} is more than {MAX_LAG_PERCENT:g}% of the predecessor")
        return PercentLag(percent)
    try:
        return parse_duration(lag_text, units, signed=True)
    except ValueError as exc:
        raise ValueError(f"{where}{exc}") from None


def format_link(ref: str, ltype: LinkType, lag: Lag, units: WorkUnits | None = None) -> str:
    """Write a link back in the notation (type and lag only when not the defaults)."""
    parts = [ref]
    if ltype is not LinkType.FS:
        parts.append(ltype.value)
    if isinstance(lag, PercentLag) or lag.minutes:
        parts.append(format_lag(lag, units))
    return " ".join(parts)
