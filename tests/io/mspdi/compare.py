"""Is a project read back from our MSPDI the same as the one written?

The reader makes new keys from names, so objects are matched through the UIDs the
writer gave them (``mspdi_uids``): tasks, resources and assignments carry them as
``external_id``, calendars are matched by their UID in the written file.  Each field
Milepost models is then compared, in the form MSPDI keeps it:

* names and notes lose surrounding blanks and control characters (XML, and the reader
  strips text);
* a task without a constraint comes back with the project's default one (ASAP, or ALAP
  when scheduled from the finish), as MSPDI has no "default" value;
* calendars are compared by the working hours of every day in the export horizon
  (public holidays come back as explicit exceptions, derived calendars MS Project would
  not accept come back folded into base calendars), and structurally where the writer
  keeps their structure;
* an assignment without work comes back with MS Project's work (duration x units);
* a lag comes back as :func:`written_lag` gives it: MSPDI holds a percentage in whole
  percent, so a fractional one comes back as the time it amounts to, and a time lag
  is never estimated.

Known gaps are listed in ``NOT_ROUND_TRIPPED``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from lxml import etree

from milepost.domain.calendar import Calendar, CalendarException, Frequency
from milepost.domain.calendar_rules import occurrences
from milepost.domain.duration import Duration, PercentLag
from milepost.domain.project import Anchor, Constraint, ConstraintType, Dependency, Project
from milepost.domain.resource import ResourceKind
from milepost.domain.schedule import Schedule
from milepost.engine.calendars.days import DayResolver
from milepost.io.mspdi.calendar_writer import kept_derived
from milepost.io.mspdi.calendars import slug, unique
from milepost.io.mspdi.recurrence import Horizon
from milepost.io.mspdi.writer import mspdi_uids
from milepost.io.mspdi.xmlout import text
from milepost.io.mspdi.xmltree import NS

NOT_ROUND_TRIPPED = {
    "Project.timezone": "MSPDI has no time zone",
    "Task.deliverable": "MSPDI has no deliverable flag",
    "Resource.availability, skills, rates after the first": "not written",
    "Assignment.quantity, cost": "not written",
}


def calendar_map(original: Project, written: bytes, again: Project) -> dict[str, str]:
    """Original calendar key -> key in the re-read project (through the written UIDs).

    The reader names calendars as :func:`read_calendars` does: a slug of the name, made
    unique in file order.
    """
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for el in etree.fromstring(written).iterfind(f"{{{NS}}}Calendars/{{{NS}}}Calendar"):
        uid = int(el.findtext(f"{{{NS}}}UID") or -1)
        keys[uid] = key = unique(slug((el.findtext(f"{{{NS}}}Name") or "").strip(), f"calendar-{uid}"), taken)
        taken.add(key)
    out = {key: keys[uid] for key, uid in mspdi_uids(original).calendars.items()}
    assert set(out.values()) <= set(again.calendar_map)
    return out


def assert_same_project(original: Project, written: bytes, again: Project, horizon: Horizon) -> None:
    """Fail with the first difference between ``original`` and what came back."""
    uids = mspdi_uids(original)
    tkey = {t.external_id: t.key for t in again.tasks}
    tasks = {key: tkey[str(uid)] for key, uid in uids.tasks.items()}
    cals = calendar_map(original, written, again)
    assert again.name == text(original.name).strip()
    assert again.description == text(original.description).strip()
    assert (again.anchor, again.anchor_date) == (original.anchor, original.anchor_date)
    assert (again.currency, again.units) == (original.currency, original.units)
    assert (again.honor_constraints, again.status_date) == (original.honor_constraints, original.status_date)
    assert again.calendar == cals[original.calendar]
    _same_tasks(original, again, tasks, cals, uids.tasks)
    want = {_link(d, written_lag(original, d), tasks) for d in original.dependencies}
    assert want == {_link(d, d.lag, {}) for d in again.dependencies}
    _same_calendars(original, again, cals, horizon)
    _same_resources(original, again, horizon)


def _same_tasks(
    original: Project, again: Project, tasks: dict[str, str], cals: dict[str, str], uids: dict[str, int]
) -> None:
    assert [tasks[t.key] for t in original.tasks] == [t.key for t in again.tasks], "outline order"
    default = Constraint(ConstraintType.ALAP if original.anchor is Anchor.FINISH else ConstraintType.ASAP)
    for t in original.tasks:
        b = again.task(tasks[t.key])
        summary = original.is_summary(t.key)
        where = f"task {t.key}"
        assert b.name == text(t.name).strip(), where
        assert b.parent == (tasks[t.parent] if t.parent else None), where
        assert b.external_id == str(uids[t.key]), where
        assert b.notes == text(t.notes).strip(), where
        assert (b.milestone, b.priority, b.deadline) == (t.milestone, t.priority, t.deadline), where
        assert (b.percent_complete, b.actual_start, b.actual_finish) == (
            t.percent_complete,
            t.actual_start,
            t.actual_finish,
        ), where
        assert (b.task_type, b.effort_driven) == (t.task_type, t.effort_driven), where
        assert (b.constraint or default) == (t.constraint or default), where
        if not summary:
            assert b.duration == t.duration, where
            assert b.calendar == (cals[t.calendar] if t.calendar else None), where
            assert b.manual == t.manual, where
            if t.manual:
                assert (b.manual_start, b.manual_finish) == (t.manual_start, t.manual_finish), where


def written_lag(project: Project, d: Dependency) -> Duration | PercentLag:
    """The lag of ``d`` as MSPDI holds it: a percentage in whole percent, or else the time
    a fractional percentage amounts to (that percent of the predecessor's duration, in
    the predecessor's unit and elapsed flag, as the engine computes it); a time lag is
    never estimated."""
    lag = d.lag
    if isinstance(lag, PercentLag):
        if float(lag.percent).is_integer():
            return lag
        pred = project.task(d.predecessor).duration
        return Duration(round(pred.minutes * lag.percent / 100), pred.unit, pred.elapsed)
    return replace(lag, estimated=False)


def _link(d: Dependency, lag: Duration | PercentLag, tasks: dict[str, str]) -> tuple[object, ...]:
    return (tasks.get(d.predecessor, d.predecessor), tasks.get(d.successor, d.successor), d.type, lag)


def _same_calendars(original: Project, again: Project, cals: dict[str, str], horizon: Horizon) -> None:
    a = DayResolver(original.calendar_map, horizon.start, horizon.end)
    b = DayResolver(again.calendar_map, horizon.start, horizon.end)
    kept = kept_derived(original)
    for cal in original.calendars:
        other = again.calendar_map[cals[cal.key]]
        assert other.name == text(cal.name or cal.key).strip(), cal.key
        _same_hours(a, cal.key, b, other.key, horizon)
        if cal.key in kept:
            assert other.base == cals[cal.base or ""], cal.key
            assert other.week == cal.week, cal.key
        elif cal.base is None:
            assert other.week.days == tuple(d or () for d in cal.week.days), cal.key
        if (cal.base is None or cal.key in kept) and plain(cal):
            assert _canonical(other.exceptions) == _canonical(cal.exceptions), cal.key


def _same_hours(a: DayResolver, akey: str, b: DayResolver, bkey: str, horizon: Horizon) -> None:
    day = horizon.start
    while day <= horizon.end:
        assert a.hours(akey, day) == b.hours(bkey, day), f"calendar {akey}, {day}"
        day += timedelta(days=1)


def plain(cal: Calendar) -> bool:
    """Whether the writer keeps the calendar's exceptions one for one.

    It does unless public holidays are added, exceptions overlap (the days one loses
    are cut out of it), a recurrence has no end (it is closed at the horizon) or MSPDI
    cannot state a rule (an "every N weeks" that depends on the first day of the week).
    """
    if cal.holidays:
        return False
    seen: set[date] = set()
    for exc in cal.exceptions:
        rule = exc.recurrence
        if rule is not None:
            if rule.until is None and rule.count is None:
                return False
            if rule.frequency is Frequency.WEEKLY and _days(exc) != _days(
                replace(exc, recurrence=replace(rule, week_start=6))
            ):
                return False
        days = set(_days(exc))
        if days & seen:
            return False
        seen |= days
    return True


def _days(exc: CalendarException) -> list[date]:
    if exc.recurrence is None:
        return [exc.start + timedelta(days=i) for i in range((exc.end - exc.start).days + 1)]
    return list(occurrences(exc.start, exc.recurrence, date(1984, 1, 1), date(2149, 12, 31)))


def _canonical(exceptions: Sequence[CalendarException]) -> list[tuple[object, ...]]:
    """The exceptions that cover at least one day, canonical and sorted."""
    return sorted((canonical(e) for e in exceptions if _days(e)), key=repr)


def canonical(exc: CalendarException) -> tuple[object, ...]:
    """An exception as its kind and its days, whatever way the rule was spelt."""
    days = _days(exc)
    rule = exc.recurrence
    if rule is None or (rule.frequency is Frequency.DAILY and rule.interval <= 1):
        return (exc.start, days[-1], exc.hours, text(exc.name).strip())
    return (rule.frequency, tuple(days), exc.hours, text(exc.name).strip())


def _same_resources(original: Project, again: Project, horizon: Horizon) -> None:
    uids = mspdi_uids(original)
    rkey = {r.external_id: r.key for r in again.resources}
    keys = {k: rkey[str(uid)] for k, uid in uids.resources.items()}
    a = DayResolver(original.calendar_map, horizon.start, horizon.end)
    b = DayResolver(again.calendar_map, horizon.start, horizon.end)
    for r in original.resources:
        s = again.resource_map[keys[r.key]]
        where = f"resource {r.key}"
        assert (s.name, s.kind, s.role, s.generic) == (text(r.name).strip(), r.kind, r.role, r.generic), where
        assert (s.email, s.notes) == (text(r.email).strip(), text(r.notes).strip()), where
        if r.kind is ResourceKind.MATERIAL:
            assert s.label == text(r.label).strip(), where
        if r.kind is ResourceKind.WORK:
            assert s.max_units == r.max_units, where
            assert s.calendar is not None, where
            _same_hours(a, r.calendar or original.calendar, b, s.calendar, horizon)
        rate = r.rates[0] if r.rates else None
        got = s.rates[0] if s.rates else None
        want = (rate.standard, rate.overtime, rate.per_use) if rate else (0, 0, 0)
        assert ((got.standard, got.overtime, got.per_use) if got else (0, 0, 0)) == want, where
    tasks = {t.external_id: t.key for t in again.tasks}
    auid = {a.external_id: a for a in again.assignments}
    assert len(again.assignments) == len(original.assignments)
    for asg, uid in zip(original.assignments, uids.assignments, strict=True):
        back = auid[str(uid)]
        assert back.task == tasks[str(uids.tasks[asg.task])]
        assert back.resource == keys[asg.resource]
        assert back.units == asg.units
        task = original.task(asg.task)
        if original.resource_map[asg.resource].kind is ResourceKind.WORK and not task.duration.elapsed:
            computed = task.duration.minutes * asg.units  # written as MS Project does, read back as not stated
            assert back.work == (None if asg.work is None or abs(asg.work - computed) <= 1 else asg.work), uid
        else:
            assert (back.work or None) == (asg.work or None), f"assignment {uid}"


def assert_same_schedule(first: Schedule, second: Schedule, tasks: dict[str, str]) -> None:
    """Every task has the same dates and floats in both schedules (keys mapped)."""
    for t in first:
        u = second.task(tasks[t.key])
        assert (u.start, u.finish) == (t.start, t.finish), t.key
        assert (u.early_start, u.early_finish, u.late_start, u.late_finish) == (
            t.early_start,
            t.early_finish,
            t.late_start,
            t.late_finish,
        ), t.key
        assert (u.total_float_minutes, u.free_float_minutes, u.critical) == (
            t.total_float_minutes,
            t.free_float_minutes,
            t.critical,
        ), t.key
    assert (first.start_date, first.finish_date) == (second.start_date, second.finish_date)


def task_map(original: Project, again: Project) -> dict[str, str]:
    """Original task key -> key in the re-read project."""
    by_ext = {t.external_id: t.key for t in again.tasks}
    return {key: by_ext[str(uid)] for key, uid in mspdi_uids(original).tasks.items()}
