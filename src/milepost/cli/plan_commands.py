"""Commands on plans: init, check, schedule, schema."""

from __future__ import annotations

import json
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

import milepost
from milepost.cli.base import PlanArg, app
from milepost.cli.render import err, handles_errors, out, print_gantt, print_paths, schedule_table, show_diagnostics
from milepost.domain.schedule import Schedule, Severity
from milepost.domain.wording import plural


class Format(StrEnum):
    """Output formats of ``milepost schedule``."""

    table = "table"
    json = "json"
    csv = "csv"


@app.command()
@handles_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write plan.yaml.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing plan.yaml.")] = False,
) -> None:
    """Write a starter plan (plan.yaml) to DIRECTORY."""
    target = directory / "plan.yaml"
    if target.exists() and not force:
        err.print(Text(f"{target} already exists; use --force to overwrite it", style="red"))
        raise typer.Exit(1)
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(
        resources.files("milepost.cli").joinpath("starter.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out.print(f"wrote {target}; next: milepost schedule {target} --gantt")


@app.command()
@handles_errors
def check(plan: PlanArg) -> None:
    """Validate a plan: every problem is listed with its line and column (exit 1 if any)."""
    from milepost.engine import ScheduleParams

    project = milepost.load(plan)
    result = milepost.schedule(project, ScheduleParams(validate=False))
    show_diagnostics(result.diagnostics, out)
    links = len(project.dependencies)
    warned = sum(d.severity is not Severity.INFO for d in result.diagnostics)
    verdict = f"valid; {plural(warned, 'warning')} above" if warned else "no problems"
    out.print(
        Text(f"✓ {plan}: {plural(len(project.tasks), 'task')}, {plural(links, 'link')}, {verdict}", style="green")
    )


@app.command("schedule")
@handles_errors
def schedule_cmd(
    plan: PlanArg,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    critical: Annotated[bool, typer.Option("--critical", help="Only the critical tasks.")] = False,
    gantt: Annotated[bool, typer.Option("--gantt", help="Also draw a text Gantt chart (table format).")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of the screen.")
    ] = None,
) -> None:
    """Schedule a plan and print dates, floats and the critical path."""
    from milepost.engine import ScheduleParams

    result = milepost.schedule(milepost.load(plan), ScheduleParams(validate=False))  # load validated it
    only = set(result.critical_tasks()) if critical else None
    if format is Format.table:
        if output is not None:
            raise typer.BadParameter("--output works with --format json or csv", param_hint="--output")
        out.print(schedule_table(result, only=only))
        if gantt:
            print_gantt(result, only=only)
        else:
            print_paths(result)
        show_diagnostics(result.diagnostics)
        return
    data = _render(result, format, only)
    if output is None:
        typer.echo(data, nl=False)
    else:
        output.write_bytes(data)
        err.print(f"wrote {output}")


def _render(result: Schedule, format: Format, only: set[str] | None) -> bytes:
    """The schedule as UTF-8 JSON or CSV (bytes: JSON is written as orjson makes it)."""
    from milepost.io.results import schedule_to_csv, schedule_to_json

    if format is Format.csv:
        return schedule_to_csv(result).encode("utf-8")
    return schedule_to_json(result, only=only)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the plan file format."""
    from milepost.io.planfile import plan_json_schema

    typer.echo(json.dumps(plan_json_schema(), indent=2))
