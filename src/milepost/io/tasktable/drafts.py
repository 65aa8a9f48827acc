"""Rows on their way to tasks: drafts, the problems found so far, and task references.

A :class:`Draft` is one table row with its cells read; the tree and the links are
resolved between drafts by :class:`Lookup`, which understands the ways a spreadsheet
refers to another task: its key (as written in the key column), its full dotted key,
its task number (the n-th task row, as MS Project's ID) or its name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from milepost.domain.duration import Duration
from milepost.domain.project import DEFAULT_PRIORITY
from milepost.errors import Problem
from milepost.io.tasktable.cells import Cell
from milepost.io.tasktable.columns import Column, ColumnMap

T = TypeVar("T")


@dataclass
class Draft:
    """One task row: the values read from its cells, then its place in the tree."""

    row: int
    cells: tuple[Cell, ...]
    ref: str = ""
    name: str = ""
    duration: Duration | None = None
    start: datetime | None = None
    deadline: datetime | None = None
    milestone: bool | None = None
    priority: int = DEFAULT_PRIORITY
    notes: str = ""
    external_id: str | None = None
    parent: int | None = None
    """Index of the parent draft."""
    key: str = ""
    """Full dotted key, once the tree is known."""

    @property
    def label(self) -> str:
        """How messages name the row's task."""
        return self.name or self.ref or f"row {self.row}"


@dataclass
class Context:
    """The file being read, its columns, and every problem and note so far."""

    file: str
    columns: ColumnMap
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def at(self, code: str, message: str, row: int, col: Column | None = None) -> Problem:
        """A problem in ``row``, at the cell of ``col`` when the table has that column."""
        if col is not None and col in self.columns.index:
            ref = self.columns.ref(col, row)
            return Problem(code, message, ref, self.file, row, self.columns.index[col] + 1)
        return Problem(code, message, f"row {row}", self.file, row)

    def problem(self, code: str, message: str, row: int, col: Column | None = None) -> None:
        """Record a problem in ``row`` (see :meth:`at`)."""
        self.problems.append(self.at(code, message, row, col))

    def read(self, draft: Draft, col: Column, code: str, reader: Callable[[Cell], T]) -> T | None:
        """Read the cell of ``col`` with ``reader``; ``None`` when empty or invalid (then a problem)."""
        value = self.columns.cell(col, draft.cells)
        if value is None:
            return None
        try:
            return reader(value)
        except ValueError as exc:
            self.problem(getattr(exc, "code", code), str(exc), draft.row, col)
            return None


class Lookup:
    """Finds the draft a reference in a cell means.

    In order: the key as written in the key column, the full dotted key, the WBS number
    (when a WBS column builds the tree), a task number (1 = the first task row), a task
    name (any case; it must be unique).
    """

    def __init__(self, drafts: Sequence[Draft]) -> None:
        self.drafts = drafts
        self.by_ref: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.by_wbs: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for i, d in enumerate(drafts):
            if d.ref:
                self.by_ref.setdefault(d.ref, i)
            if d.name:
                self.by_name.setdefault(d.name.casefold(), []).append(i)

    def index_keys(self) -> None:
        """Learn the full keys (call once the tree has given every draft its key)."""
        self.by_key = {d.key: i for i, d in enumerate(self.drafts) if d.key}

    def find(self, ref: str) -> int | str:
        """The index of the draft ``ref`` means, or a message saying why there is none."""
        ref = ref.strip()
        for table in (self.by_ref, self.by_key, self.by_wbs):
            if ref in table:
                return table[ref]
        if ref.isdecimal() and 1 <= int(ref) <= len(self.drafts):
            return int(ref) - 1
        named = self.by_name.get(ref.casefold(), [])
        if len(named) == 1:
            return named[0]
        if named:
            rows = ", ".join(str(self.drafts[i].row) for i in named)
            return f"'{ref}' is the name of several tasks (rows {rows}); refer to one by its key"
        return f"'{ref}' is not a key, name or task number in this table"
