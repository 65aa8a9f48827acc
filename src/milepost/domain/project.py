"""The project: tasks in a WBS tree, dependencies, constraints and calendars.

Dates in the domain are naive ``datetime`` values in the project's local wall-clock
time (``Project.timezone``); calendars are defined in that same local time.  The
engine converts them to integer minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from milepost.domain.calendar import Calendar, standard_calendar
from milepost.domain.duration import ZERO, Duration, Lag, WorkUnits
from milepost.domain.quickinit import quick_init
from milepost.domain.resource import Assignment, Request, Resource

DEFAULT_PRIORITY = 500
MAX_PRIORITY = 1000


class LinkType(StrEnum):
    """Dependency types: which end of the predecessor drives which end of the successor."""

    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"

    @property
    def from_finish(self) -> bool:
        """Whether the predecessor's finish drives the link."""
        return self in (LinkType.FS, LinkType.FF)

    @property
    def to_finish(self) -> bool:
        """Whether the link drives the successor's finish."""
        return self in (LinkType.FF, LinkType.SF)


class ConstraintType(StrEnum):
    """MS Project's constraint types."""

    ASAP = "ASAP"
    ALAP = "ALAP"
    SNET = "SNET"
    SNLT = "SNLT"
    FNET = "FNET"
    FNLT = "FNLT"
    MSO = "MSO"
    MFO = "MFO"

    @property
    def needs_date(self) -> bool:
        """Whether the constraint carries a date."""
        return self not in (ConstraintType.ASAP, ConstraintType.ALAP)

    @property
    def on_finish(self) -> bool:
        """Whether the constraint date applies to the task's finish."""
        return self in (ConstraintType.FNET, ConstraintType.FNLT, ConstraintType.MFO)


@dataclass(frozen=True, slots=True)
class Constraint:
    """A date constraint; ``date`` is ``None`` only for ASAP and ALAP."""

    type: ConstraintType = ConstraintType.ASAP
    date: datetime | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class Dependency:
    """``successor`` depends on ``predecessor`` with a link ``type`` and a ``lag``.

    A negative lag is a lead.  The lag is working time on the project calendar,
    elapsed time, or a percentage of the predecessor's duration.
    """

    predecessor: str
    successor: str
    type: LinkType = LinkType.FS
    lag: Lag = ZERO


class TaskType(StrEnum):
    """Which of duration, work and units stays fixed when another changes (MS Project)."""

    FIXED_UNITS = "fixed_units"
    FIXED_DURATION = "fixed_duration"
    FIXED_WORK = "fixed_work"


@quick_init
@dataclass(frozen=True, slots=True)
class Task:
    """A task, summary task or milestone in the WBS.

    Parameters
    ----------
    key:
        Stable, unique, dotted key such as ``design.api``.
    parent:
        Key of the summary task it belongs to, ``None`` at the top level.
    duration:
        Planned duration (ignored for summary tasks, which roll up).
    milestone:
        Shown as a milestone; milestones normally have zero duration.
    priority:
        0-1000 as in MS Project (used by levelling), default 500.
    calendar:
        Task calendar key; ``None`` uses the project calendar.
    constraint:
        Date constraint; ``None`` takes the project's default (ASAP when scheduled
        from the start, ALAP when scheduled from the finish), as in MS Project.
    deadline:
        A target finish that does not move the task but gives it negative float
        (and a diagnostic) when missed.
    manual:
        Manually scheduled (MS Project): the task keeps ``manual_start`` and
        ``manual_finish`` as given; its successors are still scheduled from it.
    percent_complete, actual_start, actual_finish:
        Progress.  An actual start fixes the start; an actual finish fixes the finish.
    task_type, effort_driven:
        How duration, work and units relate when assignments change (MS Project).
    """

    key: str
    name: str = ""
    parent: str | None = None
    duration: Duration = ZERO
    milestone: bool = False
    deliverable: bool = False
    priority: int = DEFAULT_PRIORITY
    notes: str = ""
    external_id: str | None = None
    calendar: str | None = None
    constraint: Constraint | None = None
    deadline: datetime | None = None
    manual: bool = False
    manual_start: datetime | None = None
    manual_finish: datetime | None = None
    percent_complete: int = 0
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    task_type: TaskType = TaskType.FIXED_UNITS
    effort_driven: bool = False

    @property
    def label(self) -> str:
        """Name for people, falling back to the key."""
        return self.name or self.key


