"""Writing a project in another format: plan file, MS Project XML, Excel, CSV, JSON, iCalendar."""

from __future__ import annotations

import tempfile
from pathlib import Path

from milepost.domain.project import Project
from milepost.errors import InvalidInputError, Problem

EXPORT_SUFFIXES = (".yaml", ".yml", ".xml", ".xlsx", ".csv", ".json", ".ics")
MEDIA_TYPES = {
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".xml": "application/xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".ics": "text/calendar; charset=utf-8",
}


def check_suffix(suffix: str, resource: str | None = None, where: str = "format") -> str:
    """The export format of a file extension (refused with the ones known)."""
    suffix = suffix.lower() if suffix.startswith(".") else f".{suffix.lower()}"
    if suffix not in EXPORT_SUFFIXES:
        known = ", ".join(EXPORT_SUFFIXES)
        raise InvalidInputError(Problem("unknown_format", f"unknown format '{suffix}'; use one of {known}", where))
    if resource is not None and suffix != ".ics":
        raise InvalidInputError(Problem("invalid_option", "a resource's calendar is an .ics export", "resource"))
    return suffix


def write_export(project: Project, output: Path, *, resource: str | None = None) -> None:
    """Write ``project`` to ``output``, in the format its extension names (scheduled first
    for every format but the plan file)."""
    from milepost.engine import ScheduleParams, schedule
    from milepost.io.ical import schedule_to_ics
    from milepost.io.mspdi.writer import write_mspdi
    from milepost.io.planfile import write_plan
    from milepost.io.results import schedule_to_csv, schedule_to_json
    from milepost.io.spreadsheet import write_schedule_xlsx

    suffix = check_suffix(output.suffix, resource)
    if suffix in (".yaml", ".yml"):
        write_plan(project, output)
        return
    result = schedule(project, ScheduleParams(validate=False))
    if suffix == ".xml":
        write_mspdi(project, output, result)
    elif suffix == ".xlsx":
        write_schedule_xlsx(result, output)
    elif suffix == ".csv":
        output.write_text(schedule_to_csv(result), encoding="utf-8")
    elif suffix == ".json":
        output.write_bytes(schedule_to_json(result))
    else:
        output.write_bytes(schedule_to_ics(result, resource=resource))


def export_bytes(project: Project, suffix: str, *, resource: str | None = None) -> bytes:
    """The export as bytes (for a download)."""
    suffix = check_suffix(suffix, resource)
    with tempfile.TemporaryDirectory(prefix="milepost-export-") as folder:
        target = Path(folder) / f"export{suffix}"
        write_export(project, target, resource=resource)
        return target.read_bytes()
