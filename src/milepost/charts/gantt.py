"""The Gantt chart as SVG: bars on a time scale, summary brackets, milestones,
dependency arrows of the four types, the critical path, today, non-working time.

The same picture serves the web page (where a script makes bars draggable, using the
``data-`` attributes), the SVG and PNG exports and reports.  The output depends only on
the inputs (no clock, no randomness), so it can be compared in tests.

Geometry: time runs left to right at ``Zoom.px_per_day`` pixels per calendar day from
``GanttChart.origin`` (a Monday, a little before the project start); each visible task
is one row of ``row_height`` pixels, in outline order, subtasks of collapsed summaries
left out.  An arrow leaves its predecessor at the end its type names (finish for FS and
FF, start for SS and SF) and enters its successor at the start (FS, SS) or the finish
(FF, SF), routed in right angles around the bars.

A chart of thousands of rows is too much for a browser to lay out at once, so the web
page draws it in bands of ``BAND_ROWS`` rows: :func:`gantt_svg` with ``bands`` draws the
frame (scale, shading, stripes, today) and the bands asked for; :func:`gantt_band` draws
any other band of the same chart for the page to add as it scrolls into view.  An arrow
belongs to every band it crosses, numbered (``data-link``) so that it is shown once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from html import escape

from milepost.domain.duration import describe_minutes
from milepost.domain.project import LinkType
from milepost.domain.schedule import Schedule

HEADER = 40
"""Height of the time scale (two tiers of 20 px)."""
MARGIN_DAYS = 7
HANDLE_MIN_WIDTH = 12
"""A bar this wide (pixels) or wider has a handle at its end to drag (to change its duration)."""


class Zoom(StrEnum):
    """How much time a screen holds."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"

    @property
    def px_per_day(self) -> float:
        """Pixels per calendar day."""
        return {"day": 36.0, "week": 12.0, "month": 3.0, "quarter": 1.2}[self.value]


@dataclass(frozen=True)
class GanttParams:
    """What to draw.

    ``nonworking``: spans ``(start, end)`` in schedule minutes to shade (the project
    calendar's non-working time; shaded at day and week zoom only); ``today`` draws the
    today line; ``labels`` adds a column with the WBS code and name (for exports, where
    no table sits beside the chart).
    """

    zoom: Zoom = Zoom.WEEK
    collapsed: frozenset[str] = frozenset()
    today: datetime | None = None
    nonworking: Sequence[tuple[int, int]] = ()
    labels: bool = False
    row_height: int = 24
    label_width: int = 280


BAND_ROWS = 50
"""Rows per band: a page draws the bands in view and fetches the others as they scroll in."""


@dataclass(frozen=True)
class GanttChart:
    """The SVG, the task keys of its rows (top to bottom) and its scale; drawn in bands, the
    time scale alone too (``heading``), for the page to keep in view above the rows."""

    svg: str
    rows: tuple[str, ...]
    width: int
    height: int
    origin: datetime
    px_per_day: float
    heading: str = ""


@dataclass(frozen=True)
class Scale:
    """Where a time and a row are drawn."""

    left: int
    base: float
    px_per_day: float
    row_height: int

    def x(self, minutes: float) -> float:
        """The x of a schedule minute."""
        return round(self.left + (minutes - self.base) * self.px_per_day / 1440, 1)

    def y(self, row: int) -> int:
        """The top of a row."""
        return HEADER + row * self.row_height