class Anchor(StrEnum):
    """Whether the project is scheduled forward from its start or back from its finish."""

    START = "start"
    FINISH = "finish"


@dataclass(frozen=True)
class Project:
    """A project plan.

    ``tasks`` are in outline order (each summary task before its children).
    ``anchor_date`` is the project start (``Anchor.START``) or finish (``Anchor.FINISH``).
    ``honor_constraints`` is MS Project's "tasks will always honor their constraint
    dates": when off, links win over constraints that would pull a task earlier.
    """

    name: str
    anchor_date: datetime
    anchor: Anchor = Anchor.START
    timezone: str = "UTC"
    calendar: str = "standard"
    currency: str = "USD"
    units: WorkUnits = field(default_factory=WorkUnits)
    calendars: tuple[Calendar, ...] = field(default_factory=lambda: (standard_calendar(),))
    tasks: tuple[Task, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    description: str = ""
    honor_constraints: bool = True
    status_date: datetime | None = None
    resources: tuple[Resource, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    requests: tuple[Request, ...] = ()

    @cached_property
    def task_index(self) -> dict[str, int]:
        """Position of each task key in ``tasks``."""
        return {t.key: i for i, t in enumerate(self.tasks)}

    @cached_property
    def children(self) -> dict[str | None, tuple[str, ...]]:
        """Child keys of each task key (``None`` is the root), in outline order."""
        kids: dict[str | None, list[str]] = {}
        for t in self.tasks:
            kids.setdefault(t.parent, []).append(t.key)
        return {k: tuple(v) for k, v in kids.items()}

    @cached_property
    def link_endpoints(self) -> tuple[list[int], list[int]]:
        """Task positions of each dependency's predecessor and successor (-1 when unknown).

        Computed once and shared by validation and the engine: on a plan with 300,000
        links, looking keys up is most of what they would otherwise each do.
        """
        get = self.task_index.get
        deps = self.dependencies
        return [get(d.predecessor, -1) for d in deps], [get(d.successor, -1) for d in deps]

    @cached_property
    def resource_map(self) -> dict[str, Resource]:
        """Resources by key."""
        return {r.key: r for r in self.resources}

    @cached_property
    def calendar_map(self) -> dict[str, Calendar]:
        """Calendars by key."""
        return {c.key: c for c in self.calendars}

    def task(self, key: str) -> Task:
        """The task with ``key`` (``KeyError`` if absent)."""
        return self.tasks[self.task_index[key]]

    def is_summary(self, key: str) -> bool:
        """Whether the task has children."""
        return key in self.children

    def leaves(self) -> Iterator[Task]:
        """Tasks that are not summaries."""
        kids = self.children
        return (t for t in self.tasks if t.key not in kids)

    def ancestors(self, key: str) -> Iterator[str]:
        """Keys of the summary tasks above ``key``, nearest first."""
        parent = self.task(key).parent
        while parent is not None:
            yield parent
            parent = self.task(parent).parent

    def outline_level(self, key: str) -> int:
        """1 for top-level tasks, 2 for their children, ..."""
        return 1 + sum(1 for _ in self.ancestors(key))

    def wbs_codes(self) -> dict[str, str]:
        """Outline numbers such as ``1.2.3`` for every task."""
        codes: dict[str, str] = {}
        counters: dict[str | None, int] = {}
        for t in self.tasks:
            n = counters[t.parent] = counters.get(t.parent, 0) + 1
            codes[t.key] = f"{codes[t.parent]}.{n}" if t.parent is not None else str(n)
        return codes
