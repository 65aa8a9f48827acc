"""Excel export: the workbook read back with openpyxl matches ``schedule_to_dict``."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import milepost
from milepost.domain.builder import ProjectBuilder
from milepost.domain.schedule import Schedule
from milepost.io.results import schedule_to_dict
from milepost.io.spreadsheet import DATE_FORMAT, SCHEDULE_HEADERS, predecessor_texts, write_schedule_xlsx

DAY = 480


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    b = ProjectBuilder("Launch", start="2027-03-01", timezone="Europe/Berlin")
    b.task("design", "Design", "3d", external_id="JIRA-1")
    with b.group("build", "Build"):
        b.task("api", "API", "1w", after=["design"])
        b.task("ui", "UI", "4h", after=["design SS +1d"])
        b.task("cure", "Concrete cure", "2ed", after=["build.api +50%"])
    b.milestone("ship", "Ship", after=["build", "design FF -2h"], deadline="2027-03-05")
    return milepost.schedule(b.build())


@pytest.fixture(scope="module")
def sheets(schedule: Schedule, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Worksheet]:
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    write_schedule_xlsx(schedule, path)
    wb = openpyxl.load_workbook(path)
    return {name: wb[name] for name in wb.sheetnames}


def _rows(ws: Worksheet) -> list[dict[str, Any]]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(map(str, header), row, strict=True)) for row in values[1:]]


def _red(cell: Any) -> bool:
    color = cell.font.color
    return color is not None and color.type == "rgb" and str(color.rgb).endswith("C00000")


def _naive(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=None)


def test_sheets_and_header(sheets: dict[str, Worksheet]) -> None:
    assert list(sheets) == ["Schedule", "Diagnostics", "Project"]
    ws = sheets["Schedule"]
    assert [c.value for c in ws[1]] == list(SCHEDULE_HEADERS)
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:M7"
    assert ws.column_dimensions["D"].width == 17
    assert 12 <= ws.column_dimensions["B"].width <= 40


def test_values_match_schedule_to_dict(schedule: Schedule, sheets: dict[str, Worksheet]) -> None:
    doc = schedule_to_dict(schedule)
    rows = _rows(sheets["Schedule"])
    assert len(rows) == len(doc["tasks"]) == 6
    for row, task in zip(rows, doc["tasks"], strict=True):
        assert row["WBS"] == task["wbs"]
        assert row["Key"] == task["key"]
        assert row["Name"] == task["name"]
        assert row["Start"] == _naive(task["start"])
        assert row["Finish"] == _naive(task["finish"])
        assert round(row["Total float (days)"] * DAY) == task["total_float_minutes"]
        assert round(row["Free float (days)"] * DAY) == task["free_float_minutes"]
        assert row["Critical"] == ("Yes" if task["critical"] else "No")
        assert row["Milestone"] == ("Yes" if task["milestone"] else "No")
        assert (row["External ID"] or None) == task.get("external_id")
    per_day = {key: 1440 if key == "build.cure" else DAY for key in (t["key"] for t in doc["tasks"])}
    for row, task in zip(rows, doc["tasks"], strict=True):
        assert round(row["Duration (days)"] * per_day[task["key"]]) == task["duration_minutes"]


def test_concrete_cells(sheets: dict[str, Worksheet]) -> None:
    rows = {r["Key"]: r for r in _rows(sheets["Schedule"])}
    design, ui, cure, ship = rows["design"], rows["build.ui"], rows["build.cure"], rows["ship"]
    assert design["Start"] == datetime(2027, 3, 1, 8, 0)
    assert design["Finish"] == datetime(2027, 3, 3, 17, 0)
    assert (design["Duration"], design["Duration (days)"]) == ("3d", 3)
    assert (ui["Duration"], ui["Duration (days)"]) == ("4h", 0.5)
    assert (cure["Duration"], cure["Duration (days)"]) == ("2ed", 2)
    assert rows["build"]["WBS"] == "2"
    assert cure["WBS"] == "2.3"
    assert ui["Predecessors"] == "design SS +1d"
    assert cure["Predecessors"] == "build.api FS +50%"
    assert ship["Predecessors"] == "build FS, design FF -2h"
    assert design["External ID"] == "JIRA-1"
    assert ship["Milestone"] == "Yes"
    assert ship["Critical"] == "Yes"
    assert ui["Critical"] == "No"


def test_styles(schedule: Schedule, sheets: dict[str, Worksheet]) -> None:
    ws = sheets["Schedule"]
    by_key = {ws.cell(r, 2).value: r for r in range(2, ws.max_row + 1)}
    build, ui, design = by_key["build"], by_key["build.ui"], by_key["design"]
    assert ws.cell(build, 3).font.b
    assert not ws.cell(ui, 3).font.b
    assert _red(ws.cell(design, 1))  # critical: red text
    assert _red(ws.cell(design, 13))
    assert not _red(ws.cell(ui, 1))
    assert ws.cell(ui, 3).alignment.indent == 1  # level 2
    assert ws.cell(design, 3).alignment.indent == 0
    assert ws.cell(design, 4).number_format == DATE_FORMAT
    assert ws.cell(design, 4).is_date  # type: ignore[union-attr]
    assert schedule.task("design").critical
    assert not schedule.task("build.ui").critical


def test_diagnostics_and_project_sheets(schedule: Schedule, sheets: dict[str, Worksheet]) -> None:
    diagnostics = _rows(sheets["Diagnostics"])
    assert [(r["Severity"], r["Code"], r["Task"], r["Message"]) for r in diagnostics] == [
        (d.severity.value, d.code, d.task, d.message) for d in schedule.diagnostics
    ]
    assert any(r["Code"] == "deadline_missed" and r["Task name"] == "Ship" for r in diagnostics)
    facts = {row[0]: row[1] for row in sheets["Project"].iter_rows(values_only=True)}
    assert facts["Project"] == "Launch"
    assert facts["Time zone"] == "Europe/Berlin"
    assert facts["Start"] == datetime(2027, 3, 1, 8, 0)
    assert facts["Finish"] == schedule.finish_date
    assert facts["Tasks"] == 6


def test_writes_to_a_file_object(schedule: Schedule) -> None:
    buffer = io.BytesIO()
    write_schedule_xlsx(schedule, buffer)
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    assert wb.sheetnames[0] == "Schedule"


def test_predecessor_texts(schedule: Schedule) -> None:
    assert predecessor_texts(schedule.project) == {
        "build.api": "design FS",
        "build.ui": "design SS +1d",
        "build.cure": "build.api FS +50%",
        "ship": "build FS, design FF -2h",
    }


def test_no_diagnostics_gives_a_header_only(tmp_path: Path) -> None:
    b = ProjectBuilder("Tiny", start="2027-03-01")
    b.task("a", "A", "1d")
    path = tmp_path / "tiny.xlsx"
    write_schedule_xlsx(milepost.schedule(b.build()), path)
    wb = openpyxl.load_workbook(path)
    assert list(wb["Diagnostics"].iter_rows(values_only=True)) == [("Severity", "Code", "Task", "Task name", "Message")]
    assert wb["Schedule"].auto_filter.ref == "A1:M2"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    b = ProjectBuilder("=cmd|' /C calc'!A0", start="2027-03-01")
    b.task("a", "=1+1", "1d", notes="x")
    path = tmp_path / "formula.xlsx"
    write_schedule_xlsx(milepost.schedule(b.build()), path)
    wb = openpyxl.load_workbook(path)
    cell = wb["Schedule"]["C2"]
    assert cell.value == "=1+1"
    assert cell.data_type == "s"
    assert wb["Project"]["B1"].data_type == "s"