@dataclass(frozen=True)
class Layout:
    """The chart's geometry: the tasks shown (indices, top to bottom), the time scale and size."""

    rows: tuple[int, ...]
    row_of: dict[int, int]
    origin: datetime
    days: int
    scale: Scale
    width: int
    height: int

    def band_rows(self, band: int) -> range:
        """The rows of a band (empty past the last row)."""
        first = band * BAND_ROWS
        return range(min(first, len(self.rows)), min(first + BAND_ROWS, len(self.rows)))

    @property
    def bands(self) -> int:
        """How many bands the rows make."""
        return -(-len(self.rows) // BAND_ROWS)


@dataclass(frozen=True)
class GanttBand:
    """Some rows of the chart: their keys, their arrows and their bars, as SVG."""

    band: int
    keys: tuple[str, ...]
    links: str
    bars: str


def visible_rows(schedule: Schedule, collapsed: frozenset[str]) -> list[int]:
    """Indices of the tasks shown: all but the subtasks of collapsed summaries."""
    tasks = schedule.project.tasks
    hidden_under: set[str] = set()
    out = []
    for i, task in enumerate(tasks):
        if task.parent is not None and (task.parent in hidden_under or task.parent in collapsed):
            hidden_under.add(task.key)
            continue
        out.append(i)
    return out


def layout(schedule: Schedule, params: GanttParams) -> Layout:
    """Where the rows and times of the chart go."""
    cols = schedule.columns
    rows = visible_rows(schedule, params.collapsed)
    first = schedule.at(min([schedule.start, *(cols.start[i] for i in rows)]))
    last = schedule.at(max([schedule.finish, *(cols.finish[i] for i in rows)]))
    origin = datetime.combine(first.date() - timedelta(days=first.weekday() + MARGIN_DAYS), datetime.min.time())
    days = (last.date() - origin.date()).days + MARGIN_DAYS * 2
    ppd = params.zoom.px_per_day
    left = params.label_width if params.labels else 0
    base = (origin - schedule.origin).total_seconds() / 60
    return Layout(
        rows=tuple(rows),
        row_of={i: n for n, i in enumerate(rows)},
        origin=origin,
        days=days,
        scale=Scale(left, base, ppd, params.row_height),
        width=left + int(days * ppd) + 1,
        height=HEADER + params.row_height * len(rows) + 1,
    )


def gantt_svg(schedule: Schedule, params: GanttParams | None = None, bands: Sequence[int] | None = None) -> GanttChart:
    """Draw the schedule: every row, or only the rows of ``bands`` (each in a group marked
    with its number, for a page that fetches the others with :func:`gantt_band`)."""
    params = params or GanttParams()
    project = schedule.project
    lay = layout(schedule, params)
    scale, width, height, rh = lay.scale, lay.width, lay.height, params.row_height
    x, left, ppd = scale.x, scale.left, scale.px_per_day
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" data-origin="{lay.origin:%Y-%m-%dT%H:%M}" data-px-per-day="{ppd}" '
        f'data-row-height="{rh}" data-header="{HEADER}" data-left="{left}" data-rows="{len(lay.rows)}" '
        f'data-band-rows="{BAND_ROWS}" role="img" aria-label="Gantt chart of {escape(project.name)}">',
        f"<style>{STYLE}</style>",
        _defs(width, rh),
        f'<rect class="stripes" fill="url(#stripes)" x="0" y="{HEADER}" width="{width}" height="{height - HEADER}"/>',
    ]
    if params.zoom in (Zoom.DAY, Zoom.WEEK):
        out += [
            f'<rect class="off" x="{x(a)}" y="{HEADER}" width="{round(x(b) - x(a), 1)}" height="{height - HEADER}"/>'
            for a, b in params.nonworking
            if b > scale.base and x(a) < width
        ]
    out += _scale(lay.origin, lay.days, ppd, left, params.zoom, height)
    if params.labels:
        out += _labels(schedule, list(lay.rows), rh, left)
    if bands is None:
        links, bars = _draw(schedule, lay, 0, len(lay.rows), set())
        out += ['<g class="links">', links, '</g><g class="bars">', bars, "</g>"]
    else:
        shown: set[int] = set()  # an arrow crossing two of these bands is drawn once
        drawn = [_draw(schedule, lay, lay.band_rows(k).start, lay.band_rows(k).stop, shown) for k in bands]
        out.append('<g class="links">')
        out += [f'<g class="band" data-band="{k}">{links}</g>' for k, (links, _) in zip(bands, drawn, strict=True)]
        out.append('</g><g class="bars">')
        out += [f'<g class="band" data-band="{k}">{bars}</g>' for k, (_, bars) in zip(bands, drawn, strict=True)]
        out.append("</g>")
    out += _today(schedule, params, scale, width, height)
    out.append("</svg>")
    heading = ""
    if bands is not None:
        heading = "".join(
            [
                f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt-scale" width="{width}" height="{HEADER}" '
                f'viewBox="0 0 {width} {HEADER}" aria-hidden="true"><style>{STYLE}</style>',
                *_scale(lay.origin, lay.days, ppd, left, params.zoom, HEADER),
                *_today(schedule, params, scale, width, HEADER),
                "</svg>",
            ]
        )
    keys = tuple(project.tasks[i].key for i in lay.rows)
    return GanttChart("".join(out), keys, width, height, lay.origin, ppd, heading)


