"""Commands on resources: load (over-allocations) and level."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.table import Table
from rich.text import Text

import milepost
from milepost.cli.base import PlanArg, app
from milepost.cli.render import err, handles_errors, out, schedule_table, show_diagnostics
from milepost.domain.levelling import LevelParams, LevelResult, Objective

if TYPE_CHECKING:
    from milepost.engine.load import LoadReport


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
    if not report.resources:
        out.print("this plan has no resources: nothing to load (see 'resources' in docs/plan-format.md)")
        return
    _print_load(report, by.value)
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


def _print_load(report: LoadReport, by: str) -> None:
    """The load table, in as many tables as the terminal's width needs (each with the periods)."""
    periods = [f"{start:%a %Y-%m-%d}" for start in report.periods]
    columns = [
        [_load_cell(report.load[k][p], report.capacity[k][p]) for p in range(len(periods))]
        for k in range(len(report.resources))
    ]
    shown = [p for p in range(len(periods)) if any(column[p].plain for column in columns)]
    widths = [max([len(key), *(c.cell_len for c in col)]) for key, col in zip(report.resources, columns, strict=True)]
    blocks = _blocks(widths, out.width - len("Mon 2027-03-01") - 4)
    for block in blocks:
        part = f", resources {block[0] + 1}–{block[-1] + 1} of {len(widths)}" if len(blocks) > 1 else ""
        table = Table(title=f"Load by {by} (hours; capacity in brackets{part})", title_justify="left")
        table.add_column("Period", no_wrap=True)
        for k in block:
            table.add_column(report.resources[k], justify="right", no_wrap=True)
        for p in shown:
            table.add_row(periods[p], *(columns[k][p] for k in block))
        out.print(table)


def _load_cell(used: float, capacity: float) -> Text:
    """Hours used (and available) in one period, red where over capacity."""
    text = Text(f"{used / 60:g} ({capacity / 60:g})" if used or capacity else "")
    if used > capacity + 0.5:
        text.stylize("bold red")
    return text


def _blocks(widths: list[int], room: int) -> list[list[int]]:
    """The columns of ``widths`` in runs that fit ``room`` characters (3 for each column's
    frame), so that a narrow terminal gets several tables rather than cut-off ones."""
    blocks: list[list[int]] = [[]]
    used = 0
    for i, width in enumerate(widths):
        if blocks[-1] and used + width + 3 > room:
            blocks.append([])
            used = 0
        blocks[-1].append(i)
        used += width + 3
    return blocks


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
    show_diagnostics(result.diagnostics)  # the levelling's own and the levelled schedule's


def _summary(result: LevelResult, periods: bool) -> None:
    units = result.schedule.project.units
    day = units.hours_per_day * 60
    span = f"{result.makespan_minutes} periods" if periods else f"{result.makespan_minutes / day:g} working days"
    bound = result.lower_bound_minutes if periods else f"{result.lower_bound_minutes / day:g}d"
    before = result.unlevelled.finish_date
    if result.objective is Objective.LATENESS:  # the bound is the makespan's, not this objective's
        outcome = (
            f"{result.status.value} for the priority-weighted lateness against deadlines, then the makespan; "
            f"makespan {span}"
        )
    else:
        outcome = f"{result.status.value}, makespan {span} (lower bound {bound})"
    out.print(
        Text(
            f"{result.method.value}: {outcome}, "
            f"finish {result.schedule.finish_date:%a %Y-%m-%d %H:%M} (was {before:%a %Y-%m-%d %H:%M}); "
            f"{result.schedules} schedules in {result.seconds:.2f} s",
            style="bold",
        )
    )
    missed = [d.task for d in result.diagnostics if d.code == "deadline_missed" and d.task]
    if missed:
        shown = ", ".join(missed[:8]) + (f" and {len(missed) - 8} more" if len(missed) > 8 else "")
        out.print(
            Text(f"deadlines missed after levelling: {shown} (by how much: the warnings below)", style="bold red")
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
