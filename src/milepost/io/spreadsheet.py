"""Excel workbooks: a schedule written as an ``.xlsx`` file for people to read and filter.

The workbook has three sheets:

* **Schedule**: one row per task in outline order (WBS, key, name indented by outline
  level, start and finish as real Excel date-times in the project's local time,
  duration, floats in days, critical, milestone, predecessors in the link notation,
  external id).  Summary rows are bold, critical rows red; the header row is frozen and
  has an autofilter.
* **Diagnostics**: the schedule's non-fatal findings.
* **Project**: name, start, finish, time zone and driving path.

The rows are streamed (openpyxl's write-only mode), so 10,000 tasks take about a
second.  CSV export lives in :mod:`milepost.io.results` (``schedule_to_csv``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from milepost.domain.duration import PercentLag, TimeUnit, describe_minutes, format_duration
from milepost.domain.project import Project
from milepost.domain.schedule import Schedule

SCHEDULE_HEADERS = (
    "WBS",
    "Key",
    "Name",
    "Start",
    "Finish",
    "Duration",
    "Duration (days)",
    "Total float (days)",
    "Free float (days)",
    "Critical",
    "Milestone",
    "Predecessors",
    "External ID",
)
"""Column headers of the Schedule sheet, in order."""

DIAGNOSTIC_HEADERS = ("Severity", "Code", "Task", "Task name", "Message")
"""Column headers of the Diagnostics sheet, in order."""

DATE_FORMAT = "yyyy-mm-dd hh:mm"
DAYS_FORMAT = "0.0#"
CRITICAL_COLOR = "C00000"

_HEADER_FONT = Font(bold=True)
_FONTS = {  # (summary, critical) -> font of the row
    (True, False): Font(bold=True),
    (False, True): Font(color=CRITICAL_COLOR),
    (True, True): Font(bold=True, color=CRITICAL_COLOR),
}
_WIDTH_CAPS = {"WBS": 12, "Key": 40, "Name": 60, "Predecessors": 50, "External ID": 20}
_FIXED_WIDTHS = {"Start": 17, "Finish": 17, "Duration": 10}


def write_schedule_xlsx(schedule: Schedule, path: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write ``schedule`` as an Excel workbook.

    Parameters
    ----------
    schedule:
        The scheduled project.
    path:
        File name, or a binary file object open for writing.

    Notes
    -----
    Dates are naive Excel date-times in the project's local time (Excel has no time
    zones; the Project sheet names the zone).  Durations and floats are in days of the
    project's work units (8 hours by default); an elapsed duration counts 24-hour days.
    Reading the file back gives the values of
    :func:`milepost.io.results.schedule_to_dict`: ``Start`` is its ``start`` without the
    UTC offset, ``Duration (days)`` times the minutes per day is ``duration_minutes``.
    """
    wb = Workbook(write_only=True)
    _schedule_sheet(wb.create_sheet("Schedule"), schedule)
    _diagnostics_sheet(wb.create_sheet("Diagnostics"), schedule)
    _project_sheet(wb.create_sheet("Project"), schedule)
    wb.save(path)


def predecessor_texts(project: Project) -> dict[str, str]:
    """Each successor's predecessors as text, e.g. ``"design.api FS +2d, review SS"``.

    The link type is always written; a lag only when there is one (in its own unit, or a
    percentage).  The text reads back with :func:`milepost.domain.notation.parse_link`
    after splitting on commas.
    """
    texts: dict[str, list[str]] = {}
    for d in project.dependencies:
        text = f"{d.predecessor} {d.type.value}"
        if isinstance(d.lag, PercentLag):
            text += f" {d.lag.percent:+g}%"
        elif d.lag.minutes:
            text += " " + format_duration(d.lag, project.units, signed=True)
        texts.setdefault(d.successor, []).append(text)
    return {key: ", ".join(parts) for key, parts in texts.items()}