def _today(schedule: Schedule, params: GanttParams, scale: Scale, width: int, height: int) -> list[str]:
    if params.today is None:
        return []
    tx = scale.x(int((params.today - schedule.origin).total_seconds() // 60))
    if not scale.left <= tx <= width:
        return []
    return [f'<line class="today" x1="{tx}" y1="0" x2="{tx}" y2="{height}"><title>Today</title></line>']


def gantt_band(schedule: Schedule, params: GanttParams, band: int) -> GanttBand:
    """One band of rows of the chart :func:`gantt_svg` draws with the same ``params``: the
    arrows that cross it and its bars."""
    lay = layout(schedule, params)
    rows = lay.band_rows(band)
    links, bars = _draw(schedule, lay, rows.start, rows.stop, set())
    tasks = schedule.project.tasks
    return GanttBand(band, tuple(tasks[lay.rows[n]].key for n in rows), links, bars)


def _draw(schedule: Schedule, lay: Layout, first: int, stop: int, shown: set[int]) -> tuple[str, str]:
    """The arrows that cross rows ``first`` to ``stop - 1`` but those numbered in ``shown``
    (each marked with its number, so that a page holding two bands shows it once; ``shown``
    gets the ones drawn) and the bars of those rows."""
    project = schedule.project
    index, row_of, rh = project.task_index, lay.row_of, lay.scale.row_height
    links = []
    for n, dep in enumerate(project.dependencies):
        p, s = index[dep.predecessor], index[dep.successor]
        rp, rs = row_of.get(p), row_of.get(s)
        if rp is None or rs is None or max(rp, rs) < first or min(rp, rs) >= stop or n in shown:
            continue
        shown.add(n)
        links.append(_arrow(dep.type, (p, s), (rp, rs), schedule, lay.scale, rh, n))
    bars = [_bar(schedule, lay.rows[n], lay.scale, n) for n in range(first, stop)]
    return "".join(links), "".join(bars)


def _defs(width: int, rh: int) -> str:
    """The arrow head, and the pattern of the rows' stripes (every other row shaded)."""
    return (
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" class="head"/></marker>'
        f'<pattern id="stripes" patternUnits="userSpaceOnUse" x="0" y="{HEADER}" width="{width}" height="{2 * rh}">'
        f'<rect class="stripe" x="0" y="{rh}" width="{width}" height="{rh}"/></pattern></defs>'
    )


def _scale(origin: datetime, days: int, ppd: float, left: int, zoom: Zoom, height: int) -> list[str]:
    """Two tiers: months over days or weeks; years over months or quarters."""
    out = [f'<rect class="scale" x="{left}" y="0" width="{round(days * ppd, 1)}" height="{HEADER}"/>']
    start = origin.date()
    top: list[tuple[date, str]] = []
    bottom: list[tuple[date, str]] = []
    for d in (start + timedelta(days=k) for k in range(days + 1)):
        first_of_month = d.day == 1 or d == start
        if zoom in (Zoom.DAY, Zoom.WEEK) and first_of_month:
            top.append((d, f"{d:%b %Y}"))
        if zoom in (Zoom.MONTH, Zoom.QUARTER) and (d == start or (d.month == 1 and d.day == 1)):
            top.append((d, f"{d:%Y}"))
        if zoom is Zoom.DAY:
            bottom.append((d, f"{d:%a}"[0] + f"{d.day}"))
        elif zoom is Zoom.WEEK and d.weekday() == 0:
            bottom.append((d, f"{d.day} {d:%b}"))
        elif zoom is Zoom.MONTH and d.day == 1:
            bottom.append((d, f"{d:%b}"))
        elif zoom is Zoom.QUARTER and d.day == 1 and d.month in (1, 4, 7, 10):
            bottom.append((d, f"Q{(d.month - 1) // 3 + 1}"))

    def at(d: date) -> float:
        return round(left + (d - start).days * ppd, 1)

    for d, text in top:
        out.append(f'<line class="tick" x1="{at(d)}" y1="0" x2="{at(d)}" y2="20"/>')
        out.append(f'<text class="tier" x="{at(d) + 3}" y="14">{escape(text)}</text>')
    for d, text in bottom:
        out.append(f'<line class="grid" x1="{at(d)}" y1="20" x2="{at(d)}" y2="{height}"/>')
        out.append(f'<text class="tier small" x="{at(d) + 2}" y="34">{escape(text)}</text>')
    return out


def _labels(schedule: Schedule, rows: list[int], rh: int, left: int) -> list[str]:
    project = schedule.project
    codes = project.wbs_codes()
    out = [f'<rect class="labels" x="0" y="0" width="{left}" height="{HEADER + rh * len(rows)}"/>']
    for n, i in enumerate(rows):
        task = project.tasks[i]
        depth = sum(1 for _ in project.ancestors(task.key))
        cls = "label summary" if project.is_summary(task.key) else "label"
        text = escape(f"{codes[task.key]} {task.label}")
        out.append(f'<text class="{cls}" x="{6 + depth * 12}" y="{HEADER + n * rh + rh * 0.66:.1f}">{text}</text>')
    return out


def _bar(schedule: Schedule, i: int, scale: Scale, row: int) -> str:
    """A task's bar (with its progress, a pin for a dated constraint and a handle to drag its
    end), a summary's bracket or a milestone's diamond."""
    project = schedule.project
    task = project.tasks[i]
    cols = schedule.columns
    start, finish = cols.start[i], cols.finish[i]
    x0, x1 = scale.x(start), scale.x(finish)
    top, rh = scale.y(row), scale.row_height
    critical = " critical" if cols.critical[i] else ""
    title = escape(
        f"{task.label}: {schedule.at(start):%a %Y-%m-%d %H:%M} to {schedule.at(finish):%a %Y-%m-%d %H:%M}; "
        f"total float {describe_minutes(cols.total_float[i], project.units)}"
    )
    data = f'data-key="{escape(task.key)}" data-start="{start}" data-finish="{finish}"'
    mid = top + rh / 2
    if project.is_summary(task.key):
        h = rh * 0.25
        y0 = top + rh * 0.3
        path = (
            f"M{x0},{y0} H{x1} V{y0 + h + 5:.1f} L{x1 - 5},{y0 + h:.1f} H{x0 + 5} L{x0},{y0 + h + 5:.1f} Z"
            if x1 - x0 > 10
            else f"M{x0},{y0} H{x1} V{y0 + h:.1f} H{x0} Z"
        )
        return f'<path class="summary{critical}" d="{path}" {data}><title>{title}</title></path>'
    if task.milestone and finish == start:
        r = rh * 0.3
        points = f"{x0},{mid - r:.1f} {x0 + r:.1f},{mid} {x0},{mid + r:.1f} {x0 - r:.1f},{mid}"
        return f'<polygon class="milestone{critical}" points="{points}" {data}><title>{title}</title></polygon>'
    w = max(round(x1 - x0, 1), 2.0)
    bar_y, bar_h = top + rh * 0.2, rh * 0.6
    parts = [
        f'<g class="task{critical}" {data}><title>{title}</title>',
        f'<rect class="bar" x="{x0}" y="{bar_y:.1f}" width="{w}" height="{bar_h:.1f}" rx="2"/>',
    ]
    if task.percent_complete:
        done = round(w * task.percent_complete / 100, 1)
        parts.append(
            f'<rect class="done" x="{x0}" y="{bar_y + bar_h * 0.35:.1f}" width="{done}" height="{bar_h * 0.3:.1f}"/>'
        )
    if task.constraint is not None and task.constraint.date is not None:
        pin = escape(f"{task.constraint.type.value} {task.constraint.date:%Y-%m-%d %H:%M}")
        parts.append(f'<circle class="pin" cx="{x0}" cy="{bar_y:.1f}" r="3"><title>{pin}</title></circle>')
    if w >= HANDLE_MIN_WIDTH:  # a narrower bar is all handle: it could not be moved; zoom in to stretch it
        parts.append(f'<rect class="handle" x="{x0 + w - 4:.1f}" y="{bar_y:.1f}" width="6" height="{bar_h:.1f}"/>')
    parts.append("</g>")
    return "".join(parts)


def _arrow(
    kind: LinkType, tasks: tuple[int, int], rows: tuple[int, int], schedule: Schedule, scale: Scale, rh: int, n: int
) -> str:
    """An elbow arrow from the predecessor's end to the successor's end, by link type:
    one bend where the ends allow it, else a jog between the two rows."""
    cols = schedule.columns
    (p, s), (rp, rs) = tasks, rows
    from_finish = kind in (LinkType.FS, LinkType.FF)
    to_finish = kind in (LinkType.FF, LinkType.SF)
    x1 = scale.x(cols.finish[p] if from_finish else cols.start[p])
    x2 = scale.x(cols.finish[s] if to_finish else cols.start[s])
    y1, y2 = scale.y(rp) + rh / 2, scale.y(rs) + rh / 2
    a = x1 + 6 if from_finish else x1 - 6  # leave the predecessor outwards
    b = x2 + 6 if to_finish else x2 - 6  # and come into the successor from outside
    low, high = (a, b) if from_finish else (b, a)
    if not from_finish and not to_finish:
        d = f"M{x1},{y1} H{min(a, b):.1f} V{y2} H{x2}"
    elif from_finish and to_finish:
        d = f"M{x1},{y1} H{max(a, b):.1f} V{y2} H{x2}"
    elif low <= high:  # FS with room before the successor, SF with room after it
        d = f"M{x1},{y1} H{a:.1f} V{y2} H{x2}"
    else:
        between = y1 + (rh / 2 if y2 >= y1 else -rh / 2)
        d = f"M{x1},{y1} H{a:.1f} V{between:.1f} H{b:.1f} V{y2} H{x2}"
    critical = " critical" if cols.critical[p] and cols.critical[s] else ""
    return f'<path class="link {kind.value.lower()}{critical}" d="{d}" marker-end="url(#arrow)" data-link="{n}"/>'


STYLE = (
    ".gantt{font:11px system-ui,sans-serif;background:#fff}"
    ".stripe{fill:#f6f7f9}.off{fill:#eceff3}.scale{fill:#f0f2f5}.labels{fill:#fff}"
    ".tick{stroke:#9aa3ad}.grid{stroke:#e1e5ea}.tier{fill:#2b3440}.small{font-size:10px}"
    ".label{fill:#1f2933}.label.summary{font-weight:600}"
    ".bar{fill:#4a7bd0;stroke:#2f5aa8}.task.critical .bar{fill:#d64545;stroke:#a32b2b}"
    ".done{fill:#1b2b4a;opacity:.55}.handle{fill:transparent;cursor:ew-resize}"
    ".summary{fill:#3b4754}.summary.critical{fill:#a32b2b}"
    ".milestone{fill:#1f2933}.milestone.critical{fill:#d64545}"
    ".pin{fill:#f0b429;stroke:#8d6708}"
    ".link{fill:none;stroke:#7b8794;stroke-width:1}.link.critical{stroke:#d64545;stroke-width:1.5}"
    ".head{fill:#7b8794}"
    ".today{stroke:#e12d39;stroke-width:1.5;stroke-dasharray:4 3}"
)
