"""Resources, assignments and progress in plan files: reading and writing.

A resource is written with its rates in major units of the project currency
(``rate: 85/h``), its capacity as ``units`` (``100%``, ``50%``, ``3``), and optional
dated rate changes and availability.  A task lists its resources in ``assign`` with
the short notation ``KEY [UNITS%] [WORK]`` (``bob 50%``, ``carol 100% 40h``) or, for a
material, ``KEY QUANTITY`` (``cement 12``).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from milepost.domain.duration import Duration, TimeUnit, WorkUnits, format_duration, parse_duration
from milepost.domain.money import format_money, format_rate, format_units, parse_money, parse_rate, parse_units
from milepost.domain.project import Project, Task, TaskType
from milepost.domain.resource import (
    HIGHEST_SKILL,
    LOWEST_SKILL,
    Assignment,
    Availability,
    RateChange,
    Request,
    Resource,
    ResourceKind,
)
from milepost.io.planfile.found import Collector, Path
from milepost.io.planfile.model import (
    AssignmentModel,
    RateModel,
    RequestModel,
    ResourceModel,
    TaskFieldsModel,
    TaskModel,
)
from milepost.io.planfile.syntax import read_moment, write_moment


# ------------------------------------------------------------------ reading
def convert_resources(models: list[ResourceModel], currency: str, units: WorkUnits, col: Collector) -> list[Resource]:
    """Domain resources from the plan's ``resources`` list."""
    out = []
    for i, rm in enumerate(models):
        loc: Path = ("resources", i)
        if loc in col.skip:
            continue
        first = _rate_change(rm, None, loc, (currency, units), col)
        rates = [first] if (first.standard, first.overtime, first.per_use) != (0, 0, 0) else []
        rates += [
            _rate_change(
                rc, read_moment(rc.from_) if rc.from_ is not None else None, (*loc, "rates", j), (currency, units), col
            )
            for j, rc in enumerate(rm.rates)
        ]
        availability = tuple(
            Availability(
                read_moment(am.from_) if am.from_ is not None else None,
                read_moment(am.to, end_of_day=True) if am.to is not None else None,
                _units(col, (*loc, "availability", j, "units"), am.units, 1.0),
            )
            for j, am in enumerate(rm.availability)
        )
        out.append(
            Resource(
                key=str(rm.key),
                name=rm.name,
                kind=ResourceKind(rm.kind),
                max_units=_units(col, (*loc, "units"), rm.units, 1.0),
                availability=availability,
                calendar=rm.calendar,
                rates=tuple(rates),
                skills=tuple(sorted(rm.skills.items())),
                role=rm.role,
                generic=rm.generic,
                label=rm.label,
                email=rm.email,
                notes=rm.notes,
                external_id=rm.id,
            )
        )
    return out


def _rate_change(
    model: ResourceModel | RateModel, start: datetime | None, loc: Path, money: tuple[str, WorkUnits], col: Collector
) -> RateChange:
    """A rate change from the ``rate``, ``overtime_rate`` and ``cost_per_use`` of ``model``."""
    currency, units = money
    values = []
    for name in ("rate", "overtime_rate", "cost_per_use"):
        text = getattr(model, name)
        if text is None:
            values.append(0)
            continue
        code = "invalid_money" if name == "cost_per_use" else "invalid_rate"
        parse = (
            functools.partial(parse_money, text, currency)
            if name == "cost_per_use"
            else functools.partial(parse_rate, text, currency, units)
        )
        values.append(col.attempt((*loc, name), code, parse) or 0)
    return RateChange(start, *values)


def _units(col: Collector, loc: Path, text: str | None, default: float) -> float:
    if text is None:
        return default
    value = col.attempt(loc, "invalid_units", lambda: parse_units(text))
    return default if value is None else value


def convert_assignments(
    tm: TaskModel, key: str, loc: Path, units: WorkUnits, col: Collector
) -> list[tuple[Assignment, Path]]:
    """The assignments of one task (``assign`` in the plan), each with where it is written."""
    items = [tm.assign] if isinstance(tm.assign, str) else tm.assign
    out = []
    for j, item in enumerate(items):
        aloc: Path = (*loc, "assign") if isinstance(tm.assign, str) else (*loc, "assign", j)
        if isinstance(item, AssignmentModel):
            found = col.attempt(aloc, "invalid_assignment", functools.partial(_from_model, item, key, units))
        else:
            found = col.attempt(aloc, "invalid_assignment", functools.partial(parse_assignment, item, key, units))
        if found is not None:
            out.append((found, aloc))
    return out


