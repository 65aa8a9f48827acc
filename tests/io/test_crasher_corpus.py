"""Every input that once broke a reader now gives a clean outcome.

The corpus: ``mspdi/crashers/`` (MS Project XML), ``tasktable_crashers/`` (CSV,
Excel) and ``psplib_crashers/`` (PSPLIB ``.sm``).  Each file is the smallest input
found that gave a traceback (or, for a few, an import the plan file could not read
back, or a refusal from the scheduler that did not say where in the file), shrunk by
hand from what the fuzz tests and atheris found.  ``EXPECTED`` says what each must
give now: a project (``"ok"``) or the code of the first problem.  Adding a file means
adding its expectation.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from milepost.engine import schedule
from milepost.errors import InvalidInputError
from milepost.io.formats import import_project
from milepost.io.planfile import dump_plan, parse_plan
from tests.io.outcomes import attempt

HERE = Path(__file__).parent
FOLDERS = (HERE / "mspdi" / "crashers", HERE / "tasktable_crashers", HERE / "psplib_crashers")

EXPECTED = {
    # MS Project XML: tracebacks of the reader before these were fixed
    "uid_not_a_number.xml": "invalid_number",
    "outline_level_infinite.xml": "invalid_number",
    "constraint_date_2027_13_45.xml": "invalid_date",
    "duration_not_iso.xml": "invalid_duration",
    "lag_not_a_number.xml": "invalid_number",
    "lag_infinite.xml": "value_out_of_range",
    "working_time_without_colon.xml": "invalid_time",
    "working_times_overlap.xml": "invalid_working_time",
    "working_time_from_midnight_to_noon.xml": "invalid_working_time",
    "exception_without_time_period.xml": "ok",
    # imported, but `milepost import` wrote a plan file it could not read back
    "currency_not_iso.xml": "invalid_currency",
    "negative_rate.xml": "value_out_of_range",
    "weekly_exception_without_days.xml": "ok",
    # the scheduler refused it without saying where in the file
    "absurd_duration.xml": "absurd_duration",
    # the cases the issue names
    "malformed.xml": "malformed_xml",
    "invalid_utf8.xml": "malformed_xml",
    "not_mspdi.xml": "not_mspdi",
    "link_to_missing_task.xml": "ok",
    "cycle.xml": "dependency_cycle",
    "empty.xml": "empty_file",
    "binary.xml": "not_xml",
    "mpp_renamed.xml": "not_xml",
    # task lists: tracebacks of the reader (superscript digits found by atheris)
    "utf16_cut_short.csv": "invalid_date",
    "duration_400_digits.csv": "absurd_duration",
    "deadline_9999_12_31.csv": "date_out_of_range",
    "deadline_year_9999.xlsx": "date_out_of_range",
    "damaged_sheet.xlsx": "unreadable_file",
    "zip_version_unknown.xlsx": "unreadable_file",  # zipfile's NotImplementedError (Hypothesis)
    "superscript_task_number.csv": "unknown_task",
    "superscript_outline_level.csv": "invalid_outline_level",
    # task lists the scheduler crashed on or refused without a cell
    "duration_99999999_weeks.csv": "absurd_duration",
    "lag_99999999_weeks.csv": "absurd_duration",
    "lag_huge_percent.csv": "absurd_duration",
    # PSPLIB: a traceback of the scheduler, then problems it found without a line
    "duration_20_digits.sm": "invalid_psplib",
    "successor_not_a_job.sm": "invalid_psplib",
    "request_for_a_missing_resource.sm": "invalid_psplib",
    "negative_duration.sm": "invalid_duration",
    "cycle.sm": "dependency_cycle",
    "successor_count_too_high.sm": "invalid_psplib",
    "duration_not_a_number.sm": "invalid_psplib",
    "truncated.sm": "invalid_psplib",
    "superscript_job_count.sm": "invalid_psplib",
    "control_character_in_job_count.sm": "dependency_cycle",  # U+001F: a blank to str.strip, not to int()
}
CORPUS = sorted((p for folder in FOLDERS for p in folder.iterdir() if p.is_file()), key=lambda p: p.name)


def test_every_file_of_the_corpus_has_an_expectation() -> None:
    assert {p.name for p in CORPUS} == set(EXPECTED)


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_a_crasher_gives_a_project_or_a_clear_problem(path: Path) -> None:
    expected = EXPECTED[path.name]
    imported, error = attempt(lambda: import_project(path))
    if imported is None:
        assert isinstance(error, InvalidInputError), error
        assert error.code == expected, error
        for problem in error.problems:
            assert problem.file == str(path)
            assert len(problem.message) > 20
            assert "Traceback" not in problem.message
            if problem.code not in ("empty_file", "unreadable_file"):
                assert problem.line is not None, problem  # where in the file
        return
    assert expected == "ok", f"expected {expected}, got a project"
    assert imported.notes or path.name == "weekly_exception_without_days.xml"
    schedule(imported.project)
    parse_plan(dump_plan(imported.project), "imported.yaml")  # `milepost import` writes a plan that reads back


def _problem(name: str) -> InvalidInputError:
    path = next(p for p in CORPUS if p.name == name)
    with pytest.raises(InvalidInputError) as info:
        import_project(path)
    assert len(info.value.problems) == 1
    return info.value


def test_malformed_xml_says_where() -> None:
    problem = _problem("malformed.xml").problems[0]
    assert (problem.line, problem.column) == (15, 21)
    assert "Opening and ending tag mismatch" in problem.message
    assert "line 15, column 21" not in problem.message  # said once, in the position


def test_an_xml_file_that_is_not_mspdi_names_its_root() -> None:
    message = _problem("not_mspdi.xml").problems[0].message
    for part in ("<APIBusinessObjects", "Primavera P6", "mpxj"):
        assert part in message


def test_a_cycle_names_its_tasks_in_order() -> None:
    error = _problem("cycle.xml")
    assert error.problems[0].message == (
        "dependency cycle: 'Design' (UID 1) -> 'Build' (UID 2) -> 'Test' (UID 3) -> 'Design' (UID 1)"
    )


def test_a_link_to_a_missing_task_is_skipped_and_reported() -> None:
    imported = import_project(next(p for p in CORPUS if p.name == "link_to_missing_task.xml"))
    assert [(n.code, n.count) for n in imported.notes] == [("link_to_missing_task", 1)]
    assert [(d.predecessor, d.successor) for d in imported.project.dependencies] == [("design", "build")]


def test_an_absurd_duration_says_how_long() -> None:
    problem = _problem("absurd_duration.xml").problems[0]
    assert problem.line == 10
    assert problem.message == (
        "task 'Design' (UID 1): <Duration> 'PT99999999H0M0S' is more than 100 years of work; "
        "check the number and the unit"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.xml", "the file is empty: expected Microsoft Project XML (MSPDI)"),
        ("binary.xml", "the file is not XML (it does not start with '<'): expected Microsoft Project XML (MSPDI)"),
        ("mpp_renamed.xml", "the file is a binary Microsoft Office file (an .mpp?)"),
    ],
)
def test_empty_and_binary_files_say_what_they_are(name: str, message: str) -> None:
    assert _problem(name).problems[0].message.startswith(message)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "milepost.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("command", "name", "code"),
    [
        ("schedule", "malformed.xml", 1),
        ("schedule", "binary.xml", 1),
        ("import", "cycle.xml", 1),
        ("import", "link_to_missing_task.xml", 0),
        ("schedule", "lag_not_a_number.xml", 1),
        ("import", "damaged_sheet.xlsx", 1),
        ("schedule", "duration_400_digits.csv", 1),
        ("schedule", "duration_20_digits.sm", 1),
    ],
)
def test_the_command_line_exits_cleanly_on_crashers(tmp_path: Path, command: str, name: str, code: int) -> None:
    path = next(p for p in CORPUS if p.name == name)
    extra = ["-o", str(tmp_path / "plan.yaml")] if command == "import" else []
    result = _cli(command, str(path), *extra)
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output
    if code == 1:
        assert f"error[{EXPECTED[name]}]" in result.stderr
        assert "1 problem found" in result.stderr
    else:
        assert "links to tasks that are not in the file" in result.stdout
