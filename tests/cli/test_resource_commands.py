"""``milepost level``: the heuristic's budget, by default and given."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from milepost.cli.app import app

runner = CliRunner()
EXAMPLE = Path(__file__).parents[2] / "examples" / "web-launch.yaml"


def schedules_used(*options: str) -> int:
    result = runner.invoke(app, ["level", str(EXAMPLE), "-f", "json", *options])
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["schedules"])


def test_level_by_default_spends_a_thousand_schedules_on_a_small_plan() -> None:
    assert 1000 - 6 < schedules_used() <= 1000


def test_level_keeps_the_budget_given() -> None:
    assert schedules_used("--schedules", "40") <= 40


def test_level_refuses_a_budget_below_ten() -> None:
    result = runner.invoke(app, ["level", str(EXAMPLE), "--schedules", "5"])
    assert result.exit_code == 2