def convert_requests(tm: TaskModel, key: str, loc: Path, col: Collector) -> list[tuple[Request, Path]]:
    """The role and skill requests of one task (``needs`` in the plan)."""
    items = [tm.needs] if isinstance(tm.needs, str) else tm.needs
    out = []
    for j, item in enumerate(items):
        qloc: Path = (*loc, "needs") if isinstance(tm.needs, str) else (*loc, "needs", j)
        if isinstance(item, RequestModel):
            found: Request | None = Request(key, item.count, item.role, item.skill, item.level)
        else:
            found = col.attempt(qloc, "invalid_request", functools.partial(parse_request, item, key))
        if found is not None:
            out.append((found, qloc))
    return out


def parse_request(text: str, task: str) -> Request:
    """``2 backend-engineer``, ``python>=4``, ``0.5 qa python>=3``: count, role, skill."""
    words = text.split()
    count = 1.0
    if words and words[0].replace(".", "", 1).isdigit():
        count = float(words.pop(0))
    role: str | None = None
    skill: str | None = None
    level = 1
    for word in words:
        if ">=" in word:
            skill, _, number = word.partition(">=")
            if not number.isdigit() or not LOWEST_SKILL <= int(number) <= HIGHEST_SKILL or not skill:
                raise ValueError(f"in '{text}': a skill is written name>=level with a level 1-5, e.g. python>=3")
            level = int(number)
        elif role is None:
            role = word
        else:
            raise ValueError(f"in '{text}': one role per request (got '{role}' and '{word}')")
    if role is None and skill is None:
        raise ValueError(f"'{text}' asks for nobody: write a role (2 backend-engineer) or a skill (python>=3)")
    if count <= 0:
        raise ValueError(f"'{text}': ask for more than 0 people")
    return Request(task, count, role, skill, level)


def dump_requests(requests: list[Request]) -> list[str]:
    """The ``needs`` list of one task."""
    return [q.label for q in requests]


def parse_assignment(text: str, task: str, units: WorkUnits | None = None) -> Assignment:
    """``alice``, ``bob 50%``, ``carol 100% 40h`` or ``cement 12`` (a material quantity)."""
    parts = text.split()
    if not parts:
        raise ValueError("an assignment needs a resource key, e.g. 'alice' or 'bob 50%'")
    resource, rest = parts[0], parts[1:]
    share, work, quantity = 1.0, None, None
    for word in rest:
        if word.endswith("%"):
            share = parse_units(word)
        elif word[-1:].isalpha() or word.endswith("?"):
            work = parse_duration(word, units).minutes
        else:
            try:
                quantity = float(word)
            except ValueError:
                raise ValueError(
                    f"in '{text}': expected units (50%), work (40h) or a quantity (12), got '{word}'"
                ) from None
    return Assignment(task, resource, share, work, quantity)


def _from_model(am: AssignmentModel, task: str, units: WorkUnits) -> Assignment:
    share = parse_units(am.units) if am.units is not None else 1.0
    work = parse_duration(am.work, units).minutes if am.work is not None else None
    return Assignment(task, am.resource, share, work, am.quantity, am.id)


def parse_percent(text: str) -> float:
    """``40%`` or ``40`` -> 40.0 (0-100)."""
    raw = str(text).strip().removesuffix("%")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"'{text}' is not a percentage such as 40%") from None
    if not 0 <= value <= 100:
        raise ValueError(f"progress must be 0-100%, got {text}")
    return value


def progress_fields(tm: TaskFieldsModel, loc: Path, col: Collector) -> dict[str, Any]:
    """Manual dates, progress, task type: the keyword arguments they add to a Task (only
    those the entry gives; the others keep the Task's defaults)."""
    fields: dict[str, Any] = {"task_type": _TASK_TYPES[tm.type], "effort_driven": tm.effort_driven}
    if tm.progress is not None:
        value = col.attempt(
            (*loc, "progress"),
            "invalid_progress",
            lambda: (
                parse_units(str(tm.progress)) * 100
                if str(tm.progress).strip().endswith("%")
                else float(str(tm.progress))
            ),
        )
        if value is not None and not 0 <= value <= 100:  # also NaN
            col.add((*loc, "progress"), "invalid_progress", f"progress must be 0-100%, got {tm.progress}")
            value = None
        fields["percent_complete"] = min(max(round(value or 0), 0), 100)
    if tm.manual is not None:
        fields["manual"] = True
        fields["manual_start"] = read_moment(tm.manual.start)
        fields["manual_finish"] = read_moment(tm.manual.finish, end_of_day=True)
    if tm.actual_start is not None:
        fields["actual_start"] = read_moment(tm.actual_start)
    if tm.actual_finish is not None:
        fields["actual_finish"] = read_moment(tm.actual_finish, end_of_day=True)
    return fields


