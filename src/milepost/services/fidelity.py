"""Does Milepost schedule an MS Project plan to MS Project's own dates?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from milepost.domain.schedule import Schedule
from milepost.engine import schedule
from milepost.io.mspdi.reader import MspdiImport, read_mspdi


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A task whose dates differ from the ones MS Project saved."""

    key: str
    name: str
    external_id: str | None
    ms_start: datetime
    ms_finish: datetime
    start: datetime
    finish: datetime


@dataclass(frozen=True)
class Comparison:
    """The result of comparing Milepost's schedule with MS Project's dates."""

    imported: MspdiImport
    schedule: Schedule
    compared: int
    mismatches: tuple[Mismatch, ...]


def compare_with_ms_project(path: str | Path) -> Comparison:
    """Import an MSPDI file, schedule it, and compare every automatically scheduled task."""
    imported = read_mspdi(path)
    result = schedule(imported.project)
    mismatches = []
    compared = 0
    for task in result:
        given = imported.ms_dates.get(task.key)
        if given is None or task.key in imported.manual:
            continue
        compared += 1
        if (task.start, task.finish) != given:
            ext = imported.project.task(task.key).external_id
            mismatches.append(Mismatch(task.key, task.name, ext, given[0], given[1], task.start, task.finish))
    return Comparison(imported, result, compared, tuple(mismatches))
