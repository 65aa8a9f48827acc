"""Turn a checked :class:`PlanModel` into a domain :class:`Project`.

Parses the notations (durations, links, hours, constraints, holidays), builds full
task keys, resolves link references by scope and collects every problem with the
field path (``loc``) where it occurred.  Where each task, link and calendar came from
is recorded (one entry each) so problems found later by domain validation map back
to the file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from milepost.domain.calendar import builtin_calendars
from milepost.domain.duration import ZERO, Duration, WorkUnits
from milepost.domain.project import (
    Anchor,
    Constraint,
    ConstraintType,
    Dependency,
    Project,
    Task,
    TaskType,
)
from milepost.domain.resource import Assignment, Request
from milepost.errors import Problem
from milepost.io.planfile.calendars import convert_calendar
from milepost.io.planfile.found import Collector, Found, Path
from milepost.io.planfile.links import Notations, resolve_links, too_long
from milepost.io.planfile.model import KEY_PATTERN, PlanModel, TaskFieldsModel, TaskModel
from milepost.io.planfile.resources import convert_assignments, convert_requests, convert_resources, progress_fields
from milepost.io.planfile.syntax import read_moment

_KEY = re.compile(KEY_PATTERN)
_PLACEHOLDER_DATE = datetime(2000, 1, 3)


@dataclass
class Places:
    """Where each task, link and calendar of the project was written."""

    tasks: dict[str, Path] = field(default_factory=dict)
    repeats: dict[str, list[Path]] = field(default_factory=dict)
    dependencies: Sequence[Dependency] = ()
    link_locs: list[Path] = field(default_factory=list)
    """Where each of ``dependencies`` was written."""
    resources: dict[str, Path] = field(default_factory=dict)
    assignments: dict[tuple[str, str], Path] = field(default_factory=dict)
    requests: dict[tuple[str, str], Path] = field(default_factory=dict)

    @cached_property
    def links(self) -> dict[tuple[str, str], list[Path]]:
        """Where each link (predecessor, successor) was written (built only when a
        problem has to be placed)."""
        out: dict[tuple[str, str], list[Path]] = {}
        for dep, loc in zip(self.dependencies, self.link_locs, strict=True):
            out.setdefault((dep.predecessor, dep.successor), []).append(loc)
        return out

    def loc_of(self, problem: Problem) -> Path:
        """The field path of a domain problem's path, such as ``tasks[a.b].calendar``.

        A task key used again is placed on each repetition in turn.
        """
        m = _DOMAIN_PATH.match(problem.path)
        if m is None:
            return ("project", "calendar") if problem.path == "project.calendar" else ()
        kind, key, attr = m.group(1), m.group(2), m.group(3)
        if kind == "calendars":
            return ("calendars", key, *([attr] if attr else []))
        if kind == "resources":
            loc = self.resources.get(key, ())
            return (*loc, attr) if attr and loc else loc
        if kind in ("assignments", "requests"):
            task, _, other = key.partition("->")
            table = self.assignments if kind == "assignments" else self.requests
            return table.get((task, other), self.tasks.get(task, ()))
        if kind == "dependencies":
            pred, _, succ = key.partition("->")
            locs = self.links.get((pred, succ), [])
            return locs[-1] if locs else self.tasks.get(succ, ())
        if problem.code == "duplicate_task" and self.repeats.get(key):
            return self.repeats[key].pop(0)
        loc = self.tasks.get(key, ())
        if attr and loc:
            return (*loc, "key" if attr == "parent" else attr)
        return loc


_DOMAIN_PATH = re.compile(r"^(tasks|calendars|dependencies|resources|assignments|requests)\[(.*)\](?:\.(\w+))?$")


@dataclass
class Conversion:
    """The project (built from what could be read), the problems, and where things are.

    ``complete`` is false when the project had to be built with a stand-in (a missing
    start date): it can be checked, but it is not the plan.
    """

    project: Project
    problems: list[Found]
    places: Places = field(default_factory=Places)
    complete: bool = True


def convert_plan(plan: PlanModel, skip: set[Path] | None = None) -> Conversion:
    """Build the domain project from a plan model, collecting every problem.

    ``skip`` lists field paths of list items to leave out (stand-ins for bad items).
    """
    col = Collector(skip)
    places = Places()
    pm = plan.project
    units = WorkUnits(pm.hours_per_day, pm.days_per_week, pm.days_per_month)
    anchor, anchor_date = _anchor(plan, col)
    _check_timezone(pm.timezone, col)
    calendars = dict(builtin_calendars())
    for key, cm in plan.calendars.items():
        if not _KEY.match(key):
            col.add(("calendars", key), "invalid_key", _key_message("calendar", key), at_key=True)
        calendars[key] = convert_calendar(key, cm, ("calendars", key), col)
    tasks: list[Task] = []
    links: list[tuple[Path, str, str]] = []
    assignments: list[Assignment] = []
    requests: list[Request] = []
    notes = Notations(units)
    _tasks(plan.tasks, None, ("tasks",), notes, col, tasks, links, places, assignments, requests)
    deps = places.dependencies = resolve_links(tasks, links, notes, col, places.link_locs)
    resources = convert_resources(plan.resources, pm.currency, units, col)
    places.resources.update({str(rm.key): ("resources", i) for i, rm in enumerate(plan.resources)})
    project = Project(
        name=pm.name,
        anchor_date=anchor_date or _PLACEHOLDER_DATE,
        anchor=anchor,
        timezone=pm.timezone,
        calendar=pm.calendar,
        currency=pm.currency,
        units=units,
        calendars=tuple(calendars.values()),
        tasks=tuple(tasks),
        dependencies=tuple(deps),
        description=pm.description,
        honor_constraints=pm.honor_constraints,
        status_date=read_moment(pm.status_date) if pm.status_date is not None else None,
        resources=tuple(resources),
        assignments=tuple(assignments),
        requests=tuple(requests),
    )
    return Conversion(project, col.problems, places, complete=anchor_date is not None)


def anchor_problem(start: object, finish: object) -> tuple[str, str] | None:
    """What is wrong with a project's ``start`` and ``finish`` (exactly one is needed): the
    field to point at and why, or ``None``."""
    if start is None and finish is None:
        return "start", "the project needs a 'start' (or a 'finish' to plan back from)"
    if start is not None and finish is not None:
        return "finish", "the project needs 'start' or 'finish', not both: it is planned forward or backward"
    return None


def _anchor(plan: PlanModel, col: Collector) -> tuple[Anchor, datetime | None]:
    pm = plan.project
    if (wrong := anchor_problem(pm.start, pm.finish)) is not None:
        col.add(("project",), "project_anchor", wrong[1])
        return Anchor.START, None
    if pm.start is not None:
        return Anchor.START, read_moment(pm.start)
    assert pm.finish is not None
    return Anchor.FINISH, read_moment(pm.finish, end_of_day=True)


def _check_timezone(name: str, col: Collector) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = _did_you_mean(name, sorted(available_timezones()))
        col.add(
            ("project", "timezone"),
            "unknown_timezone",
            f"'{name}' is not an IANA time zone such as Europe/London{hint}",
        )


def _did_you_mean(word: str, choices: list[str]) -> str:
    """``"; did you mean X, Y?"`` for close matches, else ``""``."""
    hint = difflib.get_close_matches(word, choices, n=3)
    return f"; did you mean {', '.join(hint)}?" if hint else ""


def _key_message(kind: str, key: str) -> str:
    why = " (a dot separates the keys of summary tasks in a full key)" if "." in key else ""
    return f"'{key}' is not a valid {kind} key: use letters, digits, _ and - only, no spaces{why}"


# ---------------------------------------------------------------------- tasks
def _tasks(
    models: list[TaskModel],
    parent: str | None,
    loc: Path,
    notes: Notations,
    col: Collector,
    out: list[Task],
    links: list[tuple[Path, str, str]],
    places: Places,
    assignments: list[Assignment],
    requests: list[Request],
) -> None:
    skip = col.skip
    seen = places.tasks
    key_ok = _KEY.match
    for i, tm in enumerate(models):
        tloc = (*loc, i)
        if skip and tloc in skip:
            continue
        own = tm.key
        if not key_ok(own):
            col.add((*tloc, "key"), "invalid_key", _key_message("task", own))
        key = f"{parent}.{own}" if parent else own
        if key in seen:
            places.repeats.setdefault(key, []).append(tloc)
        else:
            seen[key] = tloc
        sub = tm.tasks
        task = convert_task(tm, key, parent, (tloc, bool(sub)), notes, col)
        out.append(task if tm.id is None else replace(task, external_id=str(tm.id)))
        if tm.assign or isinstance(tm.assign, str):  # an empty text is a problem too
            for assignment, where in convert_assignments(tm, key, tloc, notes.units, col):
                assignments.append(assignment)
                places.assignments.setdefault((key, assignment.resource), where)
        if tm.needs or isinstance(tm.needs, str):
            for request, qloc in convert_requests(tm, key, tloc, col):
                requests.append(request)
                places.requests.setdefault((key, request.label), qloc)
        after = tm.after
        if isinstance(after, str):
            if not skip or (*tloc, "after") not in skip:
                links.append(((*tloc, "after"), after, key))
        elif skip:
            links += [
                ((*tloc, "after", j), text, key) for j, text in enumerate(after) if (*tloc, "after", j) not in skip
            ]
        elif after:
            links += [((*tloc, "after", j), text, key) for j, text in enumerate(after)]
        if sub:
            _tasks(sub, key, (*tloc, "tasks"), notes, col, out, links, places, assignments, requests)


def convert_task(
    tm: TaskFieldsModel,
    key: str,
    parent: str | None,
    place: tuple[Path, bool],
    notes: Notations,
    col: Collector,
) -> Task:
    """The domain task of one entry (``place``: where it is, and whether it is a summary)."""
    loc, summary = place
    duration: Duration | None = ZERO
    if tm.duration is not None:
        if summary:
            col.add(
                (*loc, "duration"),
                "summary_duration",
                "a summary task takes its duration from its subtasks; remove 'duration'",
            )
        try:  # inline rather than col.attempt: this runs for every task
            duration = notes.duration(tm.duration)
        except ValueError as exc:
            col.add((*loc, "duration"), "invalid_duration", str(exc))
            duration = None
        if duration is not None and notes.absurd(duration):
            col.add((*loc, "duration"), "absurd_duration", f"'{tm.duration}' is {too_long(duration)}")
            duration = None
    elif not summary and not tm.milestone:
        col.add(loc, "missing_duration", f"task '{key}' needs a 'duration' (e.g. 3d), or 'milestone: true'")
    if summary and tm.calendar is not None:
        col.add(
            (*loc, "calendar"),
            "summary_calendar",
            "a summary task's dates come from its subtasks; set the calendar on the subtasks",
        )
    constraint = None
    if tm.constraint is not None:
        constraint = col.attempt((*loc, "constraint"), "invalid_constraint", lambda: parse_constraint(tm.constraint))
    deadline = read_moment(tm.deadline, end_of_day=True) if tm.deadline is not None else None
    task = Task(
        key=key,
        name=tm.name,
        parent=parent,
        duration=duration or ZERO,
        milestone=tm.milestone,
        deliverable=tm.deliverable,
        priority=tm.priority,
        notes=tm.notes,
        calendar=tm.calendar if not summary else None,
        constraint=constraint,
        deadline=deadline,
        task_type=_TASK_TYPES[tm.type],
        effort_driven=tm.effort_driven,
    )
    if tm.progress is None and tm.manual is None and tm.actual_start is None and tm.actual_finish is None:
        return task
    return replace(task, **progress_fields(tm, loc, col))  # the few tasks with progress


_TASK_TYPES = {t.value: t for t in TaskType}


def parse_constraint(text: str | None) -> Constraint:
    """``ASAP``, ``ALAP`` or ``TYPE DATE`` (``SNET 2027-03-01``, ``FNLT 2027-04-30 17:00``).

    A bare date is the start of the day for start constraints and the end of the day
    for finish constraints.  The type may be written in any case.
    """
    text = text or ""
    parts = text.split(None, 1)
    names = ", ".join(c.value for c in ConstraintType)
    try:
        ctype = ConstraintType(parts[0].upper())
    except (ValueError, IndexError):
        raise ValueError(f"'{text}' is not a constraint; expected one of {names}, with a date where needed") from None
    if not ctype.needs_date:
        if len(parts) > 1:
            raise ValueError(f"{ctype.value} takes no date")
        return Constraint(ctype)
    if len(parts) < 2:
        raise ValueError(f"{ctype.value} needs a date, e.g. '{ctype.value} 2027-03-01'")
    return Constraint(ctype, read_moment(parts[1], end_of_day=ctype.on_finish))
