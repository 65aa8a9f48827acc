"""What the plan reader says about a problem: plain words, a useful suggestion, no jargon.

The error corpus (``errors/*.yaml``) pins codes and positions; these tests pin the
sentences, and what the reader accepts.
"""

from __future__ import annotations

from datetime import date

import pytest

from milepost.domain.duration import TimeUnit
from milepost.errors import InvalidInputError, Problem
from milepost.io.planfile import parse_plan

HEAD = "project: {name: T, start: 2027-01-04}\n"


def problems(text: str) -> list[Problem]:
    with pytest.raises(InvalidInputError) as info:
        parse_plan(text, "plan.yaml")
    return list(info.value.problems)


def only(text: str) -> Problem:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------ 1. UTC offsets
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("project: {name: T, start: 2027-01-04T09:00Z}\n", "invalid_value"),
        ("project: {name: T, finish: '2027-01-04T17:00+01:00'}\n", "invalid_value"),
        (HEAD + "tasks: [{key: a, duration: 1d, deadline: 2027-01-08T17:00Z}]\n", "invalid_value"),
        (HEAD + "tasks: [{key: a, duration: 1d, constraint: SNET 2027-01-05T09:00Z}]\n", "invalid_constraint"),
        (HEAD + "tasks: [{key: a, duration: 1d, constraint: FNLT 2027-01-05 09:00-05:00}]\n", "invalid_constraint"),
    ],
)
def test_a_utc_offset_is_a_problem_not_a_crash(text: str, code: str) -> None:
    problem = only(text)
    assert problem.code == code
    assert "write local times without a UTC offset (the project has a time zone)" in problem.message
    assert "Value error" not in problem.message


# ------------------------------------------------------- 2. bare number durations
def test_a_bare_number_duration_means_days() -> None:
    project = parse_plan(HEAD + "tasks: [{key: a, duration: 2}, {key: b, duration: 2.5}, {key: c, duration: '3'}]\n")
    assert [t.duration.minutes for t in project.tasks] == [960, 1200, 1440]
    assert {t.duration.unit for t in project.tasks} == {TimeUnit.DAY}


def test_units_in_any_case_and_long_spellings() -> None:
    text = HEAD + "tasks: [{key: a, duration: 3D}, {key: b, duration: 2hrs}, {key: c, duration: 1mon}]\n"
    assert [t.duration.minutes for t in parse_plan(text).tasks] == [1440, 120, 9600]


# ---------------------------------------------------------------------- 3. keys
def test_a_numeric_key_is_its_text() -> None:
    project = parse_plan(HEAD + "tasks: [{key: 5, duration: 1d}, {key: b, duration: 1d, after: [5]}]\n")
    assert [t.key for t in project.tasks] == ["5", "b"]
    assert (project.dependencies[0].predecessor, project.dependencies[0].successor) == ("5", "b")


@pytest.mark.parametrize("key", ["v1.2", "design api", "-x", "a/b"])
def test_a_task_key_outside_the_pattern_is_one_clear_problem(key: str) -> None:
    problem = only(HEAD + f"tasks: [{{key: '{key}', duration: 1d}}]\n")
    assert problem.code == "invalid_key"
    assert "letters, digits, _ and -" in problem.message
    assert ("a dot separates" in problem.message) == ("." in key)


def test_a_calendar_key_outside_the_pattern() -> None:
    problem = only(HEAD + "calendars: {office.london: {base: standard}}\ntasks: [{key: a, duration: 1d}]\n")
    assert (problem.code, problem.line, problem.column) == ("invalid_key", 2, 13)


# ------------------------------------------------------------- 4. no Pydantic jargon
JARGON = ("Input should", "Value error", "instance of", "Model", "String should match", "pattern")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("project: {name: T, start: 2027-01-04, currency: usd}\n", "a three-letter ISO 4217 code such as USD"),
        ("project: {name: T, start: 2027-02-30}\n", "'2027-02-30' is not a date"),
        ("project:\ntasks: []\n", "'project' has no value; expected the project's settings: a mapping with its name"),
        (HEAD + "tasks:\n  -\n", "item 1 of 'tasks' is empty; expected a task: a mapping with the task's key, name"),
        (HEAD + "tasks: [7]\n", "expected a task: a mapping with the task's key"),
        (HEAD + "tasks: [{key: a, duration: 1d, priority: high}]\n", "priority: expected a whole number (got 'high')"),
        (HEAD + "tasks: [{key: a, duration: 1d, milestone: maybe}]\n", "milestone: expected true or false"),
        (HEAD + "tasks: [{key: a, duration: 1d, priority: 2000}]\n", "priority: expected at most 1000"),
        (HEAD + "calendars: {x: {week: {mon: [1]}}}\ntasks: []\n", "working hours such as"),
    ],
)
def test_schema_problems_are_plain_words(text: str, phrase: str) -> None:
    problem = only(text)
    assert phrase in problem.message
    assert not any(word in problem.message for word in JARGON), problem.message


