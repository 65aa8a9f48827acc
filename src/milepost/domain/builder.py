"""A friendly way to build a valid :class:`~milepost.domain.project.Project` in Python.

Example
-------
>>> from milepost.domain.builder import ProjectBuilder
>>> b = ProjectBuilder("Launch", start="2027-01-04")
>>> b.task("design", "Design", "3d")
>>> with b.group("build", "Build"):
...     b.task("api", "API", "5d", after=["design"])
...     b.task("ui", "UI", "4d", after=["design SS +1d"])
>>> b.milestone("ship", "Ship", after=["build"])
>>> project = b.build()
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from milepost.domain.calendar import Calendar, standard_calendar
from milepost.domain.duration import ZERO, Duration, WorkUnits, parse_duration
from milepost.domain.notation import parse_link
from milepost.domain.project import (
    DEFAULT_PRIORITY,
    Anchor,
    Constraint,
    ConstraintType,
    Dependency,
    Project,
    Task,
)
from milepost.domain.validation import validate_project
from milepost.errors import InvalidInputError


def _when(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


class ProjectBuilder:
    """Collects tasks, links and calendars, then validates them all at once."""

    def __init__(
        self,
        name: str,
        *,
        start: datetime | str | None = None,
        finish: datetime | str | None = None,
        calendar: str = "standard",
        calendars: Sequence[Calendar] = (),
        timezone: str = "UTC",
        currency: str = "USD",
        units: WorkUnits | None = None,
    ) -> None:
        anchor_date = _when(start) or _when(finish)
        if anchor_date is None or (start is not None and finish is not None):
            raise InvalidInputError("a project has either a start or a finish date")
        self._project = Project(
            name=name,
            anchor_date=anchor_date,
            anchor=Anchor.START if start is not None else Anchor.FINISH,
            timezone=timezone,
            currency=currency,
            calendar=calendar,
            units=units or WorkUnits(),
            calendars=tuple(calendars) or (standard_calendar(calendar),),
        )
        self._tasks: list[Task] = []
        self._links: list[tuple[str, str]] = []
        self._parents: list[str] = []

    @property
    def units(self) -> WorkUnits:
        """The project's work units (for parsing durations)."""
        return self._project.units

    def _key(self, key: str) -> str:
        return f"{self._parents[-1]}.{key}" if self._parents else key

    def task(
        self,
        key: str,
        name: str = "",
        duration: str | Duration = ZERO,
        *,
        after: Sequence[str] = (),
        milestone: bool = False,
        deliverable: bool = False,
        priority: int = DEFAULT_PRIORITY,
        calendar: str | None = None,
        constraint: str | None = None,
        on: datetime | str | None = None,
        deadline: datetime | str | None = None,
        notes: str = "",
        external_id: str | None = None,
    ) -> str:
        """Add a task under the current group; returns its full key.

        ``after`` takes links in the notation of :mod:`milepost.domain.notation`, by
        full key.  ``constraint`` is a type name (``SNET``...) with its date in ``on``.
        """
        full = self._key(key)
        dur = parse_duration(duration, self.units) if isinstance(duration, str) else duration
        cons = Constraint(ConstraintType(constraint.upper()), _when(on)) if constraint else None
        self._tasks.append(
            Task(
                key=full,
                name=name,
                parent=self._parents[-1] if self._parents else None,
                duration=dur,
                milestone=milestone,
                deliverable=deliverable,
                priority=priority,
                calendar=calendar,
                constraint=cons,
                deadline=_when(deadline),
                notes=notes,
                external_id=external_id,
            )
        )
        self._links += [(link, full) for link in after]
        return full

    def milestone(self, key: str, name: str = "", **kwargs: object) -> str:
        """Add a zero-duration milestone."""
        return self.task(key, name, ZERO, milestone=True, **kwargs)  # type: ignore[arg-type]

    @contextmanager
    def group(self, key: str, name: str = "", **kwargs: object) -> Iterator[str]:
        """A summary task; tasks added inside the ``with`` block become its children."""
        full = self.task(key, name, **kwargs)  # type: ignore[arg-type]
        self._parents.append(full)
        try:
            yield full
        finally:
            self._parents.pop()

    def link(self, predecessor: str, successor: str, spec: str = "") -> None:
        """Add a link by full keys; ``spec`` holds an optional type and lag (``SS +2d``)."""
        self._links.append((f"{predecessor} {spec}".strip(), successor))

    def build(self) -> Project:
        """The validated project (raises :class:`InvalidInputError` listing every problem)."""
        deps = []
        for text, succ in self._links:
            note = parse_link(text, self.units)
            deps.append(Dependency(note.ref, succ, note.type, note.lag))
        project = replace(self._project, tasks=tuple(self._tasks), dependencies=tuple(deps))
        problems = validate_project(project)
        if problems:
            raise InvalidInputError(problems)
        return project
