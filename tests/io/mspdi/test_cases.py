"""Hand-written MSPDI cases for what the files MS Project saved do not cover.

Each file in ``cases/`` is a small MS Project XML file whose tasks carry the Start and
Finish MS Project computes, worked out by hand from the rules in ``docs/scheduling.md``
and ``docs/ms-project.md``; the arithmetic is in the comment at the top of the file.
Milepost must land on the same dates for every automatically scheduled task (summaries
included, manual tasks left out).  A case where Milepost is believed wrong would go to
``cases/disputed/`` (not run) with the right dates and the reasons; there is none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from milepost.services.fidelity import compare_with_ms_project

CASES = Path(__file__).parent / "cases"
FILES = sorted(CASES.glob("*.xml"))

COMPARED = {
    "constraints_honored.xml": 12,
    "constraints_not_honored.xml": 7,
    "deadline.xml": 4,
    "estimated_and_elapsed_durations.xml": 6,
    "lags.xml": 6,
    "manual_task.xml": 3,  # of 4: the manual task keeps its typed dates and is not compared
    "milestones_and_finish_links.xml": 8,
    "recurring_exception_2007.xml": 4,
    "schedule_from_finish.xml": 4,
    "summary_links.xml": 9,  # the two summary tasks too
    "task_calendar_2003_exception.xml": 4,
    "work_weeks_and_derived_calendar.xml": 4,
}


def test_every_case_says_how_many_tasks_it_compares() -> None:
    assert {p.name for p in FILES} == set(COMPARED)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_milepost_lands_on_the_hand_worked_dates(path: Path) -> None:
    result = compare_with_ms_project(path)
    detail = [
        f"{m.name} (UID {m.external_id}): expected {m.ms_start:%a %Y-%m-%d %H:%M}..{m.ms_finish:%a %Y-%m-%d %H:%M}, "
        f"Milepost {m.start:%a %Y-%m-%d %H:%M}..{m.finish:%a %Y-%m-%d %H:%M}"
        for m in result.mismatches
    ]
    assert not detail, "\n".join(detail)
    assert result.compared == COMPARED[path.name]
    assert not result.imported.notes, result.imported.notes  # everything in these files is mapped


def test_the_cases_use_what_they_say() -> None:
    """Guards against a case that passes because the feature it is about was never read."""
    honored = compare_with_ms_project(CASES / "constraints_honored.xml").imported.project
    assert {t.constraint.type.value for t in honored.tasks if t.constraint} == {
        "ALAP", "MSO", "MFO", "SNET", "SNLT", "FNET", "FNLT"
    }  # fmt: skip
    assert not compare_with_ms_project(CASES / "constraints_not_honored.xml").imported.project.honor_constraints
    manual = compare_with_ms_project(CASES / "manual_task.xml").imported
    assert manual.manual == {"permit"}
    lags = compare_with_ms_project(CASES / "lags.xml").imported.project
    assert {type(d.lag).__name__ for d in lags.dependencies} == {"Duration", "PercentLag"}
    assert any(getattr(d.lag, "elapsed", False) for d in lags.dependencies)
    assert any(getattr(d.lag, "minutes", 0) < 0 for d in lags.dependencies)
    calendars = compare_with_ms_project(CASES / "task_calendar_2003_exception.xml").imported.project
    assert calendars.task("pump").calendar == "long-days"
    assert len(calendars.calendar_map["standard"].exceptions) == 2
    recurring = compare_with_ms_project(CASES / "recurring_exception_2007.xml").imported.project
    assert all(e.recurrence is not None for e in recurring.calendar_map["standard"].exceptions)
    weeks = compare_with_ms_project(CASES / "work_weeks_and_derived_calendar.xml").imported.project
    assert len(weeks.calendar_map["standard"].work_weeks) == 1
    assert weeks.calendar_map["crew"].base == "standard"
    backward = compare_with_ms_project(CASES / "schedule_from_finish.xml").imported.project
    assert backward.anchor.value == "finish"
    durations = compare_with_ms_project(CASES / "estimated_and_elapsed_durations.xml").imported.project
    assert {(t.duration.elapsed, t.duration.estimated) for t in durations.tasks} == {
        (False, True), (True, False), (False, False)
    }  # fmt: skip
