"""Read a Microsoft Project XML (MSPDI) file into a Milepost project.

Everything Milepost models is mapped; everything else that carries a value is listed
in the import report (nothing is dropped silently).  Values MS Project computes
(dates, slack, costs and work totals...) are not imported as data: Milepost
recomputes them, and :mod:`milepost.io.mspdi.compare` checks that it gets the same
dates.  MS Project's own Start and Finish of every task are kept in the result for
that comparison.

A damaged file gives one :class:`InvalidInputError` that lists every bad value with
its line (a date such as ``2027-13-45``, a duration such as ``PT99999999H0M0S``, a
dependency cycle with the tasks' names); a code that is not MSPDI's, a link to a task
that is not in the file, or an exception without dates is skipped and reported in
the import notes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from lxml import etree

from milepost.domain.calendar import builtin_calendars
from milepost.domain.duration import Duration, PercentLag, TimeUnit, WorkUnits
from milepost.domain.project import Anchor, Constraint, ConstraintType, Dependency, Project, Task
from milepost.domain.resource import Assignment, Resource, ResourceKind
from milepost.domain.validation import validate_project
from milepost.errors import InvalidInputError, Problem
from milepost.io.mspdi.calendars import CalendarTable, read_calendars, slug, unique
from milepost.io.mspdi.codes import CONSTRAINTS, ESTIMATED, FORMATS, LINK_TYPES, PERCENT_FORMATS, TASK_TYPES
from milepost.io.mspdi.fields import report_unmapped
from milepost.io.mspdi.resources import read_assignments, read_resources
from milepost.io.mspdi.xmltree import Record, Source, child, children, parse_xml, record, shown
from milepost.io.notes import ImportNote

MAX_YEARS = 100
"""A duration or lag longer than this many years (of work, or elapsed) is a typo, as in plan files."""
MAX_PERCENT = 100_000.0
"""A percentage lag beyond this (1000 times the predecessor) is garbage."""


@dataclass
class MspdiImport:
    """The imported project, the import report, and MS Project's own dates per task key."""

    project: Project
    notes: list[ImportNote] = field(default_factory=list)
    ms_dates: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    manual: set[str] = field(default_factory=set)


class _Notes:
    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def __call__(self, code: str, message: str) -> None:
        self.counts[(code, message)] += 1

    def notes(self) -> list[ImportNote]:
        return [ImportNote(code, message, n) for (code, message), n in self.counts.items()]


@dataclass
class _Lines:
    """Where each object of the project was read, to place the domain's problems."""

    tasks: dict[str, int] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)
    resources: dict[str, int] = field(default_factory=dict)
    assignments: dict[str, int] = field(default_factory=dict)
    calendars: dict[str, int] = field(default_factory=dict)


def read_mspdi(path: str | Path) -> MspdiImport:
    """Read an MSPDI file; raises :class:`InvalidInputError` listing every problem when it is not a valid one."""
    p = Path(path)
    root = parse_xml(p)
    source = Source(str(p))
    note = _Notes()
    lines = _Lines()
    proj = record(root, source)
    settings = _settings(proj)
    cals = read_calendars(root, note, source)
    lines.calendars = {cals.keys[uid]: line for uid, line in cals.lines.items()}
    table = _tasks(root, cals, note, settings, lines)
    deps = _links(table, note, settings.limits, lines)
    resources, res_keys = read_resources(root, cals, settings.currency, source, lines.resources)
    assignments = read_assignments(root, table.uid_keys, res_keys, source, lines.assignments, settings.limits.work)
    source.check()  # values that could not be read: the project cannot be built
    file_calendars = list(cals.calendars)
    project = Project(
        name=proj.text("Title") or proj.text("Name") or p.stem,
        anchor_date=settings.anchor_date or datetime.min,  # never None once the file's values are checked
        anchor=Anchor.FINISH if settings.from_finish else Anchor.START,
        calendar=cals.keys.get(proj.integer("CalendarUID", -1)) or (file_calendars or ["standard"])[0],
        currency=settings.currency,
        units=settings.units,
        calendars=tuple({**builtin_calendars(), **cals.calendars}.values()),  # built-ins are always there
        tasks=tuple(table.tasks),
        dependencies=tuple(deps),
        description=table.description,
        honor_constraints=proj.text("HonorConstraints", "1") != "0",
        status_date=proj.moment("StatusDate"),
        resources=tuple(resources),
        assignments=tuple(_computed_work_dropped(assignments, table.tasks, resources)),
    )
    report_unmapped(root, note)
    problems = validate_project(project)
    if problems:
        raise InvalidInputError([_placed(pr, str(p), lines, table) for pr in problems])
    return MspdiImport(project, note.notes(), table.ms_dates, table.manual)


