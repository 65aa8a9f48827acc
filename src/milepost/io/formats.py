"""Open any project file Milepost reads, by its extension."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from milepost.domain.project import Project
from milepost.errors import InvalidInputError, Problem
from milepost.io.notes import ImportNote

# each reader is imported when a file of its kind is opened, so starting up stays quick
PLAN_SUFFIXES = (".yaml", ".yml")
MSPDI_SUFFIXES = (".xml",)
TABLE_SUFFIXES = (".csv", ".xlsx")
PSPLIB_SUFFIXES = (".sm",)
MPXJ_SUFFIXES = (".mpp", ".mpt", ".mpx", ".xer", ".pmxml", ".pp", ".pod", ".gan", ".planner", ".fts", ".prx")


@dataclass
class Imported:
    """A project read from another tool's file, and what could not be mapped."""

    project: Project
    notes: list[ImportNote] = field(default_factory=list)


def load_project(path: str | Path) -> Project:
    """Read a project from a plan file (``.yaml``), MS Project XML (``.xml``) or a task list."""
    p = Path(path)
    if p.suffix.lower() in PLAN_SUFFIXES:
        from milepost.io.planfile import read_plan

        return read_plan(p)
    return import_project(p).project


def import_project(path: str | Path, *, start: date | None = None, sheet: str | None = None) -> Imported:
    """Read another tool's project file, with the report of what was not mapped.

    ``start`` and ``sheet`` apply to task lists (CSV, Excel).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in MSPDI_SUFFIXES:
        from milepost.io.mspdi.reader import read_mspdi

        result = read_mspdi(p)
        return Imported(result.project, result.notes)
    if suffix in MPXJ_SUFFIXES:
        from milepost.io.mpxj import read_with_mpxj

        converted = read_with_mpxj(p)
        return Imported(converted.project, converted.notes)
    if suffix in PSPLIB_SUFFIXES:
        from milepost.io.psplib import read_psplib

        return Imported(read_psplib(p).project)
    if suffix in TABLE_SUFFIXES:
        from milepost.io.tasktable import read_task_table

        table = read_task_table(p, start=start, sheet=sheet)
        return Imported(table.project, [ImportNote("task_table", note) for note in table.notes])
    known = ", ".join(PLAN_SUFFIXES + MSPDI_SUFFIXES + TABLE_SUFFIXES + PSPLIB_SUFFIXES + MPXJ_SUFFIXES)
    raise InvalidInputError(
        Problem("unknown_format", f"cannot tell the format of '{p.name}': expected one of {known}", file=str(p))
    )
