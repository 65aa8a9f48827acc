"""Levelling: capacity holds, links hold, delays are explained, over every method."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import milepost
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.levelling import LevelMethod, LevelParams, LevelResult, LevelStatus
from milepost.domain.project import Dependency, LinkType, Project, Task
from milepost.domain.resource import Assignment, Availability, Request, Resource
from milepost.engine.levelling.level import _as_early
from milepost.engine.levelling.problem import Problem, padded
from milepost.engine.load import resource_load
from milepost.engine.network import compile_network
from milepost.io.psplib import period_of, read_psplib
from tests.engine.test_properties import assert_links_hold, networks
from tests.shared_data import shared

METHODS = [LevelParams(schedules=200), LevelParams(optimize=True, time_limit=2.0, schedules=100)]
IDS = ["heuristic", "optimize"]
START = datetime(2027, 1, 4)


def day(n: float) -> Duration:
    return Duration(round(n * 480), TimeUnit.DAY)


def two_on_one_person() -> Project:
    """Two 3-day tasks both need Alice full time, then a review after both."""
    return Project(
        name="Shared person",
        anchor_date=START,
        tasks=(Task("api", duration=day(3)), Task("ui", duration=day(3)), Task("review", duration=day(1))),
        dependencies=(Dependency("api", "review"), Dependency("ui", "review")),
        resources=(Resource("alice", "Alice"),),
        assignments=(Assignment("api", "alice"), Assignment("ui", "alice")),
    )


def check(project: Project, result: LevelResult) -> None:
    """The invariants every levelled schedule keeps."""
    assert not resource_load(project, result.schedule).over, "a resource is still over-allocated"
    assert_links_hold(result.schedule)
    assert result.schedule.finish_date >= result.unlevelled.finish_date
    for delay in result.delays.values():
        task = result.schedule.task(delay.task)
        assert delay.minutes > 0
        if delay.resource is not None:
            for other in delay.delayed_by:
                assert any(a.task == other and a.resource == delay.resource for a in project.assignments)
                assert result.schedule.task(other).finish <= task.start
    # float counts the hand-overs, and the late dates say the same: the latest start and
    # finish that delay nothing, links and resources both (as total_float() reads them)
    net = compile_network(result.schedule.project)
    on = net.calendars[net.project_calendar]
    cols = result.schedule.columns
    for i, task in enumerate(result.schedule.project.tasks):
        slack = min(
            on.work_between(cols.start[i], cols.late_start[i]), on.work_between(cols.finish[i], cols.late_finish[i])
        )
        assert slack == cols.total_float[i], (
            f"{task.key}: late dates leave {slack} min, float says {cols.total_float[i]}"
        )
    path = result.resource_critical_path
    assert path
    real = [t for t in result.schedule if not t.summary and not t.milestone]  # the path runs through work
    assert result.schedule.task(path[-1]).finish == max(t.finish for t in real)


@pytest.mark.parametrize("params", METHODS, ids=IDS)
def test_two_tasks_on_one_person_are_sequenced_and_explained(params: LevelParams) -> None:
    project = two_on_one_person()
    assert resource_load(project, milepost.schedule(project)).over  # over-allocated before
    result = milepost.level(project, params)
    check(project, result)
    assert result.makespan_minutes == 7 * 480  # 3 + 3 + 1 days: nothing shorter is possible
    delays = result.delays
    assert set(delays) in ({"ui", "review"}, {"api", "review"})
    (waited,) = (d for d in delays.values() if d.task != "review")
    assert waited.minutes == 3 * 480
    assert waited.resource == "alice"
    assert waited.delayed_by == (({"api", "ui"} - {waited.task}).pop(),)
    assert delays["review"].resource is None  # it only follows the task that waited
    assert delays["review"].delayed_by == (waited.task,)
    assert result.schedule.task("review").critical
    assert set(result.resource_critical_path) == {"api", "ui", "review"}
    assert all(t.total_float_minutes == 0 for t in result.schedule)  # float counts the hand-over
    assert result.method is (LevelMethod.OPTIMIZE if params.optimize else LevelMethod.HEURISTIC)


@pytest.mark.parametrize("params", METHODS, ids=IDS)
def test_a_task_that_waits_for_its_resources_time_off_says_so(params: LevelParams) -> None:
    """Alice is away the first week: her task waits for her, held by no other task."""
    away = Availability(START, datetime(2027, 1, 11), 0.0)
    project = Project(
        name="Time off",
        anchor_date=START,
        tasks=(Task("api", duration=day(2)), Task("docs", duration=day(1)), Task("ship", duration=day(1))),
        dependencies=(Dependency("api", "ship"), Dependency("docs", "ship")),
        resources=(Resource("alice", "Alice", availability=(away,)),),
        assignments=(Assignment("api", "alice"),),
    )
    result = milepost.level(project, params)
    assert result.schedule.task("api").start == datetime(2027, 1, 11, 8)
    waited = result.delays["api"]
    assert (waited.resource, waited.delayed_by, waited.minutes) == ("alice", (), 5 * 480)
    assert result.delays["ship"].delayed_by == ("api",)  # it follows the task that waited
    assert "docs" not in result.delays


FACTORY_PLAN = """\
milepost: 1
project: {name: Factory run, start: 2027-01-04, calendar: office}
calendars:
  office: {week: {mon-fri: "09:00-13:00, 14:00-18:00", sat-sun: off}}
  factory: {week: {mon-sat: "08:00-12:00, 13:00-17:00", sun: off}}
