"""``milepost level``: the heuristic's budget, by default and given."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from milepost.cli.app import app
from tests.cli.runs import run_on

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


AWAY = """\
milepost: 1
project: {name: Away, start: 2027-01-04}
resources:
  - key: alice
    availability:
      - {from: 2027-01-04, to: 2027-01-08, units: 0%}
tasks:
  - {key: api, duration: 2d, assign: [alice]}
  - {key: ship, duration: 1d, after: [api]}
"""


def test_level_says_a_task_waited_for_its_resources_time_off(tmp_path: Path) -> None:
    plan = tmp_path / "away.yaml"
    plan.write_text(AWAY)
    shown = runner.invoke(app, ["level", str(plan)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "api: +5d, waited for alice (its time off or availability)" in shown.output
    assert "ship: +5d, follows delayed api" in shown.output
    document = json.loads(runner.invoke(app, ["level", str(plan), "-f", "json"]).stdout)
    api = next(t for t in document["tasks"] if t["key"] == "api")
    assert (api["delay_resource"], api["delayed_by"], api["delay_minutes"]) == ("alice", [], 5 * 480)


def test_load_splits_a_wide_table_into_tables_that_fit_the_terminal() -> None:
    result = runner.invoke(app, ["load", str(EXAMPLE), "--by", "week"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines if line.startswith(("┃", "│"))) <= 80
    assert "…" not in result.output
    titles = [line for line in lines if line.startswith("Load by week")]
    assert titles == [
        "Load by week (hours; capacity in brackets, resources 1–6 of 10)",
        "Load by week (hours; capacity in brackets, resources 7–10 of 10)",
    ]
    assert lines[lines.index(titles[1]) + 2].split() == [
        "┃",
        "Period",
        "┃",
        "leo",
        "┃",
        "quinn",
        "┃",
        "omar",
        "┃",
        "maya",
        "┃",
    ]
    # every block lists the same periods, and an over-allocation shows where it is
    assert result.output.count("│ Mon 2027-04-12 │") == 2
    assert "chen Mon 2027-04-12: 80h of 40h (+40h; 5d) by backend.services, backend.payments" in result.output


def test_load_shows_one_table_where_the_terminal_is_wide_enough() -> None:
    result = runner.invoke(app, ["load", str(EXAMPLE), "--by", "week"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.output.count("Load by week (hours; capacity in brackets)") == 1
    assert result.output.count("│ Mon 2027-04-12 │") == 1


def test_load_says_when_a_plan_has_no_resources(tmp_path: Path) -> None:
    result = run_on(tmp_path, "project: {name: x, start: 2027-01-04}\ntasks:\n  - {key: a, duration: 2d}\n", "load")
    assert (
        result.output.strip() == "this plan has no resources: nothing to load (see 'resources' in docs/plan-format.md)"
    )


def test_level_says_what_the_optimizer_minimised_and_which_deadlines_are_missed() -> None:
    shown = runner.invoke(
        app,
        ["level", str(EXAMPLE), "--optimize", "--time-limit", "3", "--objective", "lateness"],
        env={"COLUMNS": "300"},
    )
    assert shown.exit_code == 0, shown.output
    assert "optimize: optimal for the priority-weighted lateness against deadlines, then the makespan;" in shown.output
    assert "lower bound" not in shown.output  # the bound is the makespan's, not this objective's
    assert "deadlines missed after levelling: launch (by how much: the warnings below)" in shown.output
    document = json.loads(runner.invoke(app, ["level", str(EXAMPLE), "-f", "json"]).stdout)
    assert (document["method"], document["objective"]) == ("heuristic", "makespan")
    document = json.loads(
        runner.invoke(
            app, ["level", str(EXAMPLE), "-f", "json", "--optimize", "--time-limit", "2", "--objective", "lateness"]
        ).stdout
    )
    assert (document["method"], document["objective"]) == ("optimize", "lateness")


def test_level_shows_the_levellings_own_warnings(tmp_path: Path) -> None:
    shown = run_on(
        tmp_path,
        "milepost: 1\nproject: {name: Half, start: 2027-01-04}\nresources:\n  - {key: alice, units: 50%}\n"
        "tasks:\n  - {key: api, duration: 2d, assign: [alice 100%]}\n",
        "level",
        columns=300,
    )
    assert (
        "warning[assignment_exceeds_max_units]: 'api' asks more units of 'alice' than it has, so 'alice' stays "
        "over-allocated while it runs (levelled as if it asked for all of them): lower the assignment's units or "
        "raise the resource's"
    ) in shown.output