def test_a_link_list_with_a_bad_item_is_one_problem_and_the_other_links_are_checked() -> None:
    found = problems(HEAD + "tasks: [{key: a, duration: 1d}, {key: b, duration: 1d, after: [desgn, [a]]}]\n")
    assert sorted((p.code, p.line, p.column) for p in found) == [("invalid_value", 2, 71), ("unknown_task", 2, 64)]


def test_links_to_a_task_whose_key_is_unreadable_are_not_reported_again() -> None:
    text = HEAD + "tasks:\n  - {key: , duration: 1d}\n  - {key: b, duration: 1d, after: [a]}\n"
    problem = only(text)
    assert (problem.code, problem.line) == ("invalid_value", 3)
    assert "'key' has no value; expected a key: letters, digits, _ and -" in problem.message


# ---------------------------------------------------------------- 5. YAML jargon
@pytest.mark.parametrize(
    ("text", "where", "phrase"),
    [
        ('project:\n  name: "Launch\n  start: 2027-01-04\n', (2, 9), 'this quote (") is never closed'),
        ("project: {name: x, start: 2027-01-04\ntasks: []\n", (2, 6), "the '{' at line 1, column 10 is never closed"),
        ("tasks: [{key: a}\n", (2, 1), "the '[' at line 1, column 8 is never closed"),
        ("tasks:\n  - key: a\n    duration: 2d\n   after: [b]\n", (4, 4), "bad indentation"),
        ("project:\n\tname: x\n", (2, 1), "tabs cannot indent YAML; use spaces"),
        ("project: {name: @x}\n", (1, 17), "'@' cannot start a value; put the value in quotes"),
    ],
)
def test_yaml_syntax_problems_are_plain_words(text: str, where: tuple[int, int], phrase: str) -> None:
    problem = only(text)
    assert problem.code == "yaml_syntax"
    assert (problem.line, problem.column) == where
    assert phrase in problem.message
    assert "did not find expected" not in problem.message
    assert "cannot start any token" not in problem.message


def test_every_repeated_key_is_reported_and_the_rest_is_checked() -> None:
    text = "project: {name: a, name: b, start: 2027-01-04}\ntasks: [{key: a, duration: 3x}]\ntasks: []\n"
    found = problems(text)
    assert sorted((p.code, p.line, p.column) for p in found) == [("duplicate_key", 1, 20), ("duplicate_key", 3, 1)]
    assert "key 'name' appears more than once" in found[0].message


def test_an_unquoted_impossible_date_does_not_crash_the_locator() -> None:
    found = problems("project: {name: x, start: 2027-13-01}\ntasks: [{key: a, duration: 1d, deadline: 2027-02-30}]\n")
    assert [(p.code, p.line) for p in found] == [("invalid_value", 1), ("invalid_value", 2)]


# ---------------------------------------------------------------- 6. suggestions
def test_a_short_key_from_outside_its_summary_suggests_the_full_key() -> None:
    text = (
        HEAD
        + "tasks:\n  - key: build\n    tasks: [{key: api, duration: 1d}]\n  - {key: t, duration: 1d, after: [api]}\n"
    )
    assert "did you mean build.api?" in only(text).message


def test_unknown_calendars_and_time_zones_get_suggestions() -> None:
    text = (
        "project: {name: T, start: 2027-01-04, calendar: offce, timezone: Europe/Londres}\n"
        "calendars: {office: {base: standard}, lab: {base: ofice}}\n"
        "tasks: [{key: a, duration: 1d, calendar: ofice}]\n"
    )
    messages = sorted(p.message for p in problems(text))
    assert sum("did you mean office?" in m for m in messages) == 3
    assert any("did you mean Europe/London" in m for m in messages)


# ---------------------------------------------------------- 7. calendar base cycles
def test_redefining_a_builtin_on_itself_explains_the_replacement() -> None:
    problem = only(HEAD + "calendars: {standard: {base: standard, holidays: GB}}\ntasks: [{key: a, duration: 1d}]\n")
    assert problem.code == "calendar_cycle"
    assert "based on itself" in problem.message
    assert "replaces the built-in" in problem.message


