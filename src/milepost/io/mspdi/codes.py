"""MSPDI's numeric codes and ISO 8601 durations, and what they mean in Milepost.

Sources: Microsoft's *Project XML Data Interchange schema reference* (mspdi_pj12.xsd)
and the files in ``../shared/data/mspdi`` (see its README).
"""

from __future__ import annotations

import re
from datetime import datetime

from milepost.domain.duration import TimeUnit
from milepost.domain.project import ConstraintType, LinkType, TaskType
from milepost.domain.resource import ResourceKind

LINK_TYPES = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
LINK_CODES = {v: k for k, v in LINK_TYPES.items()}

CONSTRAINTS = {
    0: ConstraintType.ASAP,
    1: ConstraintType.ALAP,
    2: ConstraintType.MSO,
    3: ConstraintType.MFO,
    4: ConstraintType.SNET,
    5: ConstraintType.SNLT,
    6: ConstraintType.FNET,
    7: ConstraintType.FNLT,
}
CONSTRAINT_CODES = {v: k for k, v in CONSTRAINTS.items()}

TASK_TYPES = {0: TaskType.FIXED_UNITS, 1: TaskType.FIXED_DURATION, 2: TaskType.FIXED_WORK}
TASK_TYPE_CODES = {v: k for k, v in TASK_TYPES.items()}

RESOURCE_KINDS = {0: ResourceKind.MATERIAL, 1: ResourceKind.WORK, 2: ResourceKind.COST}
RESOURCE_KIND_CODES = {v: k for k, v in RESOURCE_KINDS.items()}

# DurationFormat / LagFormat: unit and elapsed flag; +32 marks an estimate (35 = 3 + 32).
FORMATS: dict[int, tuple[TimeUnit, bool]] = {
    3: (TimeUnit.MINUTE, False),
    4: (TimeUnit.MINUTE, True),
    5: (TimeUnit.HOUR, False),
    6: (TimeUnit.HOUR, True),
    7: (TimeUnit.DAY, False),
    8: (TimeUnit.DAY, True),
    9: (TimeUnit.WEEK, False),
    10: (TimeUnit.WEEK, True),
    11: (TimeUnit.MONTH, False),
    12: (TimeUnit.MONTH, True),
}
PERCENT_FORMATS = {19: False, 20: True}  # percentage lag (elapsed for 20)
FORMAT_CODES = {v: k for k, v in FORMATS.items()}
ESTIMATED = 32

_ISO = re.compile(r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_iso_duration(text: str) -> int:
    """``PT8H0M0S`` -> 480 minutes (MSPDI durations; Y/M/D parts are clock days of 24 h)."""
    m = _ISO.match(text.strip())
    if m is None:
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as PT8H0M0S")
    sign, years, months, days, hours, minutes, seconds = m.groups()
    total = (int(years or 0) * 365 + int(months or 0) * 30 + int(days or 0)) * 1440
    total += int(hours or 0) * 60 + int(minutes or 0) + round(float(seconds or 0) / 60)
    return -total if sign else total


def format_iso_duration(minutes: int) -> str:
    """480 -> ``PT8H0M0S``."""
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}PT{minutes // 60}H{minutes % 60}M0S"


def parse_datetime(text: str) -> datetime:
    """MSPDI date-times are local (no offset): ``2006-09-21T08:00:00``."""
    value = datetime.fromisoformat(text.strip())
    return value.replace(tzinfo=None, second=0, microsecond=0)


def format_datetime(moment: datetime) -> str:
    """A local datetime in MSPDI's form."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
