"""Resources and assignments: people, equipment, materials and cost items on tasks.

Money is integer minor units (cents) of the project currency; rates are minor units
per hour of work (standard, overtime) or per use.  Units are fractions: 1.0 is one
full-time person (100 %), 0.5 half-time, 3.0 three people of a pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ResourceKind(StrEnum):
    """MS Project's resource types."""

    WORK = "work"
    """People and equipment: they work hours on a calendar."""
    MATERIAL = "material"
    """Consumables, counted in their own unit (``label``) at a unit cost."""
    COST = "cost"
    """A cost item (travel, licences) with an amount per assignment."""


LOWEST_SKILL, HIGHEST_SKILL = 1, 5
"""The range of skill levels, on people and in requests."""


@dataclass(frozen=True, slots=True)
class RateChange:
    """Cost rates from ``start`` on (``None``: from the beginning).

    ``standard`` and ``overtime`` are minor units per hour of work (for a material, per
    unit consumed); ``per_use`` is charged once per assignment.
    """

    start: datetime | None = None
    standard: int = 0
    overtime: int = 0
    per_use: int = 0


@dataclass(frozen=True, slots=True)
class Availability:
    """Maximum units available between ``start`` and ``end`` (open ends are unbounded)."""

    start: datetime | None = None
    end: datetime | None = None
    units: float = 1.0


@dataclass(frozen=True, slots=True)
class Resource:
    """A person, a piece of equipment, a material or a cost item.

    Parameters
    ----------
    key:
        Stable key such as ``alice`` or ``backend-pool``.
    kind:
        Work, material or cost.
    max_units:
        Capacity when no ``availability`` period says otherwise (1.0 = 100 %).
    calendar:
        Working time (and time off) of the resource; ``None`` uses the project calendar.
    rates:
        Cost rate table, in date order.
    skills:
        ``(skill, level)`` pairs, level 1-5.
    role:
        The team or role the resource belongs to (``backend-engineer``).
    generic:
        A placeholder for "someone with this role" rather than a named person.
    label:
        Unit of a material (``t``, ``m3``, ``licences``).
    """

    key: str
    name: str = ""
    kind: ResourceKind = ResourceKind.WORK
    max_units: float = 1.0
    availability: tuple[Availability, ...] = ()
    calendar: str | None = None
    rates: tuple[RateChange, ...] = ()
    skills: tuple[tuple[str, int], ...] = ()
    role: str | None = None
    generic: bool = False
    label: str = ""
    email: str = ""
    notes: str = ""
    external_id: str | None = None

    @property
    def title(self) -> str:
        """Name for people, falling back to the key."""
        return self.name or self.key


@dataclass(frozen=True, slots=True)
class Assignment:
    """``resource`` works on ``task`` at ``units`` (1.0 = full time).

    ``work`` is the planned work in minutes; ``None`` means duration x units, as MS
    Project computes it.  A material gives the ``quantity`` used, in its label.
    """

    task: str
    resource: str
    units: float = 1.0
    work: int | None = None
    quantity: float | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """A task asks for people by role or skill instead of by name ("2 backend engineers").

    Levelling plans against everyone qualified, then picks the people: those with the
    role (``role``), and with ``skill`` at ``level`` or above when a skill is asked.
    ``count`` is in full-time people (0.5 is half of one person's time).
    """

    task: str
    count: float = 1.0
    role: str | None = None
    skill: str | None = None
    level: int = 1

    def qualifies(self, resource: Resource) -> bool:
        """Whether ``resource`` can fill this request."""
        if resource.kind is not ResourceKind.WORK:
            return False
        if self.role is not None and resource.role != self.role:
            return False
        if self.skill is not None:
            return dict(resource.skills).get(self.skill, 0) >= self.level
        return True

    @property
    def label(self) -> str:
        """``2 backend-engineer`` or ``1 python>=4``."""
        what = self.role or ""
        if self.skill is not None:
            what = f"{what} {self.skill}>={self.level}".strip()
        return f"{self.count:g} {what}"
