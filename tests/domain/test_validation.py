"""Domain invariants: a loop is found whatever else is wrong, and never crashes the search."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from milepost.domain.calendar import Calendar, WorkWeek, builtin_calendars
from milepost.domain.duration import Duration
from milepost.domain.project import Constraint, ConstraintType, Dependency, Project, Task, TaskType
from milepost.domain.resource import Resource
from milepost.domain.validation import check_task_fields, validate_project


def project(tasks: list[Task], links: list[tuple[str, str]], **kw: object) -> Project:
    return Project(
        name="P",
        anchor_date=datetime(2027, 1, 4),
        tasks=tuple(tasks),
        dependencies=tuple(Dependency(a, b) for a, b in links),
        calendars=tuple(builtin_calendars().values()),
        **kw,  # type: ignore[arg-type]
    )


def leaf(key: str, parent: str | None = None, **kw: object) -> Task:
    return Task(key, parent=parent, duration=Duration(480), **kw)  # type: ignore[arg-type]


def codes(p: Project) -> list[str]:
    return sorted(problem.code for problem in validate_project(p))


def test_a_loop_downstream_of_which_a_task_comes_first() -> None:
    p = project([leaf("a"), leaf("b"), leaf("c")], [("c", "a"), ("c", "b"), ("b", "c")])
    (problem,) = validate_project(p)
    assert problem.message == "dependency cycle: b -> c -> b"
    assert problem.path == "dependencies[c->b]"


def test_a_loop_is_found_beside_other_problems() -> None:
    p = project(
        [leaf("a"), leaf("b"), leaf("a", calendar="nope"), leaf("x")],
        [("a", "b"), ("b", "a"), ("x", "x"), ("ghost", "x")],
    )
    assert codes(p) == ["dependency_cycle", "duplicate_task", "self_link", "unknown_calendar", "unknown_task"]


def test_a_loop_through_a_summary_is_placed_on_a_link() -> None:
    tasks = [Task("s"), leaf("s.a", "s"), leaf("s.b", "s"), leaf("x")]
    (problem,) = validate_project(project(tasks, [("s", "x"), ("x", "s.b")]))
    assert problem.code == "dependency_cycle"
    assert problem.path in ("dependencies[s->x]", "dependencies[x->s.b]")


def test_a_used_calendar_needs_working_time_an_unused_base_does_not() -> None:
    idle = Calendar("idle", week=WorkWeek(((),) * 7))
    holidays_only = Calendar("company")
    team = Calendar("team", base="company", week=builtin_calendars()["standard"].week)
    p = project([leaf("a", calendar="idle"), leaf("b", calendar="team")], [])
    p = replace(p, calendars=(*p.calendars, idle, holidays_only, team))
    (problem,) = validate_project(p)
    assert (problem.code, problem.path) == ("calendar_without_working_time", "calendars[idle]")


def test_a_work_resource_may_have_no_units_but_not_negative_ones() -> None:
    p = project([leaf("a")], [], resources=(Resource("idle", max_units=0.0),))
    assert codes(p) == []
    assert codes(replace(p, resources=(Resource("odd", max_units=-1.0),))) == ["invalid_units"]


def test_skill_levels_go_from_one_to_five() -> None:
    from milepost.domain.resource import Request

    fine = project([leaf("a")], [], resources=(Resource("al", skills=(("python", 5), ("sql", 1))),))
    assert codes(fine) == []
    for level in (0, 6):
        odd = replace(fine, resources=(Resource("al", skills=(("python", level),)),))
        assert codes(odd) == ["invalid_skill_level"]
        asked = replace(fine, requests=(Request("a", 1, None, "python", level),))
        assert codes(asked) == ["invalid_skill_level"]


def test_a_project_is_validated_once_and_each_caller_gets_its_own_list() -> None:
    p = project([leaf("a"), leaf("b", priority=2000)], [("a", "b"), ("b", "a")])
    first = validate_project(p)
    first.clear()
    assert [x.code for x in validate_project(p)] == ["invalid_priority", "dependency_cycle"]
    assert [x.code for x in validate_project(p, cycles=False)] == ["invalid_priority"]
    valid = project([leaf("a"), leaf("b")], [("a", "b")])
    assert validate_project(valid) == []
    assert validate_project(valid, cycles=False) == []


def test_a_task_with_fields_to_check_is_checked_beside_plain_ones() -> None:
    tasks = [leaf("a"), leaf("b", percent_complete=150), Task("c", duration=Duration(-1)), leaf("d")]
    assert codes(project(tasks, [])) == ["invalid_progress", "negative_duration"]


# Every field of a task, with values the checks accept and values they refuse: the
# validation skips the per-task checks for tasks whose fields need none (most tasks of a
# large plan), so a field a check reads must never be missing here.
_DAY = st.sampled_from([None, datetime(2027, 1, 4, 8), datetime(2027, 1, 8, 17)])
TASK_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "name": st.just("n"),
    "parent": st.none(),
    "duration": st.sampled_from([Duration(0), Duration(480), Duration(-1)]),
    "milestone": st.booleans(),
    "deliverable": st.booleans(),
    "priority": st.sampled_from([0, 500, 1000, -1, 1001]),
    "notes": st.just(""),
    "external_id": st.none(),
    "calendar": st.sampled_from([None, "standard", "nowhere"]),
    "constraint": st.sampled_from(
        [
            None,
            Constraint(ConstraintType.ASAP),
            Constraint(ConstraintType.SNET),
            Constraint(ConstraintType.MSO, datetime(2027, 1, 5)),
            Constraint(ConstraintType.ASAP, datetime(2027, 1, 5)),
        ]
    ),
    "deadline": _DAY,
    "manual": st.booleans(),
    "manual_start": _DAY,
    "manual_finish": _DAY,
    "percent_complete": st.sampled_from([0, 50, 100, -1, 101]),
    "actual_start": _DAY,
    "actual_finish": _DAY,
    "task_type": st.sampled_from(list(TaskType)),
    "effort_driven": st.booleans(),
}


def test_the_task_fields_strategy_covers_every_field() -> None:
    assert set(TASK_FIELDS) == {f.name for f in fields(Task)} - {"key"}


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries(TASK_FIELDS))
def test_validation_finds_every_problem_of_a_tasks_own_fields(values: dict[str, object]) -> None:
    task = Task("a", **values)  # type: ignore[arg-type]
    p = project([task], [])
    expected = [x.code for x in check_task_fields(task, p.calendar_map)]
    found = [x.code for x in validate_project(p)]
    assert all(code in found for code in expected), (expected, found)