def test_a_loop_of_bases_is_reported_once() -> None:
    text = HEAD + "calendars: {a: {base: b}, b: {base: c}, c: {base: a}, d: {base: a}}\ntasks: []\n"
    problem = only(text)
    assert problem.message.endswith("a -> b -> c -> a")


# ------------------------------------------------------------ 8. and 9. notations
def test_a_word_after_the_lag_is_named() -> None:
    problem = only(HEAD + "tasks: [{key: a, duration: 1d}, {key: g, duration: 1d, after: [a FS +1d extra]}]\n")
    assert "unexpected word 'extra'" in problem.message
    assert "is not a duration" not in problem.message


def test_a_night_span_is_split_at_midnight() -> None:
    problem = only(
        HEAD + "calendars: {n: {week: {mon: '22:00-06:00'}}}\ntasks: [{key: a, duration: 1d, calendar: n}]\n"
    )
    assert "22:00-24:00" in problem.message
    assert "00:00-06:00" in problem.message


def test_a_weekday_range_runs_monday_to_sunday() -> None:
    problem = only(HEAD + "calendars: {n: {week: {fri-mon: '09:00-17:00'}}}\ntasks: []\n")
    assert "Monday to Sunday" in problem.message
    assert "'fri-sun, mon'" in problem.message
    assert (problem.line, problem.column) == (2, 24)  # the days, not the hours


# -------------------------------------------------------------- 10. exceptions
def test_an_exception_with_only_from_is_one_day() -> None:
    text = HEAD.replace("}", ", calendar: c}") + "calendars: {c: {base: standard, exceptions: [{from: 2027-01-05}]}}\n"
    cal = parse_plan(text + "tasks: []\n").calendar_map["c"]
    assert (cal.exceptions[0].start, cal.exceptions[0].end) == (date(2027, 1, 5), date(2027, 1, 5))


def test_an_exception_without_a_date_says_what_it_needs() -> None:
    text = HEAD + "calendars: {c: {base: standard, exceptions: [{hours: '08:00-12:00'}]}}\ntasks: []\n"
    assert "'date', or 'from' (and optionally 'to')" in only(text).message


def test_count_and_until_together_are_a_problem() -> None:
    text = HEAD + (
        "calendars: {c: {base: standard, exceptions: [{date: 2027-01-05,"
        " repeat: {frequency: daily, until: 2027-02-01, count: 3}}]}}\ntasks: []\n"
    )
    problem = only(text)
    assert problem.code == "recurrence_end"
    assert "not both" in problem.message


# ---------------------------------------------------------------- 13. working time
def test_an_unused_holidays_only_calendar_is_fine_as_a_base() -> None:
    text = HEAD.replace("}", ", calendar: team}") + (
        "calendars: {company: {holidays: GB}, team: {base: company, week: {mon-fri: '09:00-17:00'}}}\n"
        "tasks: [{key: a, duration: 1d}]\n"
    )
    assert parse_plan(text).calendar == "team"


def test_working_exceptions_are_working_time() -> None:
    text = HEAD.replace("}", ", calendar: rare}") + (
        "calendars: {rare: {exceptions: [{date: 2027-01-05, hours: '09:00-17:00'}]}}\ntasks: []\n"
    )
    assert parse_plan(text).calendar == "rare"


# ------------------------------------------------------------------- odd inputs
@pytest.mark.parametrize(
    ("text", "code", "phrase"),
    [
        ("5: x\n" + HEAD, "unknown_key", "unknown key '5'; expected one of: milepost, project"),
        ("? [a, b]\n: 1\n" + HEAD, "yaml_syntax", "a mapping key must be plain text"),
        ("project: &a\n  name: x\n  more: *a\n", "yaml_syntax", "refers to a mapping or list that contains it"),
        (HEAD + "tasks: [{key: a, duration: 1d, id: 99999999999999999999}]\n", "yaml_syntax", "put it in quotes"),
    ],
)
def test_odd_yaml_is_explained(text: str, code: str, phrase: str) -> None:
    problem = only(text)
    assert problem.code == code
    assert phrase in problem.message
    assert problem.line is not None


def test_a_byte_order_mark_is_ignored() -> None:
    assert parse_plan("\ufeff" + HEAD + "tasks: [{key: a, duration: 1d}]\n").name == "T"
