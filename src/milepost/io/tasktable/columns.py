"""Which column holds what: headers matched to task fields by name and synonyms.

Headers are compared without case, spaces or punctuation (``Task Name``, ``task_name``
and ``TASK-NAME`` are the same), first whole, then without a bracketed part
(``Duration (days)`` is ``Duration``; a unit in the brackets, or after the word,
sets the unit of bare numbers in that column: ``Estimate (hours)``,
``duration_minutes``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from openpyxl.utils import get_column_letter

from milepost.domain.duration import TimeUnit
from milepost.io.tasktable.cells import UNIT_BY_WORD, Cell, text


class Column(StrEnum):
    """A task field a column can hold."""

    KEY = "key"
    NAME = "name"
    DURATION = "duration"
    PREDECESSORS = "predecessors"
    PARENT = "parent"
    WBS = "wbs"
    OUTLINE_LEVEL = "outline level"
    START = "start"
    DEADLINE = "deadline"
    MILESTONE = "milestone"
    NOTES = "notes"
    PRIORITY = "priority"
    EXTERNAL_ID = "external id"


SYNONYMS: dict[Column, tuple[str, ...]] = {
    Column.KEY: ("key", "id", "task id", "task key", "code"),
    Column.NAME: ("name", "task", "task name", "summary", "title", "activity", "activity name", "item"),
    Column.DURATION: ("duration", "dur", "estimate", "estimated duration", "days", "length"),
    Column.PREDECESSORS: (
        "predecessors",
        "predecessor",
        "depends on",
        "dependencies",
        "dependency",
        "after",
        "preds",
    ),
    Column.PARENT: ("parent", "parent key", "parent id", "parent task", "summary task"),
    Column.WBS: ("wbs", "outline", "outline number", "wbs code", "wbs number"),
    Column.OUTLINE_LEVEL: ("outline level", "level", "indent", "indent level"),
    Column.START: ("start", "start date", "begin", "planned start", "start no earlier than", "snet"),
    Column.DEADLINE: ("deadline", "due", "due date", "target date"),
    Column.MILESTONE: ("milestone", "is milestone"),
    Column.NOTES: ("notes", "note", "comments", "comment", "description", "remarks"),
    Column.PRIORITY: ("priority", "prio"),
    Column.EXTERNAL_ID: ("external id", "unique id", "ticket", "issue", "issue key", "jira", "reference"),
}
"""Header spellings of each field (compared without case, spaces or punctuation)."""

STRUCTURE = (Column.PARENT, Column.WBS, Column.OUTLINE_LEVEL)
"""Columns that can build the WBS tree, most explicit first (only one is used)."""


def normalise(header: str) -> str:
    """``"Task Name"`` -> ``taskname``: lower case, letters and digits only."""
    return "".join(ch for ch in header.lower() if ch.isalnum())


_LOOKUP = {normalise(word): col for col, words in SYNONYMS.items() for word in words}
_BRACKETS = re.compile(r"[(\[{]([^)\]}]*)[)\]}]")


@dataclass(frozen=True)
class ColumnMap:
    """Column index (0-based) of each recognised field, and what was left aside."""

    header_row: int
    headers: tuple[str, ...]
    index: dict[Column, int]
    duration_unit: TimeUnit = TimeUnit.DAY
    notes: list[str] = field(default_factory=list)

    def cell(self, col: Column, cells: Sequence[Cell]) -> Cell:
        """The value of field ``col`` in a row (``None`` if absent or empty)."""
        j = self.index.get(col)
        return cells[j] if j is not None and j < len(cells) else None

    def ref(self, col: Column, row: int) -> str:
        """Spreadsheet reference of field ``col`` in ``row``, e.g. ``C7``."""
        return f"{get_column_letter(self.index[col] + 1)}{row}"


def _match(header: str) -> tuple[Column | None, TimeUnit | None]:
    whole = normalise(header)
    if whole in _LOOKUP:
        return _LOOKUP[whole], None
    bracket = _BRACKETS.search(header)
    if bracket is not None:
        col = _LOOKUP.get(normalise(_BRACKETS.sub(" ", header)))
        return col, UNIT_BY_WORD.get(normalise(bracket.group(1)))
    for word, unit in _UNIT_SUFFIXES:  # duration_minutes, Estimate hours
        if whole.endswith(word) and _LOOKUP.get(whole[: -len(word)]) is Column.DURATION:
            return Column.DURATION, unit
    return None, None


_UNIT_SUFFIXES = sorted(((w, u) for w, u in UNIT_BY_WORD.items() if len(w) > 2), key=lambda wu: -len(wu[0]))


def map_columns(header_row: int, cells: Sequence[Cell]) -> ColumnMap:
    """Match the header cells to fields; notes list unknown, empty and repeated headers."""
    headers = tuple(text(c) for c in cells)
    index: dict[Column, int] = {}
    notes: list[str] = []
    unknown: list[str] = []
    unit = TimeUnit.DAY
    for j, header in enumerate(headers):
        letter = get_column_letter(j + 1)
        if not header:
            continue
        col, hint = _match(header)
        if col is None:
            unknown.append(f"'{header}' ({letter})")
        elif col in index:
            first = headers[index[col]]
            notes.append(f"column '{header}' ({letter}) was ignored: '{first}' already gives the {col.value}")
        else:
            index[col] = j
            if col is Column.DURATION and hint is not None:
                unit = hint
    if unknown:
        notes.append(f"columns not used: {', '.join(unknown)}")
    structure = [c for c in STRUCTURE if c in index]
    for extra in structure[1:]:
        notes.append(
            f"column '{headers[index.pop(extra)]}' was ignored: the {structure[0].value} column builds the tree"
        )
    return ColumnMap(header_row, headers, index, unit, notes)