def _computed_work_dropped(
    assignments: list[Assignment], tasks: list[Task], resources: list[Resource]
) -> Iterator[Assignment]:
    """The assignments, without the work that is the task's duration times the units (to
    the minute, as the file rounds it): MS Project writes that work on every assignment,
    and read as stated work it would make the duration follow its rounding (3 minutes at
    50 % written as 2 minutes of work would come back as a 4-minute task)."""
    durations = {t.key: t.duration for t in tasks}
    people = {r.key for r in resources if r.kind is ResourceKind.WORK}
    for a in assignments:
        duration = durations[a.task]
        computed = a.resource in people and not duration.elapsed
        yield replace(a, work=None) if computed and abs((a.work or 0) - duration.minutes * a.units) <= 1 else a


@dataclass(frozen=True)
class _Settings:
    """The project-wide values the tasks are read with."""

    units: WorkUnits
    limits: _Limits
    currency: str
    from_finish: bool
    anchor_date: datetime | None


def _settings(proj: Record) -> _Settings:
    """Work units, currency and the date the project is scheduled from (bad values are problems)."""
    units = _units(proj)
    currency = proj.text("CurrencyCode", "USD").upper()
    if not _CURRENCY.match(currency):
        proj.bad("CurrencyCode", "invalid_currency", "a three-letter ISO 4217 code such as USD", currency)
        currency = "USD"
    from_finish = proj.text("ScheduleFromStart", "1") == "0"
    anchor_tag = "FinishDate" if from_finish else "StartDate"
    anchor_date = proj.moment(anchor_tag)
    if anchor_date is None and not proj.text(anchor_tag):
        how = " (it is scheduled from its finish)" if from_finish else ""
        proj.problem("mspdi_missing_date", f"the file has no project <{anchor_tag}>{how}")
    return _Settings(units, _Limits(units), currency, from_finish, anchor_date)


def _units(proj: Record) -> WorkUnits:
    """Hours per day, days per week and days per month from the project's settings."""
    per_day = proj.number("MinutesPerDay", 480)
    per_week = proj.number("MinutesPerWeek", 2400)
    per_month = proj.number("DaysPerMonth", 20)
    if not 0 < per_day <= 1440:
        proj.bad("MinutesPerDay", "value_out_of_range", "from 1 to 1440 minutes", f"{per_day:g}")
        per_day = 480
    if not 0 < per_week <= 7 * 1440:
        proj.bad("MinutesPerWeek", "value_out_of_range", "from 1 to 10080 minutes", f"{per_week:g}")
        per_week = 2400
    if not 0 < per_month <= 31:
        proj.bad("DaysPerMonth", "value_out_of_range", "from 1 to 31 days", f"{per_month:g}")
        per_month = 20
    return WorkUnits(per_day / 60, per_week / per_day, per_month)


class _Limits:
    """Minutes in ``MAX_YEARS`` of work and of elapsed time."""

    def __init__(self, units: WorkUnits) -> None:
        self.work = round(MAX_YEARS * 52 * units.minutes_per(TimeUnit.WEEK))
        self.elapsed = round(MAX_YEARS * 525_960.0)

    def exceeded(self, duration: Duration) -> bool:
        """Whether ``duration`` is absurdly long."""
        return abs(duration.minutes) > (self.elapsed if duration.elapsed else self.work)

    @staticmethod
    def why(duration: Duration) -> str:
        """Why ``duration`` is refused."""
        work = "" if duration.elapsed else " of work"
        return f"more than {MAX_YEARS} years{work}; check the number and the unit"


_Link = tuple[str, Record]


