"""Hypothesis strategies: small random projects that use everything MSPDI can carry.

Summaries up to three levels deep, milestones, durations in every unit (elapsed and
estimated too), all constraint types, deadlines, manual tasks, progress, links of all
four types with working, elapsed, negative and percentage lags, base and derived
calendars with split hours, dated work weeks (overlapping ones too), exceptions
(ranges, overlapping ones, and daily / weekly / monthly / yearly recurrences ended by
a count, a date or nothing) and public holidays, resources of the three kinds with
rates and calendars, and assignments.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import assume
from hypothesis import strategies as st

from milepost.domain.calendar import (
    Calendar,
    CalendarException,
    DayHours,
    Frequency,
    HolidaySource,
    Recurrence,
    WorkWeek,
    builtin_calendars,
    day_hours,
)
from milepost.domain.duration import Duration, PercentLag, TimeUnit, WorkUnits
from milepost.domain.project import (
    Anchor,
    Constraint,
    ConstraintType,
    Dependency,
    LinkType,
    Project,
    Task,
    TaskType,
)
from milepost.domain.resource import Assignment, RateChange, Resource, ResourceKind
from milepost.domain.validation import validate_project

HOURS: list[DayHours] = [
    day_hours((480, 720), (780, 1020)),
    day_hours((540, 1020)),
    day_hours((0, 1440)),
    day_hours((1200, 1440)),
    day_hours((360, 600), (660, 840)),
]
words = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"), max_size=12
) | st.sampled_from(["", "Design", " Build ", "Test & ship", "Ünïcödé ✓", "a\tb"])
days_2027 = st.dates(date(2026, 10, 1), date(2028, 3, 1))
moments = st.builds(
    lambda d, h: datetime.combine(d, datetime.min.time()) + timedelta(hours=h),
    days_2027,
    st.sampled_from([0, 8, 9, 12, 17]),
)


@st.composite
def recurrences(draw: st.DrawFn) -> Recurrence:
    freq = draw(st.sampled_from(list(Frequency)))
    end = draw(st.sampled_from(["count", "until", "open"]))
    bound: dict[str, object] = {}
    if end == "count":
        bound["count"] = draw(st.integers(1, 8))
    elif end == "until":
        bound["until"] = draw(st.dates(date(2027, 1, 1), date(2029, 1, 1)))
    interval = draw(st.integers(1, 3))
    if freq is Frequency.DAILY:
        return Recurrence(freq, interval=interval, **bound)  # type: ignore[arg-type]
    if freq is Frequency.WEEKLY:
        weekdays = tuple(draw(st.sets(st.integers(0, 6), max_size=3)))
        week_start = draw(st.sampled_from([0, 6]))
        return Recurrence(freq, interval=interval, weekdays=weekdays, week_start=week_start, **bound)  # type: ignore[arg-type]
    month = draw(st.none() | st.integers(1, 12)) if freq is Frequency.YEARLY else None
    if draw(st.booleans()):
        return Recurrence(
            freq,
            interval=interval,
            week_of_month=draw(st.integers(1, 5)),
            weekday=draw(st.integers(0, 6)),
            month=month,
            **bound,  # type: ignore[arg-type]
        )
    return Recurrence(freq, interval=interval, day=draw(st.none() | st.integers(1, 31)), month=month, **bound)  # type: ignore[arg-type]


@st.composite
def exceptions(draw: st.DrawFn) -> CalendarException:
    start = draw(days_2027)
    hours = draw(st.sampled_from([(), (), *HOURS]))
    name = draw(words)
    if draw(st.booleans()):
        rule = draw(recurrences())
        if (
            not hours
            and rule.until is None
            and rule.count is None
            and rule.frequency in (Frequency.DAILY, Frequency.WEEKLY)
        ):
            rule = replace(rule, count=5)  # an endless daily or weekly holiday could leave no working time
        return CalendarException(start, start, hours, name, rule)
    return CalendarException(start, start + timedelta(days=draw(st.integers(0, 12))), hours, name)


@st.composite
def calendars(draw: st.DrawFn, n: int) -> list[Calendar]:
    out: list[Calendar] = []
    for i in range(n):
        base = draw(st.none() | st.sampled_from([c.key for c in out] or [None]))
        inherit = [None] if base else []
        days = [draw(st.sampled_from([*inherit, (), *HOURS])) for _ in range(7)]
        if base is None or days[0] is not None:
            days[0] = draw(st.sampled_from(HOURS))  # every calendar works on Mondays
        weeks = []
        for _ in range(draw(st.integers(0, 2))):
            lo = draw(st.none() | days_2027)
            hi = draw(st.none() | st.dates(lo or date(2026, 10, 1), date(2028, 6, 1)))
            wdays = tuple(draw(st.sampled_from([None, (), *HOURS])) for _ in range(7))
            weeks.append(WorkWeek(wdays, draw(words), lo, hi))
        holidays = draw(st.sampled_from([(), (), (HolidaySource("GB", "ENG"),), (HolidaySource("US", "CA"),)]))
        out.append(
            Calendar(
                key=f"cal{i}",
                name=draw(words),
                base=base,
                week=WorkWeek(tuple(days)),
                work_weeks=tuple(weeks),
                exceptions=tuple(draw(st.lists(exceptions(), max_size=4))),
                holidays=holidays,
            )
        )
    return out


@st.composite
def durations(draw: st.DrawFn, units: WorkUnits) -> Duration:
    unit = draw(st.sampled_from(list(TimeUnit)))
    elapsed = draw(st.booleans())
    amount = draw(st.integers(0, 2 if unit is TimeUnit.MONTH else 10))
    return Duration.of(amount, unit, units, elapsed=elapsed, estimated=draw(st.booleans()))


@st.composite
def tasks_tree(draw: st.DrawFn, units: WorkUnits, cal_keys: list[str]) -> list[Task]:
    tasks: list[Task] = []
    counter = iter(range(1000))

    def add(parent: str | None, depth: int) -> None:
        key = f"{parent}.t{next(counter)}" if parent else f"t{next(counter)}"
        index = len(tasks)
        tasks.append(Task(key=key, parent=parent))
        kids = draw(st.integers(0, 3)) if depth < 3 and draw(st.booleans()) else 0
        for _ in range(kids):
            add(key, depth + 1)
        tasks[index] = _task(draw, key, parent, kids > 0, units, cal_keys)

    for _ in range(draw(st.integers(1, 5))):
        add(None, 1)
    return tasks


def _task(draw: st.DrawFn, key: str, parent: str | None, summary: bool, units: WorkUnits, cals: list[str]) -> Task:
    ctypes = (
        [None, ConstraintType.ASAP, ConstraintType.SNET, ConstraintType.FNLT] if summary else [None, *ConstraintType]
    )
    ctype = draw(st.sampled_from(ctypes))
    constraint = Constraint(ctype, draw(moments) if ctype.needs_date else None) if ctype else None
    duration = Duration(0) if summary else draw(durations(units))
    manual = not summary and draw(st.integers(0, 5)) == 0
    mstart = draw(moments) if manual else None
    progress = draw(st.sampled_from([0, 0, 0, 30, 100]))
    actual_start = draw(moments) if progress else None
    ext = draw(st.none() | st.sampled_from(["7", "12", "12", "ABC-1", "007", "0"]) | st.integers(1, 99).map(str))
    return Task(
        key=key,
        name=draw(words),
        parent=parent,
        duration=duration,
        milestone=not summary and draw(st.booleans()) and duration.minutes == 0,
        priority=draw(st.integers(0, 1000)),
        notes=draw(words),
        external_id=ext,
        calendar=None if summary else draw(st.sampled_from([None, *cals])),
        constraint=constraint,
        deadline=draw(st.none() | moments),
        manual=manual,
        manual_start=mstart,
        manual_finish=mstart + timedelta(days=draw(st.integers(0, 5))) if mstart else None,
        percent_complete=progress,
        actual_start=actual_start,
        actual_finish=actual_start + timedelta(days=2) if progress == 100 and actual_start else None,
        task_type=draw(st.sampled_from(list(TaskType))),
        effort_driven=draw(st.booleans()),
    )


def _links(draw: st.DrawFn, tasks: list[Task], units: WorkUnits) -> list[Dependency]:
    parents = {t.parent for t in tasks}
    up = {t.key: t.parent for t in tasks}

    def ancestors(key: str) -> set[str]:
        out = set()
        while up[key] is not None:
            key = up[key]  # type: ignore[assignment]
            out.add(key)
        return out

    deps = []
    pairs = [
        (i, j) for j in range(1, len(tasks)) for i in draw(st.lists(st.integers(0, j - 1), max_size=2, unique=True))
    ]
    for i, j in pairs:
        a, b = tasks[i].key, tasks[j].key
        if a in ancestors(b):
            continue
        kind = draw(st.sampled_from([LinkType.FS, LinkType.SS] if b in parents else list(LinkType)))
        lag: Duration | PercentLag
        if a not in parents and draw(st.integers(0, 4)) == 0:
            lag = PercentLag(draw(st.integers(-500, 1500)) / 10)
        else:
            lag = draw(durations(units))
            lag = Duration(lag.minutes * draw(st.sampled_from([1, 1, -1])), lag.unit, lag.elapsed)
        deps.append(Dependency(a, b, kind, lag))
    return deps


@st.composite
def resources(draw: st.DrawFn, cals: list[str]) -> list[Resource]:
    out = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(list(ResourceKind)))
        rates = draw(st.sampled_from([(), (RateChange(None, 5000, 7550, 0),), (RateChange(None, 12345, 0, 2500),)]))
        out.append(
            Resource(
                key=f"r{i}",
                name=draw(words),
                kind=kind,
                max_units=draw(st.sampled_from([1.0, 0.5, 2.0, 0.0])) if kind is ResourceKind.WORK else 1.0,
                calendar=draw(st.sampled_from([None, *cals])) if kind is ResourceKind.WORK else None,
                rates=rates,
                role=draw(st.none() | st.sampled_from(["backend", "ops"])),
                generic=draw(st.booleans()),
                label="t" if kind is ResourceKind.MATERIAL else "",
                email=draw(st.sampled_from(["", "ann@example.com"])),
                notes=draw(words),
                external_id=draw(st.none() | st.sampled_from(["3", "9", "x"])),
            )
        )
    return out


@st.composite
def projects(draw: st.DrawFn) -> Project:
    """A small valid project (see the module docstring)."""
    units = WorkUnits(draw(st.sampled_from([8.0, 7.5])), 5.0, 20.0)
    cals = [*builtin_calendars().values(), *draw(calendars(draw(st.integers(0, 3))))]
    keys = [c.key for c in cals]
    finish = draw(st.booleans())
    tasks = draw(tasks_tree(units, keys))
    res = draw(resources(keys))
    workers = [i for i, r in enumerate(res) if r.kind is ResourceKind.WORK]
    if workers and draw(st.booleans()):  # a resource calendar, which stays derived in MSPDI
        own = draw(calendars(1))[0]
        own = replace(own, key="own", base="standard", work_weeks=(), week=WorkWeek((None, None, *own.week.days[2:])))
        cals.append(own)
        res[workers[0]] = replace(res[workers[0]], calendar="own")
    leaves = [t for t in tasks if not any(u.parent == t.key for u in tasks)]
    pairs = [(t.key, r.key) for t in leaves for r in res]
    assignments = [
        Assignment(
            task,
            resource,
            draw(st.sampled_from([1.0, 0.5, 2.0])),
            draw(st.none() | st.integers(60, 4800)),
            external_id=draw(st.none() | st.sampled_from(["5", "5", "y"])),
        )
        for task, resource in draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True) if pairs else st.just([]))
    ]
    project = Project(
        name=draw(words.map(lambda w: w.strip() or "Plan")),
        anchor_date=datetime(2027, 6, 30, 17) if finish else datetime(2027, 1, 4, draw(st.sampled_from([0, 8, 9]))),
        anchor=Anchor.FINISH if finish else Anchor.START,
        calendar=draw(st.sampled_from(keys)),
        currency=draw(st.sampled_from(["USD", "EUR", "GBP"])),
        units=units,
        calendars=tuple(cals),
        tasks=tuple(tasks),
        dependencies=tuple(_links(draw, tasks, units)),
        description=draw(words),
        honor_constraints=draw(st.booleans()),
        status_date=draw(st.none() | moments),
        resources=tuple(res),
        assignments=tuple(assignments),
    )
    assume(not validate_project(project))
    return project
