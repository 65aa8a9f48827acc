"""One plan entry on its own: a task's fields, a calendar, a resource, an assignment.

The API edits a project one entry at a time.  It reads and writes each entry with the
plan file's fields, notation and messages, so that what a person knows from plan files
holds in the API too (``duration: 3d``, ``constraint: SNET 2027-03-01``, ``units: 50%``).
Problems carry the field path inside the entry (``duration``, ``manual.start``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from milepost.domain.calendar import Calendar
from milepost.domain.duration import WorkUnits, parse_duration
from milepost.domain.money import parse_units
from milepost.domain.notation import format_link
from milepost.domain.project import Dependency, Project, Task
from milepost.domain.resource import Assignment, Resource
from milepost.errors import InvalidInputError
from milepost.io.planfile.calendars import convert_calendar
from milepost.io.planfile.convert import convert_plan, convert_task
from milepost.io.planfile.found import Collector, Path
from milepost.io.planfile.links import Notations, resolve_links
from milepost.io.planfile.model import (
    KEY_PATTERN,
    AssignmentModel,
    CalendarModel,
    PlanModel,
    ProjectModel,
    ResourceModel,
    TaskFieldsModel,
)
from milepost.io.planfile.resources import convert_resources, resource_entry
from milepost.io.planfile.scope import shortest_reference
from milepost.io.planfile.shape import entry_problems
from milepost.io.planfile.writer import calendar_entry, project_entry, task_entry

__all__ = [
    "after_text",
    "calendar_entry",
    "check_entry",
    "project_entry",
    "read_after",
    "read_assignment",
    "read_calendar",
    "read_project",
    "read_resource",
    "read_task",
    "resource_entry",
    "task_entry",
]

M = TypeVar("M", bound=BaseModel)
_KEY = re.compile(KEY_PATTERN)


def check_entry(model: type[M], data: Mapping[str, Any]) -> M:
    """``data`` checked against ``model``; raises :class:`InvalidInputError` with every problem."""
    plain = dict(data)
    try:
        return model.model_validate(plain)
    except ValidationError as exc:
        raise InvalidInputError(entry_problems(plain, exc, model)) from None


def _raise_found(col: Collector, drop: int = 0) -> None:
    """Raise the problems collected, their paths made relative to the entry."""
    if col.problems:
        problems = [replace(f.problem, path=".".join(str(p) for p in f.loc[drop:])) for f in col.problems]
        raise InvalidInputError(problems)


def _check_key(kind: str, key: str, col: Collector, loc: tuple[str | int, ...] = ("key",)) -> None:
    if not _KEY.match(key):
        col.add(loc, "invalid_key", f"'{key}' is not a valid {kind} key: use letters, digits, _ and - only")


def read_task(data: Mapping[str, Any], *, summary: bool, units: WorkUnits) -> Task:
    """A task from its fields (its own key; no parent); ``summary`` when it has subtasks."""
    tm = check_entry(TaskFieldsModel, data)
    key = str(tm.key)
    col = Collector()
    _check_key("task", key, col)
    task = convert_task(tm, key, None, ((), summary), Notations(units), col)
    _raise_found(col)
    return task


def read_project(data: Mapping[str, Any]) -> Project:
    """A project's settings (no tasks) from its ``project`` section."""
    pm = check_entry(ProjectModel, data)
    conversion = convert_plan(PlanModel(project=pm))
    found = [f for f in conversion.problems if f.loc[:1] == ("project",)] or conversion.problems
    if found:
        raise InvalidInputError([replace(f.problem, path=".".join(str(p) for p in f.loc[1:])) for f in found])
    return conversion.project


def read_calendar(key: str, data: Mapping[str, Any]) -> Calendar:
    """A calendar from its plan entry."""
    cm = check_entry(CalendarModel, data)
    col = Collector()
    _check_key("calendar", key, col)
    calendar = convert_calendar(key, cm, (), col)
    _raise_found(col)
    return calendar


def read_resource(data: Mapping[str, Any], *, currency: str, units: WorkUnits) -> Resource:
    """A resource from its plan entry."""
    rm = check_entry(ResourceModel, data)
    col = Collector()
    _check_key("resource", str(rm.key), col, ("resources", 0, "key"))
    (resource,) = convert_resources([rm], currency, units, col)
    _raise_found(col, drop=2)  # ("resources", 0, ...)
    return resource


def read_assignment(data: Mapping[str, Any], *, units: WorkUnits) -> Assignment:
    """Units, work and quantity of an assignment (its task and resource are the caller's)."""
    am = check_entry(AssignmentModel, {"resource": "?", **data})
    col = Collector()
    share: float | None = 1.0
    work, units_text, work_text = None, am.units, am.work
    if units_text is not None:
        share = col.attempt(("units",), "invalid_units", lambda: parse_units(units_text))
    if work_text is not None:
        work = col.attempt(("work",), "invalid_duration", lambda: parse_duration(work_text, units).minutes)
    _raise_found(col)
    return Assignment("?", "?", share if share is not None else 1.0, work, am.quantity, am.id)


def read_after(texts: Sequence[str], successor: str, tasks: Mapping[str, Task], units: WorkUnits) -> list[Dependency]:
    """The links of a task's ``after`` list (``design.api +2d``, ``review SS``), resolved
    from the task's place in the WBS as in a plan file; problems at ``after.N``."""
    col = Collector()
    found: list[tuple[Path, str, str]] = [(("after", i), t, successor) for i, t in enumerate(texts) if t.strip()]
    deps = resolve_links(list(tasks.values()), found, Notations(units), col)
    _raise_found(col)
    return deps


def after_text(dep: Dependency, tasks: Mapping[str, Task], units: WorkUnits) -> str:
    """One link as its successor's ``after`` entry, naming the predecessor as briefly as
    its place allows."""
    ref = shortest_reference(dep.predecessor, tasks[dep.successor].parent, tasks)
    return format_link(ref, dep.type, dep.lag, units)


def entry_fields(model: type[BaseModel], *, without: Sequence[str] = ()) -> list[str]:
    """The keys an entry of ``model`` may have (by their plan-file names)."""
    return [f.alias or n for n, f in model.model_fields.items() if (f.alias or n) not in without]
