"""What MPXJ (an independent MSPDI reader, used by ProjectLibre and GanttProject) sees
in the files our writer produces: tasks, durations, links, constraints, calendars day by
day, resources and assignments, and the schedule's dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import milepost
from milepost.domain.calendar import (
    Calendar,
    CalendarException,
    Frequency,
    Recurrence,
    day_hours,
    standard_calendar,
)
from milepost.domain.duration import PercentLag, TimeUnit
from milepost.domain.project import ConstraintType, LinkType, Project
from milepost.domain.resource import RateChange, ResourceKind
from milepost.domain.schedule import Schedule
from milepost.engine.calendars.days import DayResolver
from milepost.io.mspdi.writer import dump_mspdi, mspdi_uids
from milepost.io.mspdi.xmlout import text
from tests.io.mspdi.compare import written_lag
from tests.io.mspdi.samples import showcase
from tests.io.mspdi.strategies import projects

JClass = Callable[[str], Any]
EXAMPLES = sorted((Path(__file__).parents[3] / "examples").glob("*.yaml"))

MPXJ_LINKS = {"FINISH_START": LinkType.FS, "START_START": LinkType.SS, "FINISH_FINISH": LinkType.FF,
              "START_FINISH": LinkType.SF}  # fmt: skip
MPXJ_CONSTRAINTS = {
    "AS_SOON_AS_POSSIBLE": ConstraintType.ASAP,
    "AS_LATE_AS_POSSIBLE": ConstraintType.ALAP,
    "MUST_START_ON": ConstraintType.MSO,
    "MUST_FINISH_ON": ConstraintType.MFO,
    "START_NO_EARLIER_THAN": ConstraintType.SNET,
    "START_NO_LATER_THAN": ConstraintType.SNLT,
    "FINISH_NO_EARLIER_THAN": ConstraintType.FNET,
    "FINISH_NO_LATER_THAN": ConstraintType.FNLT,
}
MPXJ_UNITS = {
    (TimeUnit.MINUTE, False): "MINUTES",
    (TimeUnit.HOUR, False): "HOURS",
    (TimeUnit.DAY, False): "DAYS",
    (TimeUnit.WEEK, False): "WEEKS",
    (TimeUnit.MONTH, False): "MONTHS",
    (TimeUnit.MINUTE, True): "ELAPSED_MINUTES",
    (TimeUnit.HOUR, True): "ELAPSED_HOURS",
    (TimeUnit.DAY, True): "ELAPSED_DAYS",
    (TimeUnit.WEEK, True): "ELAPSED_WEEKS",
    (TimeUnit.MONTH, True): "ELAPSED_MONTHS",
}
MPXJ_KINDS = {"WORK": ResourceKind.WORK, "MATERIAL": ResourceKind.MATERIAL, "COST": ResourceKind.COST}


def read_with_mpxj(jclass: JClass, project: Project, schedule: Schedule | None, tmp: Path) -> Any:
    path = tmp / "plan.xml"
    path.write_bytes(dump_mspdi(project, schedule))
    return jclass("org.mpxj.mspdi.MSPDIReader")().read(str(path))


def boxed(jclass: JClass, n: int) -> Any:
    """A ``java.lang.Integer`` (MPXJ's look-ups by UID take one)."""
    return jclass("java.lang.Integer").valueOf(n)


def local(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def check_tasks(project: Project, schedule: Schedule, mp: Any) -> None:
    uids = mspdi_uids(project).tasks
    tasks = {int(t.getUniqueID()): t for t in mp.getTasks() if int(t.getUniqueID()) != 0}
    assert len(tasks) == len(project.tasks)
    for task in project.tasks:
        t = tasks[uids[task.key]]
        where = task.key
        assert str(t.getName() or "") == text(task.name), where
        assert int(t.getOutlineLevel()) == project.outline_level(task.key), where
        assert bool(t.getSummary()) == project.is_summary(task.key), where
        assert bool(t.getMilestone()) == task.milestone, where
        ctype = MPXJ_CONSTRAINTS[str(t.getConstraintType().name())]
        assert ctype == (task.constraint.type if task.constraint else ctype), where
        if task.constraint is not None and task.constraint.date is not None:
            assert local(t.getConstraintDate()) == task.constraint.date, where
        if not project.is_summary(task.key):
            dur = t.getDuration()
            assert str(dur.getUnits().name()) == MPXJ_UNITS[(task.duration.unit, task.duration.elapsed)], where
            assert float(dur.getDuration()) == pytest.approx(task.duration.amount(project.units), abs=1e-6), where
            assert bool(t.getEstimated()) == task.duration.estimated, where
        st = schedule.task(task.key)
        assert (local(t.getStart()), local(t.getFinish())) == (st.start, st.finish), where
    check_links(project, uids, tasks)


def check_links(project: Project, uids: dict[str, int], tasks: dict[int, Any]) -> None:
    seen = set()
    for uid, t in tasks.items():
        for r in t.getPredecessors():
            lag = r.getLag()
            amount = round(float(lag.getDuration()), 6)
            unit = str(lag.getUnits().name()) if amount else "zero"  # MPXJ reads a 0 % lag in years
            seen.add(
                (int(r.getPredecessorTask().getUniqueID()), uid, MPXJ_LINKS[str(r.getType().name())], unit, amount)
            )
    want = set()
    for dep in project.dependencies:
        lag = written_lag(project, dep)  # a fractional percentage is written as the time it amounts to
        if isinstance(lag, PercentLag):
            unit, amount = "PERCENT", lag.percent  # whole percent, as MPXJ reads it
        else:
            unit, amount = MPXJ_UNITS[(lag.unit, lag.elapsed)], lag.amount(project.units)
        want.add((uids[dep.predecessor], uids[dep.successor], dep.type, unit if amount else "zero", round(amount, 6)))
    assert seen == want


def hours_of(mpxj_hours: Any) -> tuple[tuple[int, int], ...]:
    out = []
    for r in mpxj_hours or ():
        start, end = r.getStart(), r.getEnd()
        a = int(start.getHour()) * 60 + int(start.getMinute())
        b = int(end.getHour()) * 60 + int(end.getMinute())
        out.append((a, b if b > a else b + 1440))
    return tuple(sorted(out))


def check_calendars(project: Project, schedule: Schedule, mp: Any, jclass: JClass) -> None:
    local_date = jclass("java.time.LocalDate")
    lo, hi = schedule.start_date.date() - timedelta(days=14), schedule.finish_date.date() + timedelta(days=14)
    ours = DayResolver(project.calendar_map, lo, hi)
    uids = mspdi_uids(project)
    pairs = [
        (c.key, mp.getCalendarByUniqueID(boxed(jclass, uid)))
        for c, uid in ((c, uids.calendars[c.key]) for c in project.calendars)
    ]
    for r in project.resources:
        if r.kind is ResourceKind.WORK:
            pairs.append(
                (
                    r.calendar or project.calendar,
                    mp.getResourceByUniqueID(boxed(jclass, uids.resources[r.key])).getCalendar(),
                )
            )
    for key, cal in pairs:
        assert cal is not None, key
        day = lo
        while day <= hi:
            got = hours_of(cal.getHours(local_date.of(day.year, day.month, day.day)))
            assert got == tuple((s.start, s.end) for s in ours.hours(key, day)), f"calendar {key} on {day}"
            day += timedelta(days=1)


def check_resources(project: Project, mp: Any, jclass: JClass) -> None:
    uids = mspdi_uids(project)
    for r in project.resources:
        m = mp.getResourceByUniqueID(boxed(jclass, uids.resources[r.key]))
        assert str(m.getName() or "") == text(r.name)
        assert MPXJ_KINDS[str(m.getType().name())] == r.kind
        assert str(m.getGroup() or "") == (r.role or "")
        assert str(m.getEmailAddress() or "") == r.email
        assert bool(m.getGeneric()) == r.generic
        if r.kind is ResourceKind.WORK:
            assert float(m.getMaxUnits()) == pytest.approx(r.max_units * 100)
        if r.kind is ResourceKind.MATERIAL:
            assert str(m.getMaterialLabel() or "") == r.label
        rate = r.rates[0] if r.rates else RateChange()
        std = m.getStandardRate()
        assert float(std.getAmount() if std else 0) == pytest.approx(rate.standard / 100)
        if std is not None and rate.standard:
            assert str(std.getUnits().name()) == "HOURS"
        assert float(m.getCostPerUse() or 0) == pytest.approx(rate.per_use / 100)
    tasks = {v: k for k, v in uids.tasks.items()}
    resources = {v: k for k, v in uids.resources.items()}
    seen = {
        (tasks[int(a.getTask().getUniqueID())], resources[int(a.getResource().getUniqueID())], float(a.getUnits()))
        for a in mp.getResourceAssignments()
        if a.getResource() is not None
    }
    assert seen == {(a.task, a.resource, a.units * 100) for a in project.assignments}


def check_all(project: Project, jclass: JClass, tmp: Path) -> None:
    schedule = milepost.schedule(project)
    mp = read_with_mpxj(jclass, project, schedule, tmp)
    check_tasks(project, schedule, mp)
    check_calendars(project, schedule, mp, jclass)
    check_resources(project, mp, jclass)


def test_mpxj_reads_the_showcase(jclass: JClass, tmp_path: Path) -> None:
    project = showcase()
    check_all(project, jclass, tmp_path)
    mp = read_with_mpxj(jclass, project, None, tmp_path)
    work = {int(a.getTask().getUniqueID()): a.getWork() for a in mp.getResourceAssignments()}
    code = mp.getTaskByUniqueID(boxed(jclass, mspdi_uids(project).tasks["build.code"]))
    assert float(work[int(code.getUniqueID())].getDuration()) == pytest.approx(40.0)  # 2400 minutes in hours
    assert str(mp.getProjectProperties().getCurrencyCode()) == "GBP"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_mpxj_reads_the_examples(path: Path, jclass: JClass, tmp_path: Path) -> None:
    check_all(milepost.load(path), jclass, tmp_path)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects())
def test_mpxj_reads_random_projects(project: Project, jclass: JClass, tmp_path: Path) -> None:
    check_all(project, jclass, tmp_path)


def test_a_monthly_day_31_falls_on_the_last_day_of_short_months(jclass: JClass, tmp_path: Path) -> None:
    """Working 09:00-10:00 on day 31 of each month, three times: 31 Jan, 28 Feb, 31 Mar."""
    rule = Recurrence(Frequency.MONTHLY, day=31, count=3)
    month_end = CalendarException(date(2027, 1, 31), date(2027, 1, 31), day_hours((540, 600)), "Month end", rule)
    cal = Calendar("c", "C", week=standard_calendar().week, exceptions=(month_end,))
    project = Project("P", datetime(2027, 1, 4, 8), calendar="c", calendars=(standard_calendar(), cal))
    mp = read_with_mpxj(jclass, project, None, tmp_path)
    theirs = mp.getCalendarByUniqueID(boxed(jclass, mspdi_uids(project).calendars["c"]))
    ours = DayResolver(project.calendar_map, date(2027, 1, 1), date(2027, 12, 31))
    local_date = jclass("java.time.LocalDate")
    for day in (date(2027, 2, 28), date(2027, 5, 31)):
        got = hours_of(theirs.getHours(local_date.of(day.year, day.month, day.day)))
        assert got == tuple((s.start, s.end) for s in ours.hours("c", day)), day
