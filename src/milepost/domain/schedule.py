"""Results of scheduling: dates, floats, the critical path and diagnostics.

A :class:`Schedule` keeps the engine's integer minutes in columns (one entry per task,
in the project's outline order) and gives friendly per-task views on demand, so a
100,000-task schedule costs no more than its numbers until someone reads it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property

from milepost.domain.project import Project


def describe_moment(moment: datetime, *, end_of_day: bool = False) -> str:
    """A date-time for messages; with ``end_of_day``, midnight reads as the end of the day before."""
    if end_of_day and moment.hour == 0 and moment.minute == 0:
        return f"{moment - timedelta(days=1):%Y-%m-%d} (end of day)"
    return f"{moment:%Y-%m-%d %H:%M}"


class Severity(StrEnum):
    """How much a diagnostic matters."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A non-fatal finding about a schedule, e.g. negative float on a task."""

    code: str
    severity: Severity
    message: str
    task: str | None = None


@dataclass(frozen=True, slots=True)
class ScheduledTask:
    """One task's scheduled dates and floats (datetimes in project local time).

    ``duration_minutes`` is working time on the task's calendar (elapsed minutes for an
    elapsed duration); floats are working minutes on the project calendar.
    """

    key: str
    name: str
    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    duration_minutes: int
    total_float_minutes: int
    free_float_minutes: int
    critical: bool
    summary: bool
    milestone: bool


@dataclass(frozen=True, slots=True)
class ScheduleColumns:
    """Per-task integer minutes since ``Schedule.origin``, in outline order."""

    start: Sequence[int]
    finish: Sequence[int]
    early_start: Sequence[int]
    early_finish: Sequence[int]
    late_start: Sequence[int]
    late_finish: Sequence[int]
    duration: Sequence[int]
    total_float: Sequence[int]
    free_float: Sequence[int]
    critical: Sequence[bool]


@dataclass(frozen=True)
class Schedule:
    """The schedule of a project.

    Attributes
    ----------
    project:
        The project that was scheduled.
    origin:
        Local datetime of minute 0.
    start, finish:
        Project start and finish in minutes.
    columns:
        Per-task numbers (see :class:`ScheduleColumns`).
    driving:
        For each task index, the indices of the predecessors that drive its dates.
    diagnostics:
        Non-fatal findings, most severe first.
    """

    project: Project
    origin: datetime
    start: int
    finish: int
    columns: ScheduleColumns
    driving: Sequence[Sequence[int]]
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    def at(self, minutes: int) -> datetime:
        """Local datetime of an engine minute."""
        return self.origin + timedelta(minutes=minutes)

    @property
    def start_date(self) -> datetime:
        """Project start (local time)."""
        return self.at(self.start)

    @property
    def finish_date(self) -> datetime:
        """Project finish (local time)."""
        return self.at(self.finish)

    def __len__(self) -> int:
        return len(self.project.tasks)

    def __iter__(self) -> Iterator[ScheduledTask]:
        return (self.task_at(i) for i in range(len(self)))

    def task(self, key: str) -> ScheduledTask:
        """The scheduled view of task ``key``."""
        return self.task_at(self.project.task_index[key])

    def task_at(self, i: int) -> ScheduledTask:
        """The scheduled view of the ``i``-th task in outline order."""
        c = self.columns
        t = self.project.tasks[i]
        return ScheduledTask(
            key=t.key,
            name=t.label,
            start=self.at(c.start[i]),
            finish=self.at(c.finish[i]),
            early_start=self.at(c.early_start[i]),
            early_finish=self.at(c.early_finish[i]),
            late_start=self.at(c.late_start[i]),
            late_finish=self.at(c.late_finish[i]),
            duration_minutes=c.duration[i],
            total_float_minutes=c.total_float[i],
            free_float_minutes=c.free_float[i],
            critical=c.critical[i],
            summary=self.project.is_summary(t.key),
            milestone=t.milestone,
        )

    def critical_tasks(self) -> list[str]:
        """Keys of the tasks with total float <= 0, in outline order."""
        return [t.key for t, crit in zip(self.project.tasks, self.columns.critical, strict=True) if crit]

    @cached_property
    def driving_path(self) -> list[str]:
        """The chain of tasks that drives the project finish, first to last.

        Starts from the task that finishes last (the one with least float on a tie) and
        follows driving predecessors back to a task that nothing drives; summary tasks
        are skipped.
        """
        tasks = self.project.tasks
        summaries = self.project.children
        leaves = [i for i, t in enumerate(tasks) if t.key not in summaries]
        if not leaves:
            return []
        finish, start, tf = self.columns.finish, self.columns.start, self.columns.total_float
        current = max(leaves, key=lambda i: (finish[i], -tf[i], start[i], i))
        chain = [current]
        seen = {current}
        while self.driving[current]:
            nxt = min(self.driving[current])
            if nxt in seen:
                break
            seen.add(nxt)
            chain.append(nxt)
            current = nxt
        return [tasks[i].key for i in reversed(chain)]