resources:
  - {key: alice, name: Alice}
  - {key: line, name: Assembly line, calendar: factory}
tasks:
  - {key: spec, duration: 2d, assign: [alice]}
  - {key: tooling, duration: 3d, after: [spec], calendar: factory}
  - {key: audit, duration: 1d, calendar: factory, constraint: MSO 2027-01-12, assign: [line]}
  - {key: run, duration: 4d, after: [tooling, audit], calendar: factory}
  - {key: done, milestone: true, after: [run]}
"""


@pytest.mark.parametrize("params", METHODS, ids=IDS)
def test_a_plan_without_over_allocation_keeps_every_date(params: LevelParams, tmp_path: Path) -> None:
    """Nothing is over-allocated, so levelling moves nothing: not a task without resources
    on a calendar whose day starts before the project's (levelling works in slots of the
    project calendar), not a task that must start on a date, and the finish stays."""
    plan = tmp_path / "factory.yaml"
    plan.write_text(FACTORY_PLAN, encoding="utf-8")
    project = milepost.load(plan)
    assert not resource_load(project, milepost.schedule(project)).over
    result = milepost.level(project, params)
    check(project, result)
    for task in result.unlevelled:
        levelled = result.schedule.task(task.key)
        assert (levelled.start, levelled.finish) == (task.start, task.finish), task.key
        assert 0 <= levelled.total_float_minutes <= task.total_float_minutes, task.key
    assert result.schedule.task("audit").start == datetime(2027, 1, 12, 8)  # its constraint, not the slot's 09:00
    assert result.delays == {}
    assert result.schedule.finish_date == result.unlevelled.finish_date


@pytest.mark.parametrize("params", METHODS, ids=IDS)
def test_a_deadline_missed_after_levelling_gives_negative_float(params: LevelParams) -> None:
    """The review's deadline holds before levelling (day 4) but not after (day 7): the whole
    chain that drives it, hand-over included, shows the two days it is late."""
    project = two_on_one_person()
    review = replace(project.tasks[2], deadline=datetime(2027, 1, 8, 17))  # end of day 5
    project = replace(project, tasks=(*project.tasks[:2], review))
    assert milepost.schedule(project).task("review").total_float_minutes == 0  # the deadline holds
    result = milepost.level(project, params)
    check(project, result)
    for key in ("api", "ui", "review"):
        task = result.schedule.task(key)
        assert task.total_float_minutes == -2 * 480, key
        assert task.critical, key
    assert ("deadline_missed", "review") in {(d.code, d.task) for d in result.schedule.diagnostics}
    # the warnings agree with the float: the task that waited for the hand-over is late too
    negative = {d.task: d.message for d in result.diagnostics if d.code == "negative_float"}
    assert set(negative) == {"api", "ui", "review"}
    assert all(
        m.endswith("has 2d of negative float: a constraint or deadline cannot be met by its logic and its resources")
        for m in negative.values()
    )


def one_person(durations: list[int], preds: list[list[tuple[int, int]]]) -> Problem:
    """Activities that all need the one unit of one resource, on a horizon of 20 slots."""
    n = len(durations)
    pred, lag = padded(preds)
    zeros = np.zeros(n, dtype=np.int64)
    return Problem(
        np.array(durations, dtype=np.int64), np.ones((n, 1), dtype=np.int64), np.ones((1, 20), dtype=np.int64),
        pred, lag, zeros, np.full(n, -1, dtype=np.int64), np.full(n, 20, dtype=np.int64), zeros, np.full(n, -1),
    )  # fmt: skip


def test_a_solvers_schedule_is_started_as_early_as_the_others_allow() -> None:
    """CP-SAT may leave a task with float later than it needs to be, a delay no task, link
    or working time explains; the levelled schedule starts it as early as it can."""
    problem = one_person([2, 2, 1], [[], [], [(0, 2)]])
    assert _as_early(problem, np.array([0, 5, 9])).tolist() == [0, 2, 4]
    assert _as_early(problem, np.array([2, 0, 4])).tolist() == [2, 0, 4]  # already as early as it gets


def test_with_a_lead_the_schedule_stays_when_starting_early_would_move_a_task_later() -> None:
    # a may start up to 3 slots before its predecessor b: a at 0 then b at 2 is feasible, but
    # the scheme takes b first, at 0, and a after it, at 2: a would start later
    problem = one_person([2, 2], [[(1, -3)], []])
    assert _as_early(problem, np.array([0, 2])).tolist() == [0, 2]


def test_optimize_proves_the_optimum_and_its_bound() -> None:
    result = milepost.level(two_on_one_person(), LevelParams(optimize=True, time_limit=5))
    assert result.status is LevelStatus.OPTIMAL
    assert result.lower_bound_minutes == result.makespan_minutes


def test_priority_1000_is_never_levelled() -> None:
    project = two_on_one_person()
    tasks = tuple(Task(t.key, duration=t.duration, priority=1000 if t.key == "ui" else 500) for t in project.tasks)
    result = milepost.level(Project(**{**project.__dict__, "tasks": tasks}))
    assert result.schedule.task("ui").start == result.unlevelled.task("ui").start
    assert "ui" not in result.delays


def test_within_float_keeps_tasks_inside_their_float() -> None:
    # api and ui share alice; ui has no float beyond the chain it is on, so it cannot move
    project = two_on_one_person()
    result = milepost.level(project, LevelParams(within_float=True))
    for t in result.schedule:
        assert t.start <= result.unlevelled.task(t.key).late_start
    assert any(d.code == "not_levelled_within_float" for d in result.diagnostics)


def test_same_seed_same_schedule() -> None:
    project = read_psplib(shared("psplib", "j30", "j3013_3.sm")).project
    a = milepost.level(project, LevelParams(schedules=300, seed=7))
    b = milepost.level(project, LevelParams(schedules=300, seed=7))
    assert [t.start for t in a.schedule] == [t.start for t in b.schedule]


@pytest.mark.parametrize("params", METHODS, ids=IDS)
def test_psplib_instance_is_levelled_to_its_optimum(params: LevelParams) -> None:
    instance = read_psplib(shared("psplib", "j30", "j301_1.sm"))
    result = milepost.level(instance.project, params)
    check(instance.project, result)
    assert period_of(result.schedule.finish_date) == result.makespan_minutes
    assert result.makespan_minutes == 43  # the proven optimum (j30opt.sm)
    assert result.lower_bound_minutes >= 38  # the critical path


@st.composite
def staffed_projects(draw: st.DrawFn) -> Project:
    """Random small projects with FS/SS/FF links and 1-3 people at 50 % or 100 %."""
    n = draw(st.integers(2, 9))
    tasks = [Task(f"t{i}", duration=day(draw(st.sampled_from([0.5, 1, 2, 3])))) for i in range(n)]
    deps = []
    for b in range(1, n):
        for a in range(b):
            if draw(st.integers(0, 4)) == 0:
                deps.append(
                    Dependency(f"t{a}", f"t{b}", draw(st.sampled_from([LinkType.FS, LinkType.SS, LinkType.FF])))
                )
    people = [Resource(f"p{k}", max_units=draw(st.sampled_from([1.0, 2.0]))) for k in range(draw(st.integers(1, 3)))]
    assignments = []
    for t in tasks:
        for p in draw(st.lists(st.sampled_from(people), max_size=2, unique_by=lambda r: r.key)):
            assignments.append(Assignment(t.key, p.key, draw(st.sampled_from([0.5, 1.0]))))
    return Project(
        name="p", anchor_date=START, tasks=tuple(tasks), dependencies=tuple(deps),
        resources=tuple(people), assignments=tuple(assignments),
    )  # fmt: skip


@pytest.mark.parametrize("params", METHODS, ids=IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(project=staffed_projects())
def test_random_projects_keep_every_invariant(params: LevelParams, project: Project) -> None:
    check(project, milepost.level(project, params))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(project=networks(calendars=True))
def test_levelling_with_nothing_to_level_keeps_every_date(project: Project) -> None:
    """Random networks on mixed calendars (every link type, leads, summaries) and no
    resources: levelling moves nothing, to the minute, and leaves no negative float."""
    result = milepost.level(project, METHODS[0])
    for task in result.unlevelled:
        levelled = result.schedule.task(task.key)
        assert (levelled.start, levelled.finish) == (task.start, task.finish), task.key
        assert levelled.total_float_minutes >= 0, task.key
    assert result.delays == {}


def test_requests_by_role_and_skill_get_qualified_people() -> None:
    people = (
        Resource("ann", role="backend", skills=(("python", 5),)),
        Resource("bob", role="backend", skills=(("python", 3),)),
        Resource("cat", role="frontend", skills=(("python", 2),)),
    )
    project = Project(
        name="Pool",
        anchor_date=START,
        tasks=(Task("api", duration=day(3)), Task("etl", duration=day(2)), Task("ui", duration=day(2))),
        resources=people,
        assignments=(Assignment("ui", "cat"),),
        requests=(
            Request("api", 2, role="backend"),
            Request("etl", 1, skill="python", level=4),
            Request("ui", 1, role="backend"),
        ),
    )
    result = milepost.level(project)
    staffed = result.schedule.project
    check(staffed, result)
    chosen = {(a.task, a.resource) for a in staffed.assignments}
    assert {("api", "ann"), ("api", "bob"), ("etl", "ann")} <= chosen  # only ann has python 4
    assert ("ui", "bob") in chosen  # the backend person with the least skill to spare
    late = sorted({"api", "etl"} & set(result.delays))  # both need ann: one waits, either way the same finish
    assert len(late) == 1
    waited_for = ({"api", "etl"} - set(late)).pop()
    delay = result.delays[late[0]]
    assert waited_for in delay.delayed_by
    assert delay.resource == "ann" or (late[0] == "api" and delay.resource == "bob")  # bob is on ui meanwhile


def test_the_smallest_budget_levels_a_large_project() -> None:
    """``--schedules 10`` (the least the CLI takes) on more activities than the vector
    list builder handles: the rules' schedules fill the budget, and no sampled list is left."""
    tasks = tuple(Task(f"t{i}", duration=day(1 + i % 3)) for i in range(400))
    links = tuple(Dependency(f"t{i}", f"t{i + 1}") for i in range(0, 398, 2))
    people = (Resource("alice", "Alice"), Resource("bob", "Bob"))
    work = tuple(Assignment(f"t{i}", people[i % 2].key) for i in range(400))
    project = Project(
        name="Large", anchor_date=START, tasks=tasks, dependencies=links, resources=people, assignments=work
    )
    result = milepost.level(project, LevelParams(schedules=10))
    check(project, result)


def test_the_time_limit_bounds_the_whole_optimizing_levelling(monkeypatch: pytest.MonkeyPatch) -> None:
    """CP-SAT gets what the heuristic leaves of ``time_limit``, and at least a second."""
    from milepost.engine.levelling import cpsat

    given: list[float] = []
    solve = cpsat.solve

    def spy(*args: object, time_limit: float, **kwargs: object) -> object:
        given.append(time_limit)
        return solve(*args, time_limit=time_limit, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cpsat, "solve", spy)
    result = milepost.level(two_on_one_person(), LevelParams(optimize=True, time_limit=30))
    assert 28 < given[0] < 30
    assert result.seconds < 30
    milepost.level(two_on_one_person(), LevelParams(optimize=True, time_limit=0.001))
    assert given[1] == 1.0
