"""Write a :class:`~milepost.domain.project.Project` as a plan file.

The output is the plan file a person would write: defaults are left out, durations
and links use the short notation, lists of links are on one line, built-in calendars
are not repeated.  Reading it back gives an equal project.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import ryaml
import yaml

from milepost.domain.calendar import (
    Calendar,
    CalendarException,
    Recurrence,
    WorkWeek,
    builtin_calendars,
)
from milepost.domain.duration import ZERO, WorkUnits, format_duration
from milepost.domain.notation import format_link
from milepost.domain.project import DEFAULT_PRIORITY, Anchor, Project, Task
from milepost.domain.resource import Assignment, Request
from milepost.io.planfile.model import FORMAT_VERSION
from milepost.io.planfile.resources import dump_assignments, dump_progress, dump_requests, dump_resources
from milepost.io.planfile.scope import shortest_reference
from milepost.io.planfile.syntax import (
    WEEKDAYS,
    format_holidays,
    format_hours,
    group_weekdays,
    write_moment,
)

_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Flow(list[Any]):
    """A list written on one line: ``after: [design, review SS]``."""


class _Dumper(_BaseDumper):  # type: ignore[misc]
    pass


# PyYAML quotes by YAML 1.1 rules; the reader (ryaml, YAML 1.2) types plain scalars its own way,
# so anything that could look like a number, date or keyword is checked against it.
_SUSPECT = re.compile(r"[-+0-9._:a-fA-FxXoObBtTzZ ]+|~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[-+]?\.\w+")


def _text(dumper: Any, value: str) -> Any:
    style = None
    if _SUSPECT.fullmatch(value) and not _reads_back_as_text(value):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _reads_back_as_text(value: str) -> bool:
    try:
        return bool(ryaml.loads(f"v: {value}") == {"v": value})
    except ryaml.InvalidYamlError:
        return False


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(str, _text)


def dump_plan(project: Project) -> str:
    """The plan file text for ``project``."""
    doc: dict[str, Any] = {"milepost": FORMAT_VERSION, "project": project_entry(project)}
    builtins = builtin_calendars()
    cals = {c.key: calendar_entry(c) for c in project.calendars if builtins.get(c.key) != c}
    if cals:
        doc["calendars"] = cals
    if project.resources:
        doc["resources"] = dump_resources(project)
    doc["tasks"] = _tasks(project, None)
    text: str = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text


def write_plan(project: Project, path: str | Path) -> None:
    """Write ``project`` to ``path`` as a plan file."""
    Path(path).write_text(dump_plan(project), encoding="utf-8")


def project_entry(p: Project) -> dict[str, Any]:
    """The ``project`` section: the project's settings."""
    out: dict[str, Any] = {"name": p.name}
    if p.anchor is Anchor.START:
        out["start"] = write_moment(p.anchor_date)
    else:
        out["finish"] = write_moment(p.anchor_date, end_of_day=True)
    defaults = WorkUnits()
    for attr, default in (("timezone", "UTC"), ("currency", "USD"), ("calendar", "standard")):
        if getattr(p, attr) != default:
            out[attr] = getattr(p, attr)
    for attr in ("hours_per_day", "days_per_week", "days_per_month"):
        value = getattr(p.units, attr)
        if value != getattr(defaults, attr):
            out[attr] = int(value) if float(value).is_integer() else value
    if p.description:
        out["description"] = p.description
    if not p.honor_constraints:
        out["honor_constraints"] = False
    if p.status_date is not None:
        out["status_date"] = write_moment(p.status_date)
    return out


def _week(week: WorkWeek) -> dict[str, str]:
    groups: dict[str, list[int]] = {}
    for i, hours in enumerate(week.days):
        if hours is not None:
            groups.setdefault(format_hours(hours), []).append(i)
    return {group_weekdays(days): hours for hours, days in groups.items()}


def calendar_entry(c: Calendar) -> dict[str, Any]:
    """One calendar as written in the ``calendars`` section."""
    out: dict[str, Any] = {}
    if c.name:
        out["name"] = c.name
    if c.base:
        out["base"] = c.base
    week = _week(c.week)
    if week:
        out["week"] = week
    if c.holidays:
        names = [format_holidays(h) for h in c.holidays]
        out["holidays"] = names[0] if len(names) == 1 else _Flow(names)
    if c.work_weeks:
        out["work_weeks"] = [
            {**({"name": w.name} if w.name else {}), "from": w.start, "to": w.end, "week": _week(w)}
            for w in c.work_weeks
        ]
    if c.exceptions:
        out["exceptions"] = [_exception(e) for e in c.exceptions]
    return out