def _schedule_sheet(ws: WriteOnlyWorksheet, schedule: Schedule) -> None:
    project = schedule.project
    cols = schedule.columns
    day = project.units.minutes_per(TimeUnit.DAY)
    wbs = project.wbs_codes()
    preds = predecessor_texts(project)
    summaries = project.children
    levels: dict[str | None, int] = {None: 0}
    rows: list[list[Any]] = []
    styles: list[tuple[bool, bool, int]] = []
    for i, t in enumerate(project.tasks):
        summary = t.key in summaries
        level = levels[t.key] = levels[t.parent] + 1
        minutes = cols.duration[i]
        if summary:
            duration_text, duration_days = describe_minutes(minutes, project.units), minutes / day
        else:
            duration_text = format_duration(t.duration, project.units)
            duration_days = minutes / (1440 if t.duration.elapsed else day)
        rows.append(
            [
                wbs[t.key],
                t.key,
                t.name,
                schedule.origin + timedelta(minutes=cols.start[i]),
                schedule.origin + timedelta(minutes=cols.finish[i]),
                duration_text,
                duration_days,
                cols.total_float[i] / day,
                cols.free_float[i] / day,
                "Yes" if cols.critical[i] else "No",
                "Yes" if t.milestone else "No",
                preds.get(t.key, ""),
                t.external_id or "",
            ]
        )
        styles.append((summary, bool(cols.critical[i]), level))
    _set_widths(ws, SCHEDULE_HEADERS, rows)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SCHEDULE_HEADERS))}{len(rows) + 1}"  # type: ignore[attr-defined]
    _append_header(ws, SCHEDULE_HEADERS)
    for row, (summary, critical, level) in zip(rows, styles, strict=True):
        _append_task(ws, row, _FONTS.get((summary, critical)), _indent(level))


_INDENTS: dict[int, Alignment] = {}


def _indent(level: int) -> Alignment | None:
    if level <= 1:
        return None
    if level not in _INDENTS:
        _INDENTS[level] = Alignment(indent=min(level - 1, 15))
    return _INDENTS[level]


_NAME, _START, _FINISH = 2, 3, 4
_DAYS = (6, 7, 8)


def _append_task(ws: WriteOnlyWorksheet, row: Sequence[Any], font: Font | None, indent: Alignment | None) -> None:
    cells = []
    for j, value in enumerate(row):
        cell = _cell(ws, value)
        if font is not None:
            cell.font = font
        if j in (_START, _FINISH):
            cell.number_format = DATE_FORMAT
        elif j in _DAYS:
            cell.number_format = DAYS_FORMAT
        elif j == _NAME and indent is not None:
            cell.alignment = indent
        cells.append(cell)
    ws.append(cells)


def _cell(ws: WriteOnlyWorksheet, value: Any) -> Cell:
    """A cell; text that starts with ``=`` stays text (a task name is never a formula)."""
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _append_header(ws: WriteOnlyWorksheet, headers: Sequence[str]) -> None:
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, text)
        cell.font = _HEADER_FONT
        cells.append(cell)
    ws.append(cells)


def _set_widths(ws: WriteOnlyWorksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    dims = ws.column_dimensions  # type: ignore[attr-defined]
    for j, header in enumerate(headers):
        width = _FIXED_WIDTHS.get(header)
        if width is None:
            longest = max((len(str(r[j])) for r in rows), default=0)
            width = min(max(longest, len(header)) + 2, _WIDTH_CAPS.get(header, 60))
        dims[get_column_letter(j + 1)].width = width


def _diagnostics_sheet(ws: WriteOnlyWorksheet, schedule: Schedule) -> None:
    project = schedule.project
    rows = [
        [
            d.severity.value,
            d.code,
            d.task or "",
            project.task(d.task).name if d.task in project.task_index else "",
            d.message,
        ]
        for d in schedule.diagnostics
    ]
    _set_widths(ws, DIAGNOSTIC_HEADERS, rows)
    ws.freeze_panes = "A2"
    _append_header(ws, DIAGNOSTIC_HEADERS)
    for row in rows:
        ws.append([_cell(ws, value) for value in row])


def _project_sheet(ws: WriteOnlyWorksheet, schedule: Schedule) -> None:
    project = schedule.project
    critical = schedule.critical_tasks()
    facts: list[tuple[str, Any]] = [
        ("Project", project.name),
        ("Start", schedule.start_date),
        ("Finish", schedule.finish_date),
        ("Time zone", project.timezone),
        ("Tasks", len(project.tasks)),
        ("Critical tasks", len(critical)),
        ("Driving path", " → ".join(schedule.driving_path)),
    ]
    dims = ws.column_dimensions  # type: ignore[attr-defined]
    dims["A"].width = 16
    dims["B"].width = 40
    for label, value in facts:
        head = WriteOnlyCell(ws, label)
        head.font = _HEADER_FONT
        cell = _cell(ws, value)
        if isinstance(value, datetime):
            cell.number_format = DATE_FORMAT
        ws.append([head, cell])
