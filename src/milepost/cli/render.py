"""How the CLI shows things: problems, schedules, Gantt charts (Rich)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from milepost.charts.text_gantt import text_gantt
from milepost.domain.duration import describe_minutes, format_duration
from milepost.domain.schedule import Diagnostic, Schedule, ScheduledTask, Severity
from milepost.domain.wording import plural
from milepost.errors import InvalidInputError, MilepostError, Problem

# markup off: names, keys and paths from plans and users print as written (a task called
# "[WIP] deploy" or "a [/] b" neither loses text nor breaks a command); styles come from Text
out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

P = ParamSpec("P")
R = TypeVar("R")


def show_error(exc: MilepostError) -> None:
    """Print every problem of an error to stderr, one per line, compiler style."""
    problems = exc.problems if isinstance(exc, InvalidInputError) else ()
    if not problems:
        err.print(Text(f"error[{exc.code}]: {exc.message}", style="red"))
        return
    for p in problems:
        where = p.location()
        line = Text()
        if where:
            line.append(f"{where}: ", style="bold")
        line.append(f"error[{p.code}]", style="red")
        line.append(f": {p.message}")
        err.print(line)
    n = len(problems)
    err.print(Text(f"{plural(n, 'problem')} found", style="red"))


def handles_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn Milepost errors, and what the system refuses (an output folder that does not
    exist, no permission, a full disk, a port in use), into a clear message and exit
    code 1 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except MilepostError as exc:
            show_error(exc)
            raise typer.Exit(1) from None
        except BrokenPipeError:  # the reader went away (| head): stop quietly, as Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except OSError as exc:  # a file, or with no file name the system itself (a port in use)
            reason = (exc.strerror or str(exc)).lower()
            if exc.filename:
                problem = Problem("file_error", f"cannot use this file: {reason}", file=str(exc.filename))
            else:
                problem = Problem("system_error", f"the system refused: {reason}")
            show_error(InvalidInputError(problem))
            raise typer.Exit(1) from None

    return wrapper


def show_diagnostics(diagnostics: Sequence[Diagnostic], console: Console = err) -> None:
    """Print diagnostics (a schedule's, a levelling's) after the main output."""
    style = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
    for d in diagnostics:
        console.print(Text(f"{d.severity.value}[{d.code}]", style=style[d.severity]) + Text(f": {d.message}"))


def schedule_table(schedule: Schedule, *, only: set[str] | None = None, width: int | None = None) -> Table:
    """The schedule as a Rich table; critical tasks in red; made to fit ``width`` columns
    (by default the width of standard output)."""
    units = schedule.project.units
    wbs = schedule.project.wbs_codes()
    table = Table(
        title=f"{schedule.project.name}: {schedule.start_date:%a %Y-%m-%d %H:%M} to "
        f"{schedule.finish_date:%a %Y-%m-%d %H:%M}",
        title_justify="left",
    )
    rows: list[tuple[tuple[str | Text, ...], str]] = []
    for st in schedule:
        if only is not None and st.key not in only:
            continue
        depth = schedule.project.outline_level(st.key) - 1
        style = "bold red" if st.critical and not st.summary else ("bold" if st.summary else "")
        name = Text("  " * depth + st.name)
        if st.name != st.key:
            name.append(f" ({st.key})", style="dim")
        cells: tuple[str | Text, ...] = (
            wbs[st.key],
            name,
            f"{st.start:%a %Y-%m-%d %H:%M}",
            f"{st.finish:%a %Y-%m-%d %H:%M}",
            _duration(schedule, st),
            describe_minutes(st.total_float_minutes, units),
            describe_minutes(st.free_float_minutes, units),
        )
        rows.append((cells, style))
    headings = ("WBS", "Task", "Start", "Finish", "Duration", "Total float", "Free float")
    widths = _fitted_widths(headings, [cells for cells, _ in rows], width or out.width)
    for i, (heading, fixed) in enumerate(zip(headings, widths, strict=True)):
        table.add_column(heading, justify="right" if i >= 4 else "left", width=fixed, overflow="fold")
    for row, style in rows:
        table.add_row(*row, style=style)
    return table


def _fitted_widths(headings: tuple[str, ...], rows: list[tuple[str | Text, ...]], width: int) -> list[int | None]:
    """Column widths for a table of ``rows`` (column 1 the task, the rest short values) in
    ``width`` characters: none where it fits as it is.  Otherwise the short columns take
    the width of their longest value (a heading over two lines), a date wraps before its
    time where needed, and the task's name wraps in what is left: no value is cut short."""
    plain = [[c.cell_len if isinstance(c, Text) else cell_len(c) for c in row] for row in rows]
    natural = [max([len(h), *(row[i] for row in plain)]) for i, h in enumerate(headings)]
    frame = 3 * len(headings) + 1
    if sum(natural) + frame <= width:
        return [None] * len(headings)
    fitted = [max([*(len(word) for word in h.split()), *(row[i] for row in plain)]) for i, h in enumerate(headings)]
    dates = [i for i, h in enumerate(headings) if h in ("Start", "Finish")]
    for i in dates:
        fitted[i] = len("Mon 2027-03-01")  # its time on the next line
    if sum(fitted) - fitted[1] + frame + 16 > width:  # no room for a readable name: over three lines
        for i in dates:
            fitted[i] = len("2027-03-01")
    rest = width - frame - (sum(fitted) - fitted[1])
    return [max(rest, 12) if i == 1 else w for i, w in enumerate(fitted)]


def _duration(schedule: Schedule, st: ScheduledTask) -> str:
    """Leaf tasks in the unit they were planned in (``5ed`` stays elapsed); summaries in days."""
    if st.milestone and st.duration_minutes == 0:
        return "milestone"
    if st.summary:
        return describe_minutes(st.duration_minutes, schedule.project.units)
    return format_duration(schedule.project.task(st.key).duration, schedule.project.units)


def print_gantt(schedule: Schedule, *, only: set[str] | None = None, width: int | None = None) -> None:
    """Print a text Gantt chart sized to the terminal."""
    labels = 34
    bar_width = width or max(20, min(100, out.width - labels - 3))
    chart = text_gantt(schedule, bar_width, only=only)
    out.print(Text(" " * (labels + 1) + chart.scale, style="dim"))
    for row in chart.rows:
        label = ("  " * row.depth + row.label)[:labels].ljust(labels)
        style = "red" if row.critical and not row.summary else ("bold" if row.summary else "cyan")
        out.print(Text(label + " ", style="bold" if row.summary else "") + Text(row.bar, style=style))
    print_paths(schedule)


def print_paths(schedule: Schedule, console: Console = out) -> None:
    """The chain that drives the finish, called the critical path when every task on it is
    critical; otherwise the critical tasks are listed too (constraints can make them differ)."""
    path = schedule.driving_path
    critical = schedule.critical_tasks()
    on_path = set(critical)
    if all(key in on_path for key in path):
        console.print(Text("critical path: ", style="bold") + Text(" → ".join(path), style="red"))
        return
    console.print(Text("driving path to the finish: ", style="bold") + Text(" → ".join(path)))
    leaves = [k for k in critical if not schedule.project.is_summary(k)]
    shown = ", ".join(leaves[:12]) + (f" and {len(leaves) - 12} more" if len(leaves) > 12 else "")
    console.print(Text("critical tasks (total float ≤ 0): ", style="bold") + Text(shown or "none", style="red"))
