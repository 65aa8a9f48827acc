"""Running a milepost command on a plan written for the test."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from milepost.cli.app import app

runner = CliRunner()


def run_on(tmp_path: Path, plan_text: str, command: str, *options: str, columns: int = 160) -> Result:
    """``milepost COMMAND plan.yaml OPTIONS`` in a terminal ``columns`` wide; it must succeed."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text, encoding="utf-8")
    result = runner.invoke(app, [command, str(plan), *options], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result
