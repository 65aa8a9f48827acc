"""Invariants of the scheduler on random networks (Hypothesis)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from milepost.domain.calendar import Calendar, WorkWeek, builtin_calendars, day_hours
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.project import Dependency, LinkType, Project, Task
from milepost.domain.schedule import Schedule
from milepost.engine import schedule
from milepost.engine.calendars.compiled import CompiledCalendar, to_minutes

START = datetime(2027, 1, 4)
CAL = CompiledCalendar("standard", builtin_calendars(), to_minutes(START))


FACTORY = Calendar("factory", "Factory", week=WorkWeek((day_hours((420, 660), (720, 900)),) * 6 + ((),)))
"""Monday to Saturday, 07:00-11:00 and 12:00-15:00 (the project's standard: Mon-Fri 08-17)."""


@st.composite
def networks(
    draw: st.DrawFn,
    *,
    summaries: bool = True,
    elapsed: bool = False,
    calendars: bool = False,
) -> Project:
    """Random acyclic projects: links only go from earlier to later tasks; with
    ``calendars``, tasks may run on a factory calendar, MS Project's night shift or 24 hours."""
    n = draw(st.integers(1, 14))
    some = st.integers(0, 5 * 480)
    if calendars:  # milestones and whole days often, where calendars meet at a span's edge
        some = st.one_of(st.sampled_from([0, 0, 480, 960]), some)
    durations = draw(st.lists(some, min_size=n, max_size=n))
    tasks: list[Task] = []
    leaves: list[str] = []
    group = None
    for i, d in enumerate(durations):
        if summaries and draw(st.booleans()) and i % 4 == 0:
            group = f"g{i}"
            tasks.append(Task(key=group))
        key = f"{group}.t{i}" if group else f"t{i}"
        el = elapsed and draw(st.booleans())
        cal = draw(st.sampled_from([None, None, "factory", "night", "24h"])) if calendars else None
        duration = Duration(d, TimeUnit.HOUR, elapsed=el)
        tasks.append(Task(key=key, parent=group, duration=duration, milestone=d == 0, calendar=cal))
        leaves.append(key)
    deps = []
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    for a, b in sorted(pairs):
        if a >= b:
            continue
        lt = draw(st.sampled_from(list(LinkType)))
        lag = draw(st.sampled_from([0, 0, 60, 480, -240]))
        deps.append(Dependency(leaves[a], leaves[b], lt, Duration(lag, TimeUnit.HOUR)))
    project = Project(name="p", anchor_date=START, tasks=tuple(tasks), dependencies=tuple(deps))
    return replace(project, calendars=(*builtin_calendars().values(), FACTORY)) if calendars else project


def _ends(s: Schedule, key: str, finish: bool) -> int:
    i = s.project.task_index[key]
    return (s.columns.finish if finish else s.columns.start)[i]


def assert_links_hold(s: Schedule) -> None:
    for d in s.project.dependencies:
        pred = _ends(s, d.predecessor, d.type.from_finish)
        succ = _ends(s, d.successor, d.type.to_finish)
        assert isinstance(d.lag, Duration)
        bound = CAL.add_work(pred, d.lag.minutes) if not d.lag.elapsed else pred + d.lag.minutes
        assert CAL.work_between(bound, succ) >= 0, f"{d} violated"


@settings(max_examples=200, deadline=None)
@given(networks())
def test_every_link_holds(project: Project) -> None:
    assert_links_hold(schedule(project))


@settings(max_examples=200, deadline=None)
@given(networks())
def test_float_is_never_negative_without_constraints(project: Project) -> None:
    s = schedule(project)
    assert all(t.total_float_minutes >= 0 for t in s)
    assert all(0 <= t.free_float_minutes <= t.total_float_minutes for t in s)
    assert not s.diagnostics


@settings(max_examples=300, deadline=None)
@given(networks(calendars=True, elapsed=True))
def test_float_is_never_negative_without_constraints_on_mixed_calendars(project: Project) -> None:
    s = schedule(project)
    assert all(t.total_float_minutes >= 0 for t in s)
    assert all(0 <= t.free_float_minutes <= t.total_float_minutes for t in s)
    assert not s.diagnostics


@settings(max_examples=200, deadline=None)
@given(networks())
def test_critical_tasks_have_zero_float_and_early_equals_late(project: Project) -> None:
    s = schedule(project)
    for t in s:
        assert t.early_start <= t.late_start or t.total_float_minutes == 0
        if t.critical and not t.summary:
            assert t.total_float_minutes == 0
    path = s.driving_path
    assert path, "a non-empty plan has a driving path"
    assert all(s.task(k).critical for k in path)
    assert s.task(path[-1]).finish == s.finish_date


@settings(max_examples=200, deadline=None)
@given(networks(summaries=False), st.randoms(use_true_random=False))
def test_result_is_independent_of_input_order(project: Project, rnd: random.Random) -> None:
    tasks = list(project.tasks)
    deps = list(project.dependencies)
    rnd.shuffle(tasks)
    rnd.shuffle(deps)
    shuffled = replace(project, tasks=tuple(tasks), dependencies=tuple(deps))
    a, b = schedule(project), schedule(shuffled)
    for t in a:
        u = b.task(t.key)
        assert (t.start, t.finish, t.total_float_minutes, t.free_float_minutes) == (
            u.start,
            u.finish,
            u.total_float_minutes,
            u.free_float_minutes,
        )


@settings(max_examples=100, deadline=None)
@given(networks(elapsed=True))
def test_elapsed_durations_keep_their_clock_length(project: Project) -> None:
    s = schedule(project)
    for t, task in zip(s, project.tasks, strict=True):
        if not t.summary and task.duration.elapsed:
            assert (t.finish - t.start).total_seconds() // 60 == task.duration.minutes


@settings(max_examples=100, deadline=None)
@given(networks())
def test_summaries_span_their_children(project: Project) -> None:
    s = schedule(project)
    for parent, kids in project.children.items():
        if parent is None:
            continue
        assert s.task(parent).start == min(s.task(k).start for k in kids)
        assert s.task(parent).finish == max(s.task(k).finish for k in kids)
