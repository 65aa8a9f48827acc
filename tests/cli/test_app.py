"""The milepost command line: exit codes, formats, messages."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import milepost
from milepost.cli.app import app
from milepost.cli.render import print_paths
from tests.cli.runs import run_on

runner = CliRunner()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return tmp_path / "plan.yaml"


def test_init_writes_a_plan_that_checks(plan: Path) -> None:
    result = runner.invoke(app, ["check", str(plan)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_init_refuses_to_overwrite(plan: Path) -> None:
    plan.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["init", str(plan.parent)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert plan.read_text(encoding="utf-8") == "mine"
    assert runner.invoke(app, ["init", str(plan.parent), "--force"]).exit_code == 0


def test_schedule_json_has_the_documented_shape(plan: Path) -> None:
    result = runner.invoke(app, ["schedule", str(plan), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"project", "tasks", "diagnostics"}
    assert doc["project"]["start"] == "2027-01-04T08:00:00+00:00"
    task = next(t for t in doc["tasks"] if t["key"] == "build.frontend")
    for field in (
        "key",
        "name",
        "start",
        "finish",
        "duration_minutes",
        "total_float_minutes",
        "free_float_minutes",
        "critical",
        "summary",
        "milestone",
        "predecessors",
    ):
        assert field in task
    assert task["predecessors"] == [{"key": "build.backend", "type": "SS", "lag_minutes": 960}]
    assert doc["project"]["driving_path"][-1] == "launch"


def test_schedule_critical_only(plan: Path) -> None:
    doc = json.loads(runner.invoke(app, ["schedule", str(plan), "-f", "json", "--critical"]).stdout)
    assert doc["tasks"]
    assert all(t["critical"] for t in doc["tasks"])


def test_schedule_csv(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["schedule", str(plan), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["key"] for r in rows][:3] == ["plan", "plan.scope", "plan.design"]
    assert rows[0]["wbs"] == "1"


def test_schedule_table_and_gantt(plan: Path) -> None:
    result = runner.invoke(app, ["schedule", str(plan), "--gantt"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Agree scope" in result.output
    assert "critical path: plan.scope → plan.design → build.backend → test → launch" in result.output
    assert "◆" in result.output


def test_critical_path_follows_the_constraint_that_drives_the_finish(tmp_path: Path) -> None:
    result = run_on(
        tmp_path,
        "project: {name: x, start: 2027-01-04}\n"
        "tasks:\n"
        "  - {key: build, duration: 5d}\n"
        "  - {key: install, duration: 1d, after: [build], constraint: SNET 2027-02-01}\n"
        "  - {key: audit, duration: 1d, after: [install], constraint: FNLT 2027-02-12}\n"
        "  - {key: briefing, duration: 1d, after: [build], constraint: ALAP}\n",
        "schedule",
    )
    # briefing (ALAP, 16d float) also finishes last, but the chain that drives the finish is
    # install (held by its SNET) then audit; build has 15d of float and is not on it
    assert "critical path: install → audit" in result.output


def test_driving_path_with_non_critical_tasks_is_not_called_critical(plan: Path) -> None:
    result = milepost.schedule(milepost.load(plan))
    cols = replace(result.columns, critical=[False] * len(result.columns.critical))
    console = Console(record=True, width=200)
    print_paths(replace(result, columns=cols), console)
    text = console.export_text()
    assert "critical path:" not in text
    assert "driving path to the finish: plan.scope → plan.design" in text
    assert "critical tasks (total float ≤ 0): none" in text


def test_invalid_plan_exits_1_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "project: {name: x, start: 2027-01-04}\n"
        "tasks:\n"
        "  - {key: a, duration: 3x}\n"
        "  - {key: b, duration: 1d, after: [zz]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["schedule", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3:24 (tasks[0].duration): error[invalid_duration]" in result.output
    assert f"{bad}:4:36 (tasks[1].after[0]): error[unknown_task]" in result.output
    assert "2 problems found" in result.output
    assert "Traceback" not in result.output


def test_cycle_names_its_tasks(tmp_path: Path) -> None:
    bad = tmp_path / "cycle.yaml"
    bad.write_text(
        "project: {name: x, start: 2027-01-04}\n"
        "tasks:\n"
        "  - {key: a, duration: 1d, after: [c]}\n"
        "  - {key: b, duration: 1d, after: [a]}\n"
        "  - {key: c, duration: 1d, after: [b]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    assert "dependency cycle: a -> b -> c -> a" in result.output


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["schedule", "missing.yaml"], 1, "no such file"),
        (["schedule", "plan.txt"], 1, "cannot tell the format"),
        (["schedule"], 2, "Missing argument"),
        (["schedule", "x.yaml", "--format", "xml"], 2, "Invalid value"),
        (["frobnicate"], 2, "No such command"),
    ],
)
def test_usage_and_file_errors(args: list[str], code: int, text: str, tmp_path: Path) -> None:
    (tmp_path / "plan.txt").write_text("x", encoding="utf-8")
    result = runner.invoke(app, [a if not a.endswith(".txt") else str(tmp_path / a) for a in args])
    assert result.exit_code == code
    assert text in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["schedule", "{plan}", "-f", "json", "-o", "{missing}/s.json"], "no such file or directory"),
        (["export", "{plan}", "-o", "{missing}/plan.xml"], "no such file or directory"),
        (["init", "{plan}/deeper"], "not a directory"),  # a folder inside a file
    ],
    ids=["schedule", "export", "init"],
)
def test_an_output_the_system_refuses_is_a_clear_error(
    args: list[str], reason: str, plan: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    before = plan.read_bytes()
    result = runner.invoke(app, [a.format(plan=plan, missing=missing) for a in args])
    assert result.exit_code == 1
    assert f"error[file_error]: cannot use this file: {reason}" in result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert not missing.exists()
    assert plan.read_bytes() == before


def test_check_counts_the_warnings_it_printed(tmp_path: Path) -> None:
    result = run_on(
        tmp_path,
        "project: {name: x, start: 2027-01-04}\ntasks:\n  - {key: a, duration: 5d, deadline: 2027-01-06}\n",
        "check",
    )
    assert "warning[deadline_missed]" in result.output
    assert result.output.splitlines()[-1].endswith("plan.yaml: 1 task, 0 links, valid; 2 warnings above")


def test_a_refusal_without_a_file_is_not_called_a_file_error(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(path: object) -> None:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(milepost, "load", refused)
    result = runner.invoke(app, ["schedule", str(plan)])
    assert result.exit_code == 1
    assert "error[system_error]: the system refused: address already in use" in result.output
    assert "file" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception


def test_schema_and_version() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["title"] == "Milepost plan"
    assert "tasks" in schema["properties"]
    assert runner.invoke(app, ["--version"]).stdout.startswith("milepost ")


def test_the_command_sets_the_collector_for_a_process_that_builds_many_objects() -> None:
    import gc

    from milepost.cli import app as cli_app

    before = gc.get_threshold()
    try:
        cli_app.tune_collector()
        assert gc.get_threshold()[0] == 50_000
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