@dataclass
class _TaskTable:
    """What the ``Tasks`` section holds."""

    tasks: list[Task] = field(default_factory=list)
    links: list[_Link] = field(default_factory=list)
    ms_dates: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    manual: set[str] = field(default_factory=set)
    uid_keys: dict[int, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    """How messages name each task: ``'Design' (UID 3)``."""
    description: str = ""


def _tasks(root: etree._Element, cals: CalendarTable, note: _Notes, settings: _Settings, lines: _Lines) -> _TaskTable:
    source = cals.source
    table = _TaskTable()
    stack: list[tuple[int, str]] = []  # (outline level, key) of open summaries
    siblings: dict[str | None, set[str]] = {}
    records = [record(el, source) for el in children(child(root, "Tasks"), "Task")]
    summaries = _summary_flags(records)
    for rec, is_summary in zip(records, summaries, strict=True):
        uid = rec.integer("UID", -1)
        level = rec.integer("OutlineLevel", 1)
        if uid == 0 or (level == 0 and not rec.flag("IsNull")):
            table.description = rec.text("Notes")  # the project summary task holds the project's notes
            continue
        if rec.flag("IsNull"):
            note("null_task", "blank (null) task rows were skipped")
            continue
        if uid in table.uid_keys:
            other = lines.tasks.get(table.uid_keys[uid])
            rec.problem("duplicate_uid", f"another task has UID {uid}" + (f" (line {other})" if other else ""), "UID")
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        taken = siblings.setdefault(parent, set())
        short = unique(slug(rec.text("Name"), f"task-{uid}" if uid >= 0 else "task"), taken)
        taken.add(short)
        key = f"{parent}.{short}" if parent else short
        table.uid_keys[uid] = key
        lines.tasks[key] = rec.line or 0
        table.labels[key] = f"{shown(rec.text('Name'))} (UID {uid})" if rec.text("Name") else f"UID {uid}"
        start, finish = rec.moment("Start"), rec.moment("Finish")
        if start is not None and finish is not None:
            table.ms_dates[key] = (start, finish)
        task = _task(rec, key, parent, is_summary, cals, note, settings)
        if task.manual:
            table.manual.add(key)
            task = replace(task, manual_start=task.manual_start or start, manual_finish=task.manual_finish or finish)
        table.tasks.append(task)
        table.links += [(key, record(el, source)) for el in rec.lists.get("PredecessorLink", [])]
        if is_summary:
            stack.append((level, key))
    return table


def _summary_flags(records: list[Record]) -> list[bool]:
    """A task is a summary when the next task is one outline level deeper."""
    levels = [r.integer("OutlineLevel", 1) if not r.flag("IsNull") else None for r in records]
    flags = [False] * len(levels)
    following: int | None = None  # level of the next non-blank task, walking backwards
    for i in range(len(levels) - 1, -1, -1):
        level = levels[i]
        if level is not None:
            flags[i] = following is not None and following > level
            following = level
    return flags


_KNOWN_FORMATS = {*FORMATS, *PERCENT_FORMATS, 21}  # 21: a "null" duration (blank rows)


def _unit(fmt: int, tag: str, note: _Notes) -> tuple[TimeUnit, bool, bool]:
    """Unit, elapsed and estimated flags of a ``DurationFormat``/``LagFormat`` code (days if unknown)."""
    estimated = fmt >= ESTIMATED and (fmt - ESTIMATED) in _KNOWN_FORMATS
    base = fmt - ESTIMATED if estimated else fmt
    if base not in _KNOWN_FORMATS:
        note("unknown_code", f"unknown <{tag}> codes were read as days")
    unit, elapsed = FORMATS.get(base, (TimeUnit.DAY, False))
    return unit, elapsed, estimated


def _duration(rec: Record, note: _Notes, limits: _Limits) -> Duration:
    unit, elapsed, estimated = _unit(rec.integer("DurationFormat", 7), "DurationFormat", note)
    duration = Duration(rec.duration("Duration"), unit, elapsed, estimated or rec.flag("Estimated"))
    if limits.exceeded(duration):
        rec.problem(
            "absurd_duration", f"<Duration> {shown(rec.text('Duration'))} is {limits.why(duration)}", "Duration"
        )
        return Duration(0, unit, elapsed, duration.estimated)
    return duration


def _constraint(rec: Record, note: _Notes, from_finish: bool, summary: bool) -> Constraint | None:
    code = rec.integer("ConstraintType", 0)
    ctype = CONSTRAINTS.get(code)
    if ctype is None:
        note("unknown_code", f"unknown <ConstraintType> codes were read as {'ALAP' if from_finish else 'ASAP'}")
    default = ConstraintType.ALAP if from_finish else ConstraintType.ASAP  # what "no constraint" means
    if ctype is None or ctype is default:
        return None
    constraint = None
    if not ctype.needs_date:
        constraint = Constraint(ctype)
    elif (date := rec.moment("ConstraintDate")) is not None:
        constraint = Constraint(ctype, date)
    elif not rec.text("ConstraintDate"):
        note("constraint_without_date", f"a {ctype.value} constraint without a date was dropped")
    if summary and constraint is not None and constraint.type.value not in ("ASAP", "SNET", "FNLT"):
        note("summary_constraint", f"{constraint.type.value} constraints on summary tasks are not supported; dropped")
        return None
    return constraint


def _task(
    rec: Record,
    key: str,
    parent: str | None,
    summary: bool,
    cals: CalendarTable,
    note: _Notes,
    settings: _Settings,
) -> Task:
    duration = _duration(rec, note, settings.limits)
    calendar_uid = rec.integer("CalendarUID", -1)
    calendar = cals.keys.get(calendar_uid)
    if calendar is None and calendar_uid >= 0:
        note("task_calendar_missing", "tasks whose calendar is not in the file were scheduled on the project calendar")
    manual = rec.flag("Manual") and not summary
    task_type = TASK_TYPES.get(rec.integer("Type", 0))
    if task_type is None:
        note("unknown_code", "unknown task <Type> codes were read as fixed units")
    return Task(
        key=key,
        name=rec.text("Name"),
        parent=parent,
        duration=duration if not summary else Duration(0),
        milestone=rec.flag("Milestone"),
        priority=min(max(rec.integer("Priority", 500), 0), 1000),
        notes=rec.text("Notes"),
        external_id=rec.text("UID"),
        calendar=calendar if not summary else None,
        constraint=_constraint(rec, note, settings.from_finish, summary),
        deadline=rec.moment("Deadline"),
        manual=manual,
        manual_start=rec.moment("ManualStart") if manual else None,  # else its Start (see _tasks)
        manual_finish=rec.moment("ManualFinish") if manual else None,
        percent_complete=min(max(rec.integer("PercentComplete", 0), 0), 100),
        actual_start=rec.moment("ActualStart"),
        actual_finish=rec.moment("ActualFinish"),
        task_type=task_type or TASK_TYPES[0],
        effort_driven=rec.flag("EffortDriven"),
    )


def _links(table: _TaskTable, note: _Notes, limits: _Limits, lines: _Lines) -> list[Dependency]:
    deps: list[Dependency] = []
    for succ, rec in table.links:
        pred = table.uid_keys.get(rec.integer("PredecessorUID", -1))
        if pred is None:
            note(
                "link_to_missing_task",
                "links to tasks that are not in the file (other projects or deleted tasks) were skipped",
            )
            continue
        code = rec.integer("Type", 1)
        if code not in LINK_TYPES:
            note("unknown_code", "unknown link <Type> codes were read as finish-to-start")
        lag = _lag(rec, note, limits)
        if lag is None:
            continue
        lines.links.setdefault(f"{pred}->{succ}", rec.line or 0)
        deps.append(Dependency(pred, succ, LINK_TYPES.get(code, LINK_TYPES[1]), lag))
    return deps


def _lag(rec: Record, note: _Notes, limits: _Limits) -> Duration | PercentLag | None:
    """The lag of a ``PredecessorLink`` (``None`` when it is absurd: a problem then)."""
    raw = rec.number("LinkLag", 0)  # tenths of a minute; a percentage in whole percent (as MPXJ reads it)
    fmt = rec.integer("LagFormat", 7)
    if (fmt - ESTIMATED if fmt >= ESTIMATED else fmt) in PERCENT_FORMATS:
        if abs(raw) > MAX_PERCENT:
            rec.problem("absurd_duration", f"a lag of {raw:g} % is more than {MAX_PERCENT:g} %", "LinkLag")
            return None
        return PercentLag(raw)
    unit, elapsed, _ = _unit(fmt, "LagFormat", note)
    lag = Duration(round(raw / 10), unit, elapsed)
    if limits.exceeded(lag):
        rec.problem("absurd_duration", f"the lag <LinkLag> {raw:g} is {limits.why(lag)}", "LinkLag")
        return None
    return lag


_CURRENCY = re.compile(r"^[A-Z]{3}$")
_QUOTED = re.compile(r"'([^']*)'")
_PATH = re.compile(r"^(tasks|dependencies|calendars|resources|assignments)\[(.*?)\]")


def _placed(problem: Problem, file: str, lines: _Lines, table: _TaskTable) -> Problem:
    """A domain problem with the file and the line of the element it is about."""
    message = problem.message
    if problem.code == "dependency_cycle":
        message = _cycle_message(message, table.labels)
    else:  # tasks by name and UID rather than by the keys made from their names
        message = _QUOTED.sub(lambda m: table.labels.get(m[1], m[0]), message)
    m = _PATH.match(problem.path)
    line = None
    if m is not None:
        where = {
            "tasks": lines.tasks,
            "dependencies": lines.links,
            "calendars": lines.calendars,
            "resources": lines.resources,
            "assignments": lines.assignments,
        }[m[1]]
        line = where.get(m[2]) or None
    return Problem(problem.code, message, problem.path, file, line)


def _cycle_message(message: str, labels: dict[str, str]) -> str:
    """``dependency cycle: a -> b -> a`` with the tasks' names and UIDs."""
    head, _, chain = message.partition(": ")
    keys = chain.split(" -> ")
    if len(keys) < 2 or any(k not in labels for k in keys):
        return message
    return f"{head}: " + " -> ".join(labels[k] for k in keys)
