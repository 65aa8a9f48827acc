"""A task list in a spreadsheet, read into a :class:`~milepost.domain.project.Project`.

"My plan lives in a spreadsheet": one row per task, columns found by their headers
(see :mod:`milepost.io.tasktable.columns`), the tree from a parent, WBS or outline-level
column, links from a predecessors column.  Every invalid cell is reported at once, each
problem with the file, the row number (1-based, the header is row 1 in most files), the
column number and the cell reference (``C7``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path

from milepost.domain.duration import ZERO, Duration, TimeUnit, WorkUnits
from milepost.domain.project import Constraint, ConstraintType, Project, Task
from milepost.domain.validation import validate_project
from milepost.errors import InvalidInputError, Problem
from milepost.io.tasktable.cells import (
    Cell,
    DateOrder,
    duration,
    flag,
    has_offset,
    moment,
    priority,
    slash_order,
    text,
)
from milepost.io.tasktable.columns import STRUCTURE, Column, map_columns
from milepost.io.tasktable.drafts import Context, Draft, Lookup
from milepost.io.tasktable.links import read_links
from milepost.io.tasktable.sheets import Sheet, read_sheet
from milepost.io.tasktable.tree import build_tree

DEFAULT_DURATION = Duration(480, TimeUnit.DAY, estimated=True)
"""Duration of a task row with none given: ``1d?``, as a new task in MS Project."""


@dataclass(frozen=True)
class TaskTable:
    """A project read from a task table.

    Attributes
    ----------
    project:
        The validated project.
    notes:
        What the reader decided or left aside, for the user: unused columns, where the
        project start came from, generated keys, default durations...
    rows:
        The row number each task key came from.
    """

    project: Project
    notes: tuple[str, ...] = ()
    rows: Mapping[str, int] = field(default_factory=dict)


def read_task_table(
    path: str | Path,
    *,
    start: date | None = None,
    sheet: str | None = None,
    name: str | None = None,
    data: bytes | None = None,
) -> TaskTable:
    """Read a task list from a CSV file or an Excel workbook.

    Parameters
    ----------
    path:
        ``.csv``/``.tsv``/``.txt`` or ``.xlsx``/``.xlsm``.
    start:
        Project start; else the earliest date of the start column, else the next Monday.
    sheet:
        Worksheet to read (Excel); the first one when ``None``.
    name:
        Project name; the file name without its suffix when ``None``.
    data:
        The file's content if already in memory (an upload); ``path`` then only names it.

    Raises
    ------
    InvalidInputError
        Every problem found: unreadable file, no name or key column, invalid cells,
        links to missing tasks, a dependency cycle...
    """
    table = read_sheet(path, sheet=sheet, data=data)
    return tasks_from_sheet(table, start=start, name=name or Path(path).stem)


def tasks_from_sheet(sheet: Sheet, *, name: str, start: date | None = None) -> TaskTable:
    """The project in the rows of ``sheet``; the header is the first of the top rows with a name or key column."""
    if not sheet.rows:
        raise InvalidInputError(
            Problem("empty_table", "the table is empty: expected a header row and task rows", file=sheet.file)
        )
    at = _header_index(sheet)
    header_row, header = sheet.rows[at]
    columns = map_columns(header_row, header)
    ctx = Context(sheet.file, columns, notes=[*sheet.notes, *columns.notes])
    if Column.KEY not in columns.index and Column.NAME not in columns.index:
        found = ", ".join(f"'{h}'" for h in columns.headers if h) or "none"
        message = f"the table needs a 'name' (or 'task', 'title') or a 'key' (or 'id') column; headers found: {found}"
        raise InvalidInputError(Problem("missing_column", message, f"row {header_row}", sheet.file, header_row))
    if at:
        ctx.notes.insert(0, f"the header is row {header_row}; the rows above it were skipped")
    units = WorkUnits()
    body = sheet.rows[at + 1 :]
    order = _date_order(ctx, body)
    drafts = [_draft(ctx, row, cells, order, units) for row, cells in body]
    _check_rows(ctx, drafts)
    lookup = Lookup(drafts)
    outline = build_tree(ctx, drafts, lookup)
    links = read_links(ctx, drafts, lookup, units)
    anchor = _anchor(ctx, drafts, start)
    summaries = {d.parent for d in drafts if d.parent is not None}
    tasks = tuple(_task(drafts[i], _parent_key(drafts, i), i in summaries) for i in outline)
    _note_defaults(ctx, drafts, summaries)
    project = Project(name=name, anchor_date=anchor, units=units, tasks=tasks, dependencies=tuple(links))
    rows = {d.key: d.row for d in drafts}
    problems = ctx.problems + [_locate(ctx, p, project, rows) for p in validate_project(project)]
    if problems:
        raise InvalidInputError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return TaskTable(project, tuple(ctx.notes), rows)


HEADER_SEARCH = 10
"""How many non-empty rows may stand above the header (a title, a date line...)."""


def _header_index(sheet: Sheet) -> int:
    """The first of the top rows whose headers include a name or key column (else the first row)."""
    for i, (row, cells) in enumerate(sheet.rows[:HEADER_SEARCH]):
        index = map_columns(row, cells).index
        if Column.NAME in index or Column.KEY in index:
            return i
    return 0


def _date_order(ctx: Context, rows: Sequence[tuple[int, tuple[Cell, ...]]]) -> DateOrder:
    proven: list[DateOrder] = []
    ambiguous = offsets = False
    for _, cells in rows:
        for col in (Column.START, Column.DEADLINE):
            value = ctx.columns.cell(col, cells)
            offsets = offsets or has_offset(value)
            found = slash_order(value)
            if found is not None:
                proven.append(found)
            elif isinstance(value, str) and "/" in value:
                ambiguous = True
    if offsets:
        ctx.notes.append("UTC offsets in dates were dropped: times are read as local wall-clock times")
    if proven:
        return max(DateOrder, key=proven.count)
    if ambiguous:
        ctx.notes.append("dates such as 3/4/2027 were read month first (US); write 2027-03-04 to be sure")
    return DateOrder.MONTH_FIRST


def _draft(ctx: Context, row: int, cells: tuple[Cell, ...], order: DateOrder, units: WorkUnits) -> Draft:
    cols = ctx.columns
    d = Draft(row, cells, ref=text(cols.cell(Column.KEY, cells)), name=text(cols.cell(Column.NAME, cells)))
    d.duration = ctx.read(
        d, Column.DURATION, "invalid_duration", partial(duration, unit=cols.duration_unit, units=units)
    )
    d.start = ctx.read(d, Column.START, "invalid_date", partial(moment, order=order))
    d.deadline = ctx.read(d, Column.DEADLINE, "invalid_date", partial(moment, order=order, end_of_day=True))
    d.milestone = ctx.read(d, Column.MILESTONE, "invalid_flag", flag)
    given = ctx.read(d, Column.PRIORITY, "invalid_priority", priority)
    d.priority = d.priority if given is None else given
    d.notes = text(cols.cell(Column.NOTES, cells))
    d.external_id = text(cols.cell(Column.EXTERNAL_ID, cells)) or None
    return d


def _check_rows(ctx: Context, drafts: Sequence[Draft]) -> None:
    seen: dict[str, int] = {}
    for d in drafts:
        if not d.ref and not d.name:
            ctx.problem("missing_name", "the row has neither a name nor a key", d.row, Column.NAME)
        if d.ref in seen:
            ctx.problem("duplicate_key", f"key '{d.ref}' is also used on row {seen[d.ref]}", d.row, Column.KEY)
        elif d.ref:
            seen[d.ref] = d.row


def _parent_key(drafts: Sequence[Draft], i: int) -> str | None:
    parent = drafts[i].parent
    return drafts[parent].key if parent is not None else None


def _task(d: Draft, parent: str | None, summary: bool) -> Task:
    given = d.duration
    if summary:
        dur = ZERO
    elif given is None:
        dur = ZERO if d.milestone else DEFAULT_DURATION
    else:
        dur = given
    milestone = d.milestone if d.milestone is not None else (not summary and given is not None and given.minutes == 0)
    return Task(
        key=d.key,
        name=d.name,
        parent=parent,
        duration=dur,
        milestone=milestone,
        priority=d.priority,
        notes=d.notes,
        external_id=d.external_id,
        constraint=Constraint(ConstraintType.SNET, d.start) if d.start is not None else None,
        deadline=d.deadline,
    )


def _note_defaults(ctx: Context, drafts: Sequence[Draft], summaries: set[int]) -> None:
    defaulted = [d.row for i, d in enumerate(drafts) if i not in summaries and d.duration is None and not d.milestone]
    if defaulted and Column.DURATION in ctx.columns.index:
        ctx.notes.append(f"tasks without a duration were given 1d? (an estimate, as in MS Project): {_rows(defaulted)}")
    elif defaulted:
        ctx.notes.append("there is no duration column: every task was given 1d? (an estimate, as in MS Project)")
    ignored = [d.row for i, d in enumerate(drafts) if i in summaries and d.duration is not None and d.duration.minutes]
    if ignored:
        ctx.notes.append(
            f"durations of summary tasks were ignored (they roll up from their subtasks): {_rows(ignored)}"
        )
    starts = sum(1 for d in drafts if d.start is not None)
    if starts:
        ctx.notes.append(f"start dates became 'start no earlier than' constraints on {starts} task(s)")


def _rows(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return f"row{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _anchor(ctx: Context, drafts: Sequence[Draft], start: date | None) -> datetime:
    if start is not None:
        anchor = start if isinstance(start, datetime) else datetime.combine(start, time())
        ctx.notes.append(f"the project starts on {anchor:%Y-%m-%d} (as given)")
        return anchor
    dates = [d.start for d in drafts if d.start is not None]
    if dates:
        anchor = datetime.combine(min(dates).date(), time())
        header = ctx.columns.headers[ctx.columns.index[Column.START]]
        ctx.notes.append(f"the project starts on {anchor:%Y-%m-%d}, the earliest date in the '{header}' column")
        return anchor
    today = date.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    ctx.notes.append(f"the project starts on {monday:%Y-%m-%d}, the next Monday (no start date was given)")
    return datetime.combine(monday, time())


_PATH = re.compile(r"^(tasks|dependencies)\[(.*)\](?:\.(\w+))?$")
_ATTRIBUTES = {
    "duration": Column.DURATION,
    "priority": Column.PRIORITY,
    "constraint": Column.START,
    "deadline": Column.DEADLINE,
    "milestone": Column.MILESTONE,
}


def _locate(ctx: Context, problem: Problem, project: Project, rows: Mapping[str, int]) -> Problem:
    """A domain problem placed on the row (and cell) it comes from."""
    if problem.code == "dependency_cycle":
        problem = Problem(problem.code, _cycle_message(problem.message, project, rows), problem.path)
    m = _PATH.match(problem.path)
    if m is None:
        return Problem(problem.code, problem.message, problem.path, ctx.file)
    if m[1] == "tasks":
        key, col = m[2], _ATTRIBUTES.get(m[3] or "")
        if m[3] == "parent":
            col = next((c for c in STRUCTURE if c in ctx.columns.index), None)
    else:
        key, col = m[2].split("->", 1)[-1], Column.PREDECESSORS
    row = rows.get(key)
    if row is None:
        return Problem(problem.code, problem.message, problem.path, ctx.file)
    return ctx.at(problem.code, problem.message, row, col)


def _cycle_message(message: str, project: Project, rows: Mapping[str, int]) -> str:
    """``dependency cycle: a -> b -> a`` with the tasks' names and rows (as is if it has other words)."""
    head, _, chain = message.partition(": ")
    keys = chain.split(" -> ")
    if len(keys) < 2 or any(k not in rows for k in keys):
        return message
    return f"{head}: " + " -> ".join(f"'{project.task(k).label}' (row {rows[k]})" for k in keys)
