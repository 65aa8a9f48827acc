"""Write a Milepost project as a TaskJuggler 3 project file (``.tjp``), for comparisons.

Only what the comparison networks use is supported, and anything else is refused
rather than approximated:

* one calendar, the project calendar: its work week becomes the global
  ``workinghours``, its public holidays (from the same ``holidays`` package the engine
  uses, for every year of the project period) and non-working exceptions become
  global ``leaves holiday`` entries;
* leaf tasks with a working-time duration become tasks with ``length`` (working time
  on the global working hours and leaves, like a Milepost duration on the project
  calendar); zero-length tasks become milestones; summaries become enclosing tasks;
* FS links with a non-negative working-time lag become ``depends`` with
  ``gaplength``.  TaskJuggler's ``depends`` always drives the successor's start
  (``onstart`` on the reference gives SS), and ``precedes`` makes a task ALAP, so FF
  and SF links, leads (negative lags), elapsed or percentage lags, constraints and
  task calendars are refused with ``ValueError``.

Task IDs are the last part of each Milepost key, so a task's full TaskJuggler ID
(``wp0.t3``) equals its Milepost key when keys are dotted paths of their parents.

Work resources and assignments (the levelling comparison).  TaskJuggler books a
resource for a whole time slot (here one hour) to one task at a time, and only
*effort* tasks wait for their resources: a ``length`` task books what it finds free
and never moves (``TaskScenario#scheduleSlot`` in tj3 3.7).  So a leaf task with
assignments becomes an effort task that runs for its duration when its resources are
free all along:

* a resource with ``max_units`` m becomes m leaf resources (``r4``, or ``r4_1`` ...
  ``r4_3`` inside a group ``r4``), and an assignment to it becomes
  ``allocate r4_1 { alternative r4_2, r4_3 mandatory }``: one member per slot,
  whichever is free; ``mandatory`` makes the task book a slot only when every one of
  its resources is free then;
* ``effort`` = duration x units x assignments (resource-hours), and for units below 1
  a task limit ``limits { dailymax H }`` with H = 8 h x units x assignments, so the
  task books each resource for ``units`` of each working day and takes its duration.

What remains different: TaskJuggler may interrupt a task (it books the free slots it
finds, so a task can pause while its resources serve others) where Milepost never
splits a task, and a task below 100 % works the first hours of each day (a 50 % task
works 8:00-12:00) and so ends at midday of its last day, where Milepost ends it at the
end of the day.  Only one units value per task, units of at most 1 (one member of a
pool), whole ``max_units`` and resources without calendars or availability periods
are supported.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import holidays as holidays_lib

from milepost.domain.calendar import Calendar, DayHours
from milepost.domain.duration import Lag, PercentLag
from milepost.domain.project import LinkType, Project, Task
from milepost.domain.resource import Assignment, Resource, ResourceKind

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def project_to_tjp(project: Project, end: date, *, report: str | None = None) -> str:
    """The ``.tjp`` text for ``project``, scheduled within ``anchor_date .. end``.

    ``end`` must be late enough for every task (TaskJuggler refuses tasks that end
    after the project period).  With ``report``, a CSV task report of that name is
    added, listing every task's ID, start and end (``%Y-%m-%d %H:%M``).
    """
    if project.anchor.value != "start":
        raise ValueError("only start-anchored projects are supported")
    calendar = project.calendar_map[project.calendar]
    start = project.anchor_date
    hours_per_day = project.units.hours_per_day
    lines = [
        f'project {_id(project.name, "p")} "{_text(project.name)}" {_moment(start)} - {end.isoformat()} {{',
        f'  timezone "{project.timezone}"',
        "  timingresolution 60min",
        f"  dailyworkinghours {hours_per_day:g}",
        *(f"  workinghours {day} {_hours(h)}" for day, h in _week(calendar)),
        "}",
        "",
    ]
    lines += [
        f'leaves holiday "{_text(name)}" {day.isoformat()}'
        for day, name in sorted(holiday_days(calendar, start.year, end.year).items())
    ]
    lines.append("")
    members = _resources(project, lines)
    preds: dict[str, list[str]] = {}
    for d in project.dependencies:
        preds.setdefault(d.successor, []).append(_depends(project, d.predecessor, d.type, d.lag))
    allocs: dict[str, list[Assignment]] = {}
    for a in project.assignments:
        allocs.setdefault(a.task, []).append(a)
    _tasks(project, None, (preds, allocs, members), lines, "")
    if report is not None:
        lines += [
            "",
            f'taskreport "{report}" {{',
            "  formats csv",
            "  columns id, start, end",
            '  timeformat "%Y-%m-%d %H:%M"',
            "  hidetask 0",
            "  sorttasks tree",
            "}",
        ]
    return "\n".join(lines) + "\n"


Links = tuple[dict[str, list[str]], dict[str, list[Assignment]], dict[str, list[str]]]
"""Per task: its ``depends`` references and its assignments; per resource: its members."""


def _tasks(project: Project, parent: str | None, links: Links, out: list[str], indent: str) -> None:
    preds, allocs, members = links
    for key in project.children.get(parent, ()):
        task = project.task(key)
        _check_task(task)
        local = key.rsplit(".", 1)[-1]
        if not _ID.fullmatch(local) or (parent is not None and key != f"{parent}.{local}"):
            raise ValueError(f"task key '{key}' does not map to a TaskJuggler ID")
        out.append(f'{indent}task {local} "{_text(task.label)}" {{')
        inner = indent + "  "
        if project.is_summary(key):
            if key in allocs:
                raise ValueError(f"summary task '{key}': assignments on summaries are not supported")
            _tasks(project, key, links, out, inner)
        elif task.duration.minutes == 0:
            out.append(f"{inner}milestone")
        elif key in allocs:
            out.extend(inner + line for line in _effort(project, task, allocs[key], members))
        else:
            out.append(f"{inner}length {_amount(task.duration.minutes, project)}")
        if key in preds:
            out.append(f"{inner}depends {', '.join(preds[key])}")
        out.append(f"{indent}}}")


def _resources(project: Project, out: list[str]) -> dict[str, list[str]]:
    """Write the work resources (pools as groups of members); their member IDs by key."""
    members: dict[str, list[str]] = {}
    for r in project.resources:
        _check_resource(r)
        rid = _id(r.key, "")
        if rid != r.key:
            raise ValueError(f"resource key '{r.key}' does not map to a TaskJuggler ID")
        size = round(r.max_units)
        if size == 1:
            out.append(f'resource {rid} "{_text(r.title)}"')
            members[r.key] = [rid]
            continue
        members[r.key] = [f"{rid}_{i + 1}" for i in range(size)]
        out.append(f'resource {rid} "{_text(r.title)}" {{')
        out.extend(f'  resource {m} "{_text(r.title)} ({i + 1})"' for i, m in enumerate(members[r.key]))
        out.append("}")
    if project.resources:
        out.append("")
    return members


def _check_resource(r: Resource) -> None:
    if r.kind is not ResourceKind.WORK:
        raise ValueError(f"resource '{r.key}': only work resources are supported")
    if r.availability or r.calendar is not None:
        raise ValueError(f"resource '{r.key}': availability periods and resource calendars are not supported")
    if r.max_units < 1 or abs(r.max_units - round(r.max_units)) > 1e-9:
        raise ValueError(f"resource '{r.key}': only whole max units (1, 2, 3 ...) are supported")


def _effort(project: Project, task: Task, assignments: list[Assignment], members: dict[str, list[str]]) -> list[str]:
    """``effort``, ``allocate`` and ``limits`` of a task with assignments (see the module notes)."""
    units = {a.units for a in assignments}
    if len(units) != 1 or any(a.work is not None for a in assignments):
        raise ValueError(f"task '{task.key}': assignments need one units value and no explicit work")
    u = units.pop()
    if not 0 < u <= 1:
        raise ValueError(f"task '{task.key}': units must be in (0, 1], not {u}")
    k = len(assignments)
    day = project.units.hours_per_day * 60
    minutes = task.duration.minutes * u * k
    per_day = day * u * k
    if abs(minutes - round(minutes)) > 1e-6 or abs(per_day - round(per_day)) > 1e-6:
        raise ValueError(f"task '{task.key}': units {u} give a fractional number of minutes")
    allocations = []
    for a in assignments:
        first, *others = members[a.resource]
        alternative = f"alternative {', '.join(others)} " if others else ""
        allocations.append(f"{first} {{ {alternative}mandatory }}")
    lines = [f"effort {_amount(round(minutes), project)}", f"allocate {', '.join(allocations)}"]
    if u < 1:
        cap = round(per_day)
        lines.append(f"limits {{ dailymax {f'{cap // 60}h' if cap % 60 == 0 else f'{cap}min'} }}")
    return lines


def _check_task(task: Task) -> None:
    if task.constraint is not None or task.calendar is not None or task.deadline is not None:
        raise ValueError(f"task '{task.key}': constraints, deadlines and task calendars are not supported")
    if task.duration.elapsed:
        raise ValueError(f"task '{task.key}': elapsed durations are not supported")


def _depends(project: Project, pred: str, link: LinkType, lag: Lag) -> str:
    if link is not LinkType.FS:
        raise ValueError(f"link from '{pred}': only FS links are supported, not {link.value}")
    if isinstance(lag, PercentLag) or lag.elapsed:
        raise ValueError(f"link from '{pred}': only working-time lags are supported")
    minutes = lag.minutes
    if minutes < 0:
        raise ValueError(f"link from '{pred}': leads (negative lags) are not supported")
    if project.is_summary(pred):
        raise ValueError(f"link from '{pred}': links on summary tasks are not supported")
    return pred if minutes == 0 else f"{pred} {{ gaplength {_amount(minutes, project)} }}"


def _amount(minutes: int, project: Project) -> str:
    """Working minutes in TaskJuggler units: days when whole, else hours or minutes."""
    day = round(project.units.hours_per_day * 60)
    if minutes % day == 0:
        return f"{minutes // day}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}min"


def _week(calendar: Calendar) -> list[tuple[str, DayHours]]:
    if calendar.base is not None or calendar.work_weeks:
        raise ValueError(f"calendar '{calendar.key}': base calendars and dated work weeks are not supported")
    days = calendar.week.days
    if any(h is None for h in days):
        raise ValueError(f"calendar '{calendar.key}': every weekday needs its hours")
    return [(WEEKDAYS[i], h) for i, h in enumerate(days) if h is not None]


def _hours(hours: DayHours) -> str:
    if not hours:
        return "off"
    return ", ".join(f"{_clock(h.start)} - {_clock(h.end)}" for h in hours)


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def holiday_days(calendar: Calendar, first: int, last: int) -> dict[date, str]:
    """Non-working days: public holidays (as the engine resolves them) and exceptions."""
    out: dict[date, str] = {}
    for src in calendar.holidays:
        found = holidays_lib.country_holidays(src.country, subdiv=src.subdivision, years=range(first, last + 1))
        out.update(found.items())
    for exc in calendar.exceptions:
        if exc.working or exc.recurrence is not None:
            raise ValueError(f"calendar '{calendar.key}': only one-off non-working exceptions are supported")
        day = exc.start
        while day <= exc.end:
            out[day] = exc.name or "exception"
            day += timedelta(days=1)
    return out


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d-%H:%M")


def _id(text: str, fallback: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return cleaned if _ID.fullmatch(cleaned) else fallback


def _text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
