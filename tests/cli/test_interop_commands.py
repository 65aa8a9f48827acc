"""``milepost compare``: MS Project's dates against Milepost's, task by task."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from milepost.cli.app import app

runner = CliRunner()
LAGS = Path(__file__).parents[1] / "io" / "mspdi" / "cases" / "lags.xml"


def test_compare_confirms_a_file_whose_dates_milepost_lands_on() -> None:
    result = runner.invoke(app, ["compare", str(LAGS)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"✓ {LAGS}: all 6 automatically scheduled tasks match MS Project to the minute" in result.output


def test_compare_lists_a_task_whose_dates_differ_and_exits_1(tmp_path: Path) -> None:
    changed = tmp_path / "lags.xml"  # 'Strip' saved as finishing a day later than MS Project computes
    changed.write_text(
        LAGS.read_text(encoding="utf-8").replace(
            "<Start>2027-01-07T08:00:00</Start>\n\t\t\t<Finish>2027-01-08T17:00:00</Finish>",
            "<Start>2027-01-07T08:00:00</Start>\n\t\t\t<Finish>2027-01-11T17:00:00</Finish>",
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["compare", str(changed)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "1 of 6 tasks differ" in result.output
    assert "1 task differs from MS Project" in result.output
    row = next(line for line in result.output.splitlines() if "Strip" in line)
    assert [cell.strip() for cell in row.split("│")[2:7]] == [
        "2",
        "2027-01-07 08:00",
        "2027-01-07 08:00",
        "2027-01-11 17:00",
        "2027-01-08 17:00",
    ]


def test_compare_says_when_there_is_nothing_to_compare(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_text(
        '<?xml version="1.0"?>\n<Project xmlns="http://schemas.microsoft.com/project">'
        "<Name>Empty</Name><StartDate>2027-01-04T08:00:00</StartDate></Project>\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["compare", str(empty)])
    assert result.exit_code == 0, result.output
    assert "nothing to compare, the file has no automatically scheduled task with MS Project's dates" in result.output
