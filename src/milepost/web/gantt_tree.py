"""The WBS tree beside the Gantt chart, as HTML built in one pass (like the chart's SVG):
a template loop with autoescaping costs several times more for thousands of rows.

Like the chart, the tree comes in bands of rows (``charts.gantt.BAND_ROWS``), each placed
at its rows' height, so that a page holds only the bands in view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from milepost.charts.gantt import BAND_ROWS, HEADER
from milepost.domain.duration import describe_minutes
from milepost.domain.schedule import Schedule


@dataclass(frozen=True)
class TreeParams:
    """The page the tree is on: its project, zoom, collapsed summaries (task ids), the height
    of a row."""

    project_id: int
    zoom: str
    collapsed: tuple[int, ...]
    row_height: int = 24


def tree_band(
    schedule: Schedule,
    band: int,
    rows: Sequence[str],
    ids: dict[str, int],
    versions: dict[int, int],
    params: TreeParams,
) -> Markup:
    """The rows of one band (the keys of the chart's rows in it, top to bottom), escaped."""
    first = band * BAND_ROWS
    top = HEADER + first * params.row_height
    inner = tree_html(schedule, rows, first, ids, versions, params)
    return Markup(f'<div class="band" data-band="{band}" style="top:{top}px">{inner}</div>')


def tree_html(
    schedule: Schedule,
    rows: Sequence[str],
    first: int,
    ids: dict[str, int],
    versions: dict[int, int],
    params: TreeParams,
) -> str:
    """One row per key of ``rows``, the chart's rows from row number ``first``."""
    project = schedule.project
    codes = project.wbs_codes()
    cols = schedule.columns
    index = project.task_index
    shut = set(params.collapsed)
    out: list[str] = []
    for n, key in enumerate(rows, first):
        i = index[key]
        task = project.tasks[i]
        ident = ids[key]
        depth = key.count(".")
        summary = key in project.children
        critical = bool(cols.critical[i])
        start, finish = schedule.at(cols.start[i]), schedule.at(cols.finish[i])
        name = escape(task.label)
        title = escape(
            f"{task.label}: {start:%a %d %b %H:%M} to {finish:%a %d %b %H:%M}, "
            f"total float {describe_minutes(cols.total_float[i], project.units)}"
        )
        classes = "row" + (" summary" if summary else "") + (" critical" if critical else "")
        expanded = ""
        toggle = '<span class="toggle" aria-hidden="true"></span>'
        if summary:
            is_shut = ident in shut
            expanded = f' aria-expanded="{"false" if is_shut else "true"}"'
            after = sorted(shut - {ident}) if is_shut else sorted(shut | {ident})
            shown = ",".join(str(c) for c in after)
            href = f"?zoom={params.zoom}&amp;collapsed={shown}&amp;at={n}"  # the page opens on this row
            action = "Expand" if is_shut else "Collapse"
            toggle = (
                f'<a class="toggle" href="{href}" hx-get="{href}" hx-target="#gantt" hx-push-url="true" '
                f'aria-label="{action} {name}">{"▸" if is_shut else "▾"}</a>'
            )
        out.append(
            f'<div class="{classes}" role="treeitem" aria-level="{depth + 1}"{expanded} data-key="{escape(key)}" '
            f'data-id="{ident}" data-version="{versions.get(ident, 1)}" title="{title}" '
            f'style="padding-left:{4 + depth * 14}px">{toggle}<span class="wbs">{codes[key]}</span>'
            f'<a class="name" href="/projects/{params.project_id}/tasks/{ident}">{name}</a>'
            f"{'<span class=sr> (critical)</span>' if critical else ''}</div>"
        )
    return "".join(out)
