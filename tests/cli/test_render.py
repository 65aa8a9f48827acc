"""How the CLI shows a schedule: tables that fit the terminal without cutting values
short, and names from plans printed as written."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

import milepost
from milepost.cli.render import schedule_table
from tests.cli.runs import run_on

EXAMPLE = Path(__file__).parents[2] / "examples" / "web-launch.yaml"


def shown(width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(schedule_table(milepost.schedule(milepost.load(EXAMPLE)), width=width))
    return console.export_text()


@pytest.mark.parametrize("width", [60, 80, 100, 200])
def test_the_schedule_table_fits_the_width_and_cuts_nothing_short(width: int) -> None:
    text = shown(width)
    lines = text.splitlines()
    assert max(len(line.rstrip()) for line in lines[1:]) <= width  # the title may wrap
    assert "…" not in text
    squeezed = text.replace(" ", "").replace("│", "").replace("\n", "")
    for date in ("2027-03-01", "2027-06-03", "09:00", "14:00"):
        assert date in squeezed
    # a long name wraps and a long key folds over lines, but every character is there, in order
    task_column = "".join(line.split("│")[2].replace(" ", "") for line in lines if line.startswith("│"))
    for key in ("(discovery.interviews)", "(readiness.go_no_go)", "(launch)"):
        assert key in task_column


def test_a_wide_terminal_shows_one_row_per_task() -> None:
    text = shown(200)
    assert re.search(
        r"│ 2\.1 │   Customer interviews \(discovery\.interviews\) +│ Mon 2027-03-01 09:00 │ Fri 2027-03-12 18:00 │",
        text,
    )


def test_at_eighty_columns_a_date_wraps_before_its_time() -> None:
    rows = [line for line in shown(80).splitlines() if line.startswith("│")]
    first = [cell.strip() for cell in rows[0].split("│")[1:-1]]
    second = [cell.strip() for cell in rows[1].split("│")[1:-1]]
    third = [cell.strip() for cell in rows[2].split("│")[1:-1]]
    assert (first[2], second[2], third[2]) == ("Mon", "2027-03-01", "09:00")


def test_names_with_brackets_print_as_written(tmp_path: Path) -> None:
    result = run_on(
        tmp_path,
        "project: {name: '[red]Q3[/red] plan', start: 2027-01-04}\n"
        "tasks:\n"
        "  - {key: a, name: 'a [/] b', duration: 1d}\n"
        "  - {key: b, name: '[WIP] deploy', duration: 1d, after: [a]}\n",
        "schedule",
    )
    for text in ("[red]Q3[/red] plan", "a [/] b (a)", "[WIP] deploy (b)"):
        assert text in result.output
