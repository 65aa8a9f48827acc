"""Commands that move plans between tools: import, export, compare."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

import milepost
from milepost.cli.base import PlanArg, app
from milepost.cli.render import err, handles_errors, out
from milepost.domain.wording import plural
from milepost.errors import InvalidInputError, Problem
from milepost.services.exports import EXPORT_SUFFIXES

OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Plan file to write (default: FILE.yaml).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")]


@app.command("import")
@handles_errors
def import_cmd(
    source: Annotated[
        Path,
        typer.Argument(
            help="MS Project XML (.xml), a task list (.csv, .xlsx), or with the mpxj extra .mpp, .xer, P6 .xml.",
            show_default=False,
        ),
    ],
    output: OutputOpt = None,
    start: Annotated[
        datetime | None, typer.Option("--start", formats=["%Y-%m-%d"], help="Task lists: the project start.")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel: the sheet to read.")] = None,
    force: ForceOpt = False,
) -> None:
    """Import another tool's project file as a Milepost plan, with a report of what was not mapped."""
    from milepost.io.formats import import_project
    from milepost.io.planfile import write_plan

    target = output or source.with_suffix(".yaml")
    if target.exists() and not force:
        raise InvalidInputError(Problem("output_exists", f"{target} exists; use --force to overwrite it"))
    result = import_project(source, start=start.date() if start else None, sheet=sheet)
    write_plan(result.project, target)
    p = result.project
    out.print(
        Text(
            f"✓ imported {source} → {target}: {len(p.tasks)} tasks, {len(p.dependencies)} links, "
            f"{len(p.calendars)} calendars, {len(p.resources)} resources, {len(p.assignments)} assignments",
            style="green",
        )
    )
    if not result.notes:
        out.print("everything in the file was mapped")
        return
    table = Table(title="Not imported as is", title_justify="left")
    table.add_column("What")
    table.add_column("Count", justify="right")
    for note in result.notes:
        table.add_row(note.message, str(note.count))
    out.print(table)


@app.command()
@handles_errors
def export(
    plan: PlanArg,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help=f"File to write; its extension picks the format: {', '.join(EXPORT_SUFFIXES)}."
        ),
    ],
    resource: Annotated[
        str | None, typer.Option("--resource", help="With .ics: the calendar of one person's assignments.")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Export a plan: plan file, MS Project XML, Excel, CSV, JSON or iCalendar (milestones and deadlines)."""
    from milepost.services.exports import write_export

    suffix = output.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise typer.BadParameter(
            f"unknown extension '{suffix}'; use one of {', '.join(EXPORT_SUFFIXES)}", param_hint="--output"
        )
    if resource is not None and suffix != ".ics":
        raise typer.BadParameter("--resource goes with an .ics output", param_hint="--resource")
    if output.exists() and not force:
        raise InvalidInputError(Problem("output_exists", f"{output} exists; use --force to overwrite it"))
    write_export(milepost.load(plan), output, resource=resource)
    out.print(Text(f"✓ wrote {output}", style="green"))


@app.command()
@handles_errors
def compare(
    plan: Annotated[Path, typer.Argument(help="MS Project XML (.xml) with MS Project's dates.", show_default=False)],
) -> None:
    """Schedule an MS Project file and list every task whose dates differ from MS Project's (exit 1 if any)."""
    from milepost.services.fidelity import compare_with_ms_project

    result = compare_with_ms_project(plan)
    if not result.compared:
        out.print(f"{plan}: nothing to compare, the file has no automatically scheduled task with MS Project's dates")
        return
    if not result.mismatches:
        out.print(
            Text(
                f"✓ {plan}: all {result.compared} automatically scheduled tasks match MS Project to the minute",
                style="green",
            )
        )
        return
    table = Table(title=f"{len(result.mismatches)} of {result.compared} tasks differ", title_justify="left")
    for name in ("Task", "UID", "MS Project start", "Milepost start", "MS Project finish", "Milepost finish"):
        table.add_column(name)
    for m in result.mismatches:
        table.add_row(
            f"{m.name} ({m.key})",
            m.external_id or "",
            f"{m.ms_start:%Y-%m-%d %H:%M}",
            _diff(m.start, m.ms_start),
            f"{m.ms_finish:%Y-%m-%d %H:%M}",
            _diff(m.finish, m.ms_finish),
        )
    out.print(table)
    n = len(result.mismatches)
    err.print(Text(f"{plural(n, 'task')} {'differs' if n == 1 else 'differ'} from MS Project", style="red"))
    raise typer.Exit(1)


def _diff(ours: object, theirs: object) -> Text:
    text = f"{ours:%Y-%m-%d %H:%M}"
    return Text(text, style="red" if ours != theirs else "")
