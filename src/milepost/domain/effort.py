"""Duration, work and units: MS Project's task types.

For a task with assignments, ``work = duration x units`` for each resource.  When an
assignment states its work, which of the three gives way depends on the task type
(MS Project, "Change the task type"):

* fixed units and fixed work: the duration follows the work, ``duration = work / units``
  (the longest assignment sets the task's duration);
* fixed duration: the duration stays; the units that work implies are ``work / duration``.

*Effort-driven* (adding people shortens the task, work unchanged) is a rule for edits:
:func:`effort_driven_duration` gives the new duration when the units on a task change.
"""

from __future__ import annotations

from collections.abc import Iterable

from milepost.domain.duration import Duration
from milepost.domain.project import Task, TaskType
from milepost.domain.resource import Assignment


def effective_duration(task: Task, assignments: Iterable[Assignment]) -> Duration:
    """The duration the task is scheduled with, given its assignments (all of the task's):
    the longest of them, where one that states no work works the task's own duration."""
    if task.task_type is TaskType.FIXED_DURATION or task.duration.elapsed:
        return task.duration
    working = [a for a in assignments if a.units > 0]
    spans = [round(a.work / a.units) for a in working if a.work is not None]
    if not spans:
        return task.duration
    if len(spans) < len(working):  # someone works the task's whole duration
        spans.append(task.duration.minutes)
    return Duration(max(spans), task.duration.unit, False, task.duration.estimated)


def effort_driven_duration(task: Task, units_before: float, units_after: float) -> Duration:
    """The duration after the total units on an effort-driven task change (work kept)."""
    if not task.effort_driven or task.task_type is TaskType.FIXED_DURATION or units_after <= 0:
        return task.duration
    minutes = round(task.duration.minutes * units_before / units_after)
    return Duration(minutes, task.duration.unit, task.duration.elapsed, task.duration.estimated)
