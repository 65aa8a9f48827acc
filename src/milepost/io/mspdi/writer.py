"""Write a Milepost project as Microsoft Project XML (MSPDI), for MS Project and its peers.

The file follows the element order of the MSPDI schema and of the files MS Project
saves, with ``SaveVersion`` 14 (Project 2010 and later), local date-times without an
offset, and what Milepost models: project settings, calendars (see
:mod:`milepost.io.mspdi.calendar_writer` for how they are made acceptable to MS
Project), the project summary task (UID 0, whose notes are the project's
description), tasks in outline order with their links, constraints, progress and
manual dates, resources and assignments.  Given a :class:`Schedule`, every task also
carries its computed dates, slack and critical flag, so MS Project, ProjectLibre or
GanttProject show Milepost's dates before they reschedule.

Not written: the project's time zone and task ``deliverable`` flags (MSPDI has no field
for them), non-numeric ``external_id`` values (numeric ones become the UIDs), resource
keys and skills; nor resource availability periods, rate changes after the first and
assignment quantities, which MSPDI could carry but the reader does not read yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from lxml import etree

from milepost.domain.duration import Duration, PercentLag, TimeUnit
from milepost.domain.money import minor_digits
from milepost.domain.project import Anchor, ConstraintType, Dependency, Project, Task
from milepost.domain.resource import Resource, ResourceKind
from milepost.domain.schedule import Schedule
from milepost.domain.validation import validate_project
from milepost.errors import InvalidInputError
from milepost.io.mspdi.calendar_writer import CalendarUids, calendar_uids, chain, write_calendars
from milepost.io.mspdi.codes import (
    CONSTRAINT_CODES,
    ESTIMATED,
    FORMAT_CODES,
    LINK_CODES,
    RESOURCE_KIND_CODES,
    TASK_TYPE_CODES,
    format_iso_duration,
)
from milepost.io.mspdi.recurrence import Horizon
from milepost.io.mspdi.xmlout import element, number, sub, text

SAVE_VERSION = 14
PERCENT_LAG_FORMAT = 19
MARGIN = timedelta(days=366)
"""Calendars are written exactly (holidays, open recurrences) this far around the project."""
MAX_SPAN = timedelta(days=366 * 50)


@dataclass(frozen=True)
class MspdiUids:
    """The UID each task, resource, assignment and calendar gets in the written file.

    A numeric ``external_id`` (``"42"``, unique, not 0) is kept as the UID, so a plan
    imported from MS Project goes back with the same UIDs; the others get the smallest
    free numbers.  Assignments are listed by position in ``Project.assignments``.
    """

    tasks: dict[str, int]
    resources: dict[str, int]
    assignments: list[int]
    calendars: dict[str, int]


def mspdi_uids(project: Project) -> MspdiUids:
    """The UIDs :func:`dump_mspdi` gives to the objects of ``project``."""
    tasks = _uids([t.external_id for t in project.tasks])
    resources = _uids([r.external_id for r in project.resources])
    return MspdiUids(
        dict(zip((t.key for t in project.tasks), tasks, strict=True)),
        dict(zip((r.key for r in project.resources), resources, strict=True)),
        _uids([a.external_id for a in project.assignments]),
        calendar_uids(project),
    )


def _uids(external: Sequence[str | None]) -> list[int]:
    wanted = [int(x) if x and x.isascii() and x.isdigit() and str(int(x)) == x else 0 for x in external]
    counts: dict[int, int] = {}
    for uid in wanted:
        counts[uid] = counts.get(uid, 0) + 1
    keep = [uid if 0 < uid < 2**31 and counts[uid] == 1 else 0 for uid in wanted]
    taken = set(keep)
    out, free = [], 1
    for uid in keep:
        if not uid:
            while free in taken:
                free += 1
            uid = free
            taken.add(uid)
        out.append(uid)
    return out


def write_mspdi(project: Project, path: str | Path, schedule: Schedule | None = None) -> None:
    """Write ``project`` (and its ``schedule``'s dates, if given) to an MSPDI file."""
    Path(path).write_bytes(dump_mspdi(project, schedule))


def dump_mspdi(project: Project, schedule: Schedule | None = None) -> bytes:
    """The MSPDI document of ``project`` as UTF-8 bytes.

    Parameters
    ----------
    project:
        The plan to write.
    schedule:
        Its schedule, for the computed dates, slack and critical flags; also bounds the
        span over which public holidays and open-ended recurrences are written out.
        Without it that span is estimated from the plan's dates and total work.

    Raises
    ------
    InvalidInputError
        The project is not valid (see :func:`validate_project`), or a calendar names
        public holidays of a region the ``holidays`` package does not know.
    """
    problems = validate_project(project, cycles=False)
    if problems:
        raise InvalidInputError(problems)
    horizon = export_horizon(project, schedule)
    uids = mspdi_uids(project)
    root = element("Project")
    _write_header(root, project, schedule, uids.calendars)
    cal_uids = write_calendars(root, project, horizon)
    _write_tasks(root, project, schedule, uids, cal_uids)
    _write_resources(root, project, uids, cal_uids)
    _write_assignments(root, project, uids)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True, pretty_print=True)