_TASK_TYPES = {t.value: t for t in TaskType}


# ------------------------------------------------------------------ writing
def dump_resources(project: Project) -> list[dict[str, Any]]:
    """The ``resources`` section."""
    return [resource_entry(r, project.currency) for r in project.resources]


def resource_entry(r: Resource, currency: str) -> dict[str, Any]:
    """One resource as written in the ``resources`` section."""
    out: dict[str, Any] = {"key": r.key}
    if r.name:
        out["name"] = r.name
    if r.kind is not ResourceKind.WORK:
        out["kind"] = r.kind.value
    if r.max_units != 1.0:
        out["units"] = format_units(r.max_units)
    if r.calendar:
        out["calendar"] = r.calendar
    rates = list(r.rates)
    if rates and rates[0].start is None:
        first = rates.pop(0)
        out.update(_rate_fields(first, currency))
    if rates:
        out["rates"] = [
            {**({"from": write_moment(rc.start)} if rc.start else {}), **_rate_fields(rc, currency)} for rc in rates
        ]
    if r.availability:
        out["availability"] = [
            {
                **({"from": write_moment(a.start)} if a.start else {}),
                **({"to": write_moment(a.end, end_of_day=True)} if a.end else {}),
                "units": format_units(a.units),
            }
            for a in r.availability
        ]
    if r.skills:
        out["skills"] = dict(r.skills)
    for attr in ("role", "label", "email", "notes"):
        if getattr(r, attr):
            out[attr] = getattr(r, attr)
    if r.generic:
        out["generic"] = True
    if r.external_id is not None:
        out["id"] = r.external_id
    return out


def _rate_fields(rc: RateChange, currency: str) -> dict[str, str]:
    out = {}
    if rc.standard:
        out["rate"] = format_rate(rc.standard, currency)
    if rc.overtime:
        out["overtime_rate"] = format_rate(rc.overtime, currency)
    if rc.per_use:
        out["cost_per_use"] = format_money(rc.per_use, currency)
    return out


def dump_assignments(project: Project, assignments: list[Assignment]) -> list[Any]:
    """The ``assign`` list of one task: short notation, or a mapping when it carries an id."""
    out: list[Any] = []
    for a in assignments:
        words = [a.resource]
        if a.units != 1.0:  # always a percentage here: a bare number is a material's quantity
            words.append(format_units(a.units, counts=False))
        if a.work is not None:
            words.append(format_duration(Duration(a.work, TimeUnit.HOUR), project.units))
        if a.quantity is not None:
            words.append(f"{a.quantity:g}")
        if a.external_id is None:
            out.append(" ".join(words))
            continue
        item: dict[str, Any] = {"resource": a.resource}
        if a.units != 1.0:
            item["units"] = format_units(a.units, counts=False)
        if a.work is not None:
            item["work"] = words[2 if a.units != 1.0 else 1]
        if a.quantity is not None:
            item["quantity"] = a.quantity
        item["id"] = a.external_id
        out.append(item)
    return out


def dump_progress(t: Task) -> dict[str, Any]:
    """Manual dates, progress and task type of a task, where they are not the defaults."""
    out: dict[str, Any] = {}
    if t.manual and t.manual_start is not None and t.manual_finish is not None:
        out["manual"] = {
            "start": write_moment(t.manual_start),
            "finish": write_moment(t.manual_finish, end_of_day=True),
        }
    if t.percent_complete:
        out["progress"] = f"{t.percent_complete}%"
    if t.actual_start is not None:
        out["actual_start"] = write_moment(t.actual_start)
    if t.actual_finish is not None:
        out["actual_finish"] = write_moment(t.actual_finish, end_of_day=True)
    if t.task_type is not TaskType.FIXED_UNITS:
        out["type"] = t.task_type.value
    if t.effort_driven:
        out["effort_driven"] = True
    return out
