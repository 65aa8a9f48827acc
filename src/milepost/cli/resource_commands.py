"""Commands on resources: load (over-allocations) and level."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich.table import Table
from rich.text import Text

import milepost
from milepost.cli.base import PlanArg, app
from milepost.cli.render import err, handles_errors, out, schedule_table, show_diagnostics
from milepost.domain.levelling import LevelParams, LevelResult, Objective


class Period(StrEnum):
    """The grain of ``milepost load`` (the engine's :class:`~milepost.engine.load.Period`)."""

    day = "day"
    week = "week"


class LevelFormat(StrEnum):
    """Output formats of ``milepost level``."""

    table = "table"
    json = "json"


@app.command()
@handles_errors
def load(
    plan: PlanArg,
    by: Annotated[Period, typer.Option("--by", help="Period of the report.")] = Period.day,
    levelled: Annotated[bool, typer.Option("--levelled", help="Report the levelled schedule.")] = False,
) -> None:
    """Each resource's load against its capacity per period, and every over-allocation."""
    from milepost.engine.load import resource_load

    project = milepost.load(plan)
    schedule = milepost.level(project).schedule if levelled else milepost.schedule(project)
    from milepost.engine.load import Period as Grain

    report = resource_load(project, schedule, Grain(by.value))
    hours_per_day = project.units.hours_per_day
    table = Table(title=f"Load by {by.value} (hours; capacity in brackets)", title_justify="left")
    table.add_column("Period")
    for key in report.resources:
        table.add_column(key, justify="right")
    for p, start in enumerate(report.periods):
        cells = []
        for k in range(len(report.resources)):
            used, cap = report.load[k][p], report.capacity[k][p]
            text = Text(f"{used / 60:g} ({cap / 60:g})" if used or cap else "")
            if used > cap + 0.5:
                text.stylize("bold red")
            cells.append(text)
        if any(c.plain for c in cells):
            table.add_row(f"{start:%a %Y-%m-%d}", *cells)
    out.print(table)
    if not report.over:
        out.print(Text("✓ no resource is over-allocated", style="green"))
        return
    out.print(Text(f"{len(report.over)} over-allocations:", style="bold red"))
    for o in report.over:
        over = (o.load_minutes - o.capacity_minutes) / 60
        out.print(
            f"  {o.resource} {o.start:%a %Y-%m-%d}: {o.load_minutes / 60:g}h of {o.capacity_minutes / 60:g}h "
            f"(+{over:g}h; {over / hours_per_day:.2g}d) by {', '.join(o.tasks)}"
        )


@app.command()
@handles_errors
def level(
    plan: PlanArg,
    format: Annotated[LevelFormat, typer.Option("--format", "-f", help="Output format.")] = LevelFormat.table,
    optimize: Annotated[bool, typer.Option("--optimize", help="Improve with OR-Tools CP-SAT.")] = False,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1, help="Seconds in all for --optimize.")] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of everything random.")] = 0,
    schedules: Annotated[
        int | None,
        typer.Option(
            "--schedules",
            min=10,
            help="Heuristic budget in schedules (default: 1000 up to 400 activities, fewer beyond).",
            show_default=False,
        ),
    ] = None,
    within_float: Annotated[bool, typer.Option("--within-float", help="Never delay a task past its float.")] = False,
    objective: Annotated[
        Objective, typer.Option("--objective", help="What --optimize minimises.")
    ] = Objective.MAKESPAN,
) -> None:
    """Resolve resource over-allocations and explain every delay (PSPLIB .sm files too)."""
    from milepost.io.results import level_to_dict

    project = milepost.load(plan)
    params = LevelParams(optimize, time_limit, schedules, seed, within_float, objective)
    if optimize:
        err.print(f"levelling with CP-SAT for up to {time_limit:g} s…")
    result = milepost.level(project, params)
    periods = plan.suffix.lower() == ".sm"
    if format is LevelFormat.json:
        typer.echo(orjson.dumps(level_to_dict(result, periods=periods), option=orjson.OPT_INDENT_2).decode())
        return
    out.print(schedule_table(result.schedule))
    _summary(result, periods)
    show_diagnostics(result.schedule)


def _summary(result: LevelResult, periods: bool) -> None:
    units = result.schedule.project.units
    day = units.hours_per_day * 60
    span = f"{result.makespan_minutes} periods" if periods else f"{result.makespan_minutes / day:g} working days"
    bound = result.lower_bound_minutes if periods else f"{result.lower_bound_minutes / day:g}d"
    before = result.unlevelled.finish_date
    out.print(
        Text(
            f"{result.method.value}: {result.status.value}, makespan {span} (lower bound {bound}), "
            f"finish {result.schedule.finish_date:%a %Y-%m-%d %H:%M} (was {before:%a %Y-%m-%d %H:%M}); "
            f"{result.schedules} schedules in {result.seconds:.2f} s",
            style="bold",
        )
    )
    out.print(
        Text("resource-critical path: ", style="bold") + Text(" → ".join(result.resource_critical_path), style="red")
    )
    for delay in sorted(result.delays.values(), key=lambda d: -d.minutes)[:15]:
        if delay.resource:
            held = f"held by {', '.join(delay.delayed_by)}" if delay.delayed_by else "(its time off or availability)"
            why = f"waited for {delay.resource} {held}"
        else:
            held = ", ".join(delay.delayed_by)
            why = f"follows delayed {held}" if held else "placed there by the optimizer"
        amount = f"{delay.minutes} periods" if periods else f"{delay.minutes / day:g}d"
        out.print(f"  {delay.task}: +{amount}, {why}")
    if len(result.delays) > 15:
        out.print(f"  … and {len(result.delays) - 15} more delayed tasks (--format json lists them all)")