def export_horizon(project: Project, schedule: Schedule | None = None) -> Horizon:
    """The dates on which the written calendars reproduce Milepost's working time exactly."""
    moments = [project.anchor_date]
    if project.status_date is not None:
        moments.append(project.status_date)
    for t in project.tasks:
        found = (t.deadline, t.manual_start, t.manual_finish, t.actual_start, t.actual_finish)
        moments += [m for m in (*found, t.constraint.date if t.constraint else None) if m is not None]
    extra = timedelta(0)
    if schedule is not None and len(schedule):
        c = schedule.columns
        lows = (min(c.start), min(c.early_start), min(c.late_start), schedule.start)
        highs = (max(c.finish), max(c.early_finish), max(c.late_finish), schedule.finish)
        moments += [schedule.at(min(lows)), schedule.at(max(highs))]
    else:
        extra = _span_bound(project)
    lo, hi = min(moments).date() - MARGIN, max(moments).date() + MARGIN
    if project.anchor is Anchor.FINISH:
        lo -= extra
    else:
        hi += extra
    return Horizon(max(lo, date(1984, 1, 1)), min(hi, date(2149, 12, 31)))


def _span_bound(project: Project) -> timedelta:
    """A generous bound on the length of an unscheduled project, run as one chain."""
    cals = project.calendar_map
    weekly = []
    for cal in project.calendars:
        links = chain(cal, cals)
        hours = [next((c.week.days[w] for c in links if c.week.days[w] is not None), ()) for w in range(7)]
        weekly.append(sum(span.minutes for day in hours for span in day or ()))
    per_week = min((w for w in weekly if w > 0), default=2400)
    work, clock = 0, 0
    for t in project.leaves():
        work, clock = (work, clock + t.duration.minutes) if t.duration.elapsed else (work + t.duration.minutes, clock)
    for d in project.dependencies:
        if isinstance(d.lag, Duration) and d.lag.minutes > 0:
            work, clock = (work, clock + d.lag.minutes) if d.lag.elapsed else (work + d.lag.minutes, clock)
        elif isinstance(d.lag, PercentLag) and d.lag.percent > 0:
            work += round(d.lag.percent / 100 * max((t.duration.minutes for t in project.tasks), default=0))
    days = 1.5 * 7 * work / per_week + clock / 1440
    return min(timedelta(days=days), MAX_SPAN)


def _write_header(root: etree._Element, project: Project, schedule: Schedule | None, cals: dict[str, int]) -> None:
    from_start = project.anchor is Anchor.START
    start = project.anchor_date if from_start else (schedule.start_date if schedule else None)
    finish = schedule.finish_date if schedule else None
    if not from_start:
        finish = project.anchor_date
    mpd = round(project.units.hours_per_day * 60)
    monday = _monday(project)
    sub(root, "SaveVersion", SAVE_VERSION)
    sub(root, "Name", text(project.name))
    sub(root, "Title", text(project.name))
    sub(root, "ScheduleFromStart", from_start)
    if start is not None:
        sub(root, "StartDate", start)
    if finish is not None:
        sub(root, "FinishDate", finish)
    sub(root, "CurrencyDigits", minor_digits(project.currency))
    sub(root, "CurrencyCode", text(project.currency)[:3])
    sub(root, "CalendarUID", cals[project.calendar])
    sub(root, "DefaultStartTime", _clock(monday[0] if monday else 8 * 60))
    sub(root, "DefaultFinishTime", _clock(monday[1] if monday else 17 * 60))
    sub(root, "MinutesPerDay", mpd)
    sub(root, "MinutesPerWeek", round(mpd * project.units.days_per_week))
    sub(root, "DaysPerMonth", number(project.units.days_per_month))
    sub(root, "DefaultTaskType", 0)
    sub(root, "DurationFormat", 7)
    sub(root, "WorkFormat", 2)
    sub(root, "HonorConstraints", project.honor_constraints)
    sub(root, "NewTasksEffortDriven", False)
    sub(root, "WeekStartDay", 0)  # Sunday: MS Project counts "every N weeks" in Sunday weeks
    if project.status_date is not None:
        sub(root, "StatusDate", project.status_date)
    sub(root, "NewTasksAreManual", False)