def _exception(e: CalendarException) -> dict[str, Any]:
    out: dict[str, Any] = {"name": e.name} if e.name else {}
    if e.start == e.end or e.recurrence is not None:
        out["date"] = e.start
    else:
        out["from"], out["to"] = e.start, e.end
    if e.hours:
        out["hours"] = format_hours(e.hours)
    if e.recurrence is not None:
        out["repeat"] = _recurrence(e.recurrence)
    return out


def _recurrence(r: Recurrence) -> dict[str, Any]:
    out: dict[str, Any] = {"frequency": r.frequency.value}
    if r.interval != 1:
        out["interval"] = r.interval
    if r.weekdays:
        out["weekdays"] = _Flow(WEEKDAYS[d] for d in r.weekdays)
    if r.day is not None:
        out["day"] = r.day
    if r.week_of_month is not None and r.weekday is not None:
        out["week"], out["weekday"] = r.week_of_month, WEEKDAYS[r.weekday]
    if r.month is not None:
        out["month"] = r.month
    if r.until is not None:
        out["until"] = r.until
    if r.count is not None:
        out["count"] = r.count
    if r.week_start != 0:
        out["week_start"] = WEEKDAYS[r.week_start]
    return out


def _tasks(project: Project, parent: str | None) -> list[dict[str, Any]]:
    preds: dict[str, list[str]] = {}
    tasks = {t.key: t for t in project.tasks}
    for d in project.dependencies:
        ref = shortest_reference(d.predecessor, tasks[d.successor].parent, tasks)
        preds.setdefault(d.successor, []).append(format_link(ref, d.type, d.lag, project.units))
    assigns: dict[str, list[Assignment]] = {}
    for a in project.assignments:
        assigns.setdefault(a.task, []).append(a)
    needs: dict[str, list[Request]] = {}
    for q in project.requests:
        needs.setdefault(q.task, []).append(q)
    return _subtasks(project, parent, preds, (assigns, needs))


def _subtasks(
    project: Project,
    parent: str | None,
    preds: dict[str, list[str]],
    people: tuple[dict[str, list[Assignment]], dict[str, list[Request]]],
) -> list[dict[str, Any]]:
    assigns, needs = people
    out = []
    for key in project.children.get(parent, ()):
        t = project.task(key)
        extra: dict[str, Any] = {}
        if key in preds:
            extra["after"] = _Flow(preds[key])
        if key in assigns:
            extra["assign"] = _Flow(dump_assignments(project, assigns[key]))
        if key in needs:
            extra["needs"] = _Flow(dump_requests(needs[key]))
        item = _arranged(task_entry(t, summary=key in project.children, units=project.units), extra)
        if key in project.children:
            item["tasks"] = _subtasks(project, key, preds, people)
        out.append(item)
    return out


def task_entry(t: Task, *, summary: bool, units: WorkUnits) -> dict[str, Any]:
    """A task's own fields as written in a plan (defaults left out; not its links,
    people or subtasks)."""
    out: dict[str, Any] = {"key": t.key.rsplit(".", 1)[-1]}
    if t.name:
        out["name"] = t.name
    if not summary and not (t.milestone and t.duration == ZERO):
        out["duration"] = format_duration(t.duration, units)
    for attr in ("milestone", "deliverable"):
        if getattr(t, attr):
            out[attr] = True
    if t.priority != DEFAULT_PRIORITY:
        out["priority"] = t.priority
    if t.constraint is not None:
        c = t.constraint
        out["constraint"] = (
            c.type.value if c.date is None else f"{c.type.value} {write_moment(c.date, end_of_day=c.type.on_finish)}"
        )
    if t.deadline is not None:
        out["deadline"] = write_moment(t.deadline, end_of_day=True)
    if t.calendar is not None and not summary:  # a summary's calendar is not used (and not allowed)
        out["calendar"] = t.calendar
    if t.notes:
        out["notes"] = t.notes
    if t.external_id is not None:
        out["id"] = t.external_id
    out.update(dump_progress(t))
    return out


def _arranged(entry: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The entry with its links and people where a person writes them: links after the
    priority, people before the progress."""
    if not extra:
        return entry
    head = [(k, v) for k, v in entry.items() if k in _HEAD]
    middle = [(k, v) for k, v in entry.items() if k not in _HEAD and k not in _PROGRESS]
    tail = [(k, v) for k, v in entry.items() if k in _PROGRESS]
    links = [(k, v) for k, v in extra.items() if k == "after"]
    people = [(k, v) for k, v in extra.items() if k != "after"]
    return dict([*head, *links, *middle, *people, *tail])


_HEAD = {"key", "name", "duration", "milestone", "deliverable", "priority"}
_PROGRESS = {"manual", "progress", "actual_start", "actual_finish", "type", "effort_driven"}
