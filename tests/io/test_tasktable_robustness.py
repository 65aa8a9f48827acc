"""Damaged task lists (CSV, Excel) give a project or problems with cells, never a traceback.

The example task lists of ``test_tasktable.py`` (our own CSV, an MS Project style
export) and the CSV and Excel files Milepost exports for the bundled examples are
mutated: rows deleted, repeated or swapped, cells replaced with garbage (negative,
huge, empty, not a number, 2027-13-45, 9999-12-31, absurd durations and lags,
percentages, task numbers that close loops...), then the bytes cut short, given
invalid bytes or another separator; workbooks get garbage cells (numbers, dates,
booleans, time spans) and damaged archives.  Inputs that once broke the reader are
kept in ``tasktable_crashers/`` (see ``test_crasher_corpus.py``).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import milepost
from milepost.engine import schedule
from milepost.errors import InvalidInputError
from milepost.io.results import schedule_to_csv
from milepost.io.spreadsheet import write_schedule_xlsx
from milepost.io.tasktable import read_task_table
from tests.io.outcomes import attempt
from tests.io.test_tasktable import EXAMPLE

EXAMPLES = Path(__file__).parents[2] / "examples"
MS_PROJECT_STYLE = """\
ID,Task Name,Duration,Start,Predecessors,Outline Level,Deadline,Priority,Notes
1,Design,5 days,Mon 3/1/27 8:00 AM,,1,,500,
2,Build,2 wks,,1FS+2d,2,3/20/2027,high,
3,Test,3d?,,"2SS-1 day;1",2,,,x
4,Ship,0 days,,3FF+50%,1,,,
"""
TEXT = [
    "",
    "-1",
    "-99999",
    "0",
    "1",
    "2",
    "3",
    "0.5",
    "99999999999999999999",
    "9" * 400,
    "1e309",
    "nan",
    "inf",
    "abc",
    "é",
    "²",
    "2027-13-45",
    "13/45/2027",
    "45.13.2027",
    "Feb 30 2027",
    "9999-12-31",
    "0001-01-01",
    "99999999w",
    "-3d",
    "3x",
    "5ed",
    "1?",
    "+50%",
    "-1e9%",
    "1FS+99999999w",
    "2SS+99999999999%",
    "1, 2, 3",
    "1.2.3",
    "..",
    "yes",
    "maybe",
    "donotlevel",
    "1001",
    "x" * 300,
]
CELLS: list[object] = [
    None,
    -1,
    0,
    2.5,
    1e308,
    -1e9,
    10**20,
    True,
    datetime(2027, 1, 1),
    datetime(9999, 12, 31),
    date(1900, 1, 1),
    time(8, 0),
    timedelta(days=3),
    timedelta(days=-3),
    timedelta(days=10**8),
    *TEXT,
]


@cache
def csv_sources() -> tuple[str, ...]:
    """Our example task lists and the CSV Milepost exports for the bundled plans."""
    found = [EXAMPLE, MS_PROJECT_STYLE]
    for plan in sorted(EXAMPLES.glob("*.yaml"))[:2]:
        found.append(schedule_to_csv(milepost.schedule(milepost.load(plan))))
    return tuple(found)


@cache
def workbook_rows() -> tuple[tuple[tuple[object, ...], ...], ...]:
    """The first rows of the workbooks Milepost exports for the bundled plans (enough, and quick)."""
    found = []
    for plan in sorted(EXAMPLES.glob("*.yaml"))[:2]:
        buffer = io.BytesIO()
        write_schedule_xlsx(milepost.schedule(milepost.load(plan)), buffer)
        sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
        found.append(tuple(tuple(row) for row in sheet.iter_rows(max_row=25, values_only=True)))
    return tuple(found)


def _mutate_rows(draw: st.DrawFn, rows: list[list[object]], values: st.SearchStrategy[object]) -> None:
    for _ in range(draw(st.integers(1, 4))):
        if not rows:
            return
        i = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["delete", "repeat", "swap", "cell", "cell", "cell", "number"]))
        if action == "delete":
            del rows[i]
        elif action == "repeat":
            rows.insert(i, list(rows[i]))
        elif action == "swap":
            j = draw(st.integers(0, len(rows) - 1))
            rows[i], rows[j] = rows[j], rows[i]
        elif rows[i]:
            j = draw(st.integers(0, len(rows[i]) - 1))
            # a task number refers to another row: links and parents that may close a loop
            rows[i][j] = str(draw(st.integers(1, len(rows)))) if action == "number" else draw(values)


@st.composite
def damaged_csv(draw: st.DrawFn) -> bytes:
    """A task list with rows and cells changed, then perhaps its bytes."""
    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(draw(st.sampled_from(csv_sources()))))]
    _mutate_rows(draw, rows, st.sampled_from(TEXT))
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    data = out.getvalue().encode(encoding, errors="replace")
    action = draw(st.sampled_from(["none", "none", "cut", "insert", "separator"]))
    if action == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if action == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from([b"\xff\xfe", b"\x00", b"\xc3", b'"', b"\r"])) + data[at:]
    if action == "separator":
        return data.replace(b",", draw(st.sampled_from([b";", b"\t", b"|"])))
    return data


@st.composite
def damaged_workbook(draw: st.DrawFn) -> bytes:
    """An exported workbook with rows and cells changed, then perhaps its archive damaged."""
    rows = [list(r) for r in draw(st.sampled_from(workbook_rows()))]
    _mutate_rows(draw, rows, st.sampled_from(CELLS))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    action = draw(st.sampled_from(["none", "none", "none", "cut", "flip"]))
    # Positions are drawn within fixed bounds, then wrapped: the workbook's size varies from
    # run to run (its archive holds the time it was written), and Hypothesis needs the same
    # draws to replay an example.
    if action == "cut":
        return bytes(data[: draw(st.integers(0, 1 << 20)) % (len(data) + 1)])
    if action == "flip":
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, 1 << 20)) % len(data)] ^= draw(st.integers(1, 255))
    return bytes(data)


def assert_clean(path: Path, *, start: date | None = None) -> None:
    """Read and schedule ``path``: a project, or problems that each say what and where."""
    table, error = attempt(lambda: read_task_table(path, start=start))
    if table is None:
        assert isinstance(error, InvalidInputError), error
        for problem in error.problems:
            assert len(problem.message) > 10, problem
            assert problem.file == str(path), problem
        return
    assert all(table.notes)
    _, refused = attempt(lambda: schedule(table.project))
    assert refused is None or len(refused.message) > 10


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tasktable")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged_csv(), start=st.none() | st.just(date(2027, 1, 4)))
def test_a_damaged_csv_task_list_gives_a_project_or_problems(folder: Path, data: bytes, start: date | None) -> None:
    path = folder / "tasks.csv"
    path.write_bytes(data)
    assert_clean(path, start=start)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged_workbook())
def test_a_damaged_workbook_gives_a_project_or_problems(folder: Path, data: bytes) -> None:
    path = folder / "tasks.xlsx"
    path.write_bytes(data)
    assert_clean(path, start=date(2027, 1, 4))