def _monday(project: Project) -> tuple[int, int] | None:
    """First start and last end of Monday's hours on the project calendar (its chain)."""
    links = chain(project.calendar_map[project.calendar], project.calendar_map)
    hours = next((c.week.days[0] for c in links if c.week.days[0] is not None), ())
    return (hours[0].start, hours[-1].end) if hours else None


def _clock(minutes: int) -> str:
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _write_tasks(
    root: etree._Element, project: Project, schedule: Schedule | None, uids: MspdiUids, cals: CalendarUids
) -> None:
    box = sub(root, "Tasks")
    top = sub(box, "Task")  # the project summary task
    sub(top, "UID", 0)
    sub(top, "ID", 0)
    sub(top, "Name", text(project.name))
    sub(top, "Type", 1)
    sub(top, "IsNull", False)
    sub(top, "WBS", "0")
    sub(top, "OutlineNumber", "0")
    sub(top, "OutlineLevel", 0)
    if schedule is not None:
        sub(top, "Start", schedule.start_date)
        sub(top, "Finish", schedule.finish_date)
    sub(top, "Summary", True)
    if project.description:
        sub(top, "Notes", text(project.description))
    incoming: dict[str, list[Dependency]] = {}
    for dep in project.dependencies:
        incoming.setdefault(dep.successor, []).append(dep)
    wbs = project.wbs_codes()
    levels: dict[str, int] = {}
    where = schedule.project.task_index if schedule is not None else {}
    for ident, task in enumerate(project.tasks, start=1):
        levels[task.key] = level = 1 + (levels[task.parent] if task.parent is not None else 0)
        el = sub(box, "Task")
        row = where.get(task.key)
        _write_task(el, project, task, ident, level, wbs[task.key], uids, cals, schedule, row)
        for dep in incoming.get(task.key, ()):
            _write_link(el, dep, uids.tasks[dep.predecessor], project.task(dep.predecessor).duration)


def _write_task(
    el: etree._Element,
    project: Project,
    task: Task,
    ident: int,
    level: int,
    wbs: str,
    uids: MspdiUids,
    cals: CalendarUids,
    schedule: Schedule | None,
    row: int | None,
) -> None:
    summary = project.is_summary(task.key)
    st = schedule.task_at(row) if schedule is not None and row is not None else None
    duration = Duration(st.duration_minutes, TimeUnit.DAY) if summary and st is not None else task.duration
    code = FORMAT_CODES[(duration.unit, duration.elapsed)] + (ESTIMATED if duration.estimated else 0)
    start = st.start if st is not None else task.manual_start
    finish = st.finish if st is not None else task.manual_finish
    sub(el, "UID", uids.tasks[task.key])
    sub(el, "ID", ident)
    sub(el, "Name", text(task.name))
    sub(el, "Active", True)
    sub(el, "Manual", task.manual and not summary)
    sub(el, "Type", TASK_TYPE_CODES[task.task_type])
    sub(el, "IsNull", False)
    sub(el, "WBS", wbs)
    sub(el, "OutlineNumber", wbs)
    sub(el, "OutlineLevel", level)
    sub(el, "Priority", task.priority)
    sub(el, "Start", start)
    sub(el, "Finish", finish)
    sub(el, "Duration", format_iso_duration(duration.minutes))
    if task.manual and not summary:
        sub(el, "ManualStart", task.manual_start)
        sub(el, "ManualFinish", task.manual_finish)
        sub(el, "ManualDuration", format_iso_duration(duration.minutes))
    sub(el, "DurationFormat", code)
    sub(el, "EffortDriven", task.effort_driven)
    sub(el, "Estimated", duration.estimated)
    sub(el, "Milestone", task.milestone)
    sub(el, "Summary", summary)
    if st is not None:
        sub(el, "Critical", st.critical)
        sub(el, "EarlyStart", st.early_start)
        sub(el, "EarlyFinish", st.early_finish)
        sub(el, "LateStart", st.late_start)
        sub(el, "LateFinish", st.late_finish)
        sub(el, "FreeSlack", st.free_float_minutes * 10)  # tenths of a minute
        sub(el, "TotalSlack", st.total_float_minutes * 10)
    sub(el, "PercentComplete", task.percent_complete)
    sub(el, "ActualStart", task.actual_start)
    sub(el, "ActualFinish", task.actual_finish)
    done = round(duration.minutes * task.percent_complete / 100)
    sub(el, "ActualDuration", format_iso_duration(done))  # MPXJ's Primavera writers need these two
    sub(el, "RemainingDuration", format_iso_duration(duration.minutes - done))
    default = ConstraintType.ALAP if project.anchor is Anchor.FINISH else ConstraintType.ASAP
    constraint_type = task.constraint.type if task.constraint is not None else default
    sub(el, "ConstraintType", CONSTRAINT_CODES[constraint_type])
    sub(el, "CalendarUID", cals.by_key.get(task.calendar, -1) if task.calendar else -1)
    sub(el, "ConstraintDate", task.constraint.date if task.constraint is not None else None)
    sub(el, "Deadline", task.deadline)
    if task.notes:
        sub(el, "Notes", text(task.notes))
    _drop_empty(el)


def _drop_empty(el: etree._Element) -> None:
    """Remove the optional children written without a value (``None``)."""
    for child in list(el):
        if child.text is None and not len(child):
            el.remove(child)


def _write_link(el: etree._Element, dep: Dependency, predecessor: int, pred_duration: Duration) -> None:
    link = sub(el, "PredecessorLink")
    sub(link, "PredecessorUID", predecessor)
    sub(link, "Type", LINK_CODES[dep.type])
    sub(link, "CrossProject", False)
    lag = dep.lag
    if isinstance(lag, PercentLag) and float(lag.percent).is_integer():
        sub(link, "LinkLag", int(lag.percent))  # whole percent, as MPXJ reads and writes it
        sub(link, "LagFormat", PERCENT_LAG_FORMAT)
        return
    if isinstance(lag, PercentLag):  # MSPDI holds whole percents: write the lag it amounts to
        lag = Duration(round(pred_duration.minutes * lag.percent / 100), pred_duration.unit, pred_duration.elapsed)
    sub(link, "LinkLag", lag.minutes * 10)  # tenths of a minute
    sub(link, "LagFormat", FORMAT_CODES[(lag.unit, lag.elapsed)])


def _write_resources(root: etree._Element, project: Project, uids: MspdiUids, cals: CalendarUids) -> None:
    box = sub(root, "Resources")
    for ident, res in enumerate(project.resources, start=1):
        _write_resource(sub(box, "Resource"), res, ident, uids.resources[res.key], cals, project.currency)


def _write_resource(el: etree._Element, res: Resource, ident: int, uid: int, cals: CalendarUids, currency: str) -> None:
    rate = res.rates[0] if res.rates else None
    work = res.kind is ResourceKind.WORK
    sub(el, "UID", uid)
    sub(el, "ID", ident)
    sub(el, "Name", text(res.name))
    sub(el, "Type", RESOURCE_KIND_CODES[res.kind])
    sub(el, "IsNull", False)
    if res.kind is ResourceKind.MATERIAL and res.label:
        sub(el, "MaterialLabel", text(res.label))
    if res.role:
        sub(el, "Group", text(res.role))
    if res.email:
        sub(el, "EmailAddress", text(res.email))
    if work:
        sub(el, "MaxUnits", number(res.max_units))
    if rate is not None:
        digits = minor_digits(currency)
        sub(el, "StandardRate", Decimal(rate.standard).scaleb(-digits))  # currency per hour
        sub(el, "StandardRateFormat", 2)  # per hour
        sub(el, "OvertimeRate", Decimal(rate.overtime).scaleb(-digits))
        sub(el, "OvertimeRateFormat", 2)
        sub(el, "CostPerUse", Decimal(rate.per_use).scaleb(2 - digits))  # MSPDI costs are in hundredths
    if res.key in cals.by_resource:
        sub(el, "CalendarUID", cals.by_resource[res.key])
    if res.notes:
        sub(el, "Notes", text(res.notes))
    sub(el, "IsGeneric", res.generic)
    sub(el, "IsCostResource", res.kind is ResourceKind.COST)


def _write_assignments(root: etree._Element, project: Project, uids: MspdiUids) -> None:
    box = sub(root, "Assignments")
    resources = project.resource_map
    for a, uid in zip(project.assignments, uids.assignments, strict=True):
        if a.task not in uids.tasks or a.resource not in uids.resources:
            continue
        task = project.task(a.task)
        work = a.work
        if work is None and resources[a.resource].kind is ResourceKind.WORK and not task.duration.elapsed:
            work = round(task.duration.minutes * a.units)  # what MS Project would compute
        el = sub(box, "Assignment")
        sub(el, "UID", uid)
        sub(el, "TaskUID", uids.tasks[a.task])
        sub(el, "ResourceUID", uids.resources[a.resource])
        sub(el, "Units", number(a.units))
        if work is not None:
            sub(el, "Work", format_iso_duration(work))
