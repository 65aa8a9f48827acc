"""A resource's load histogram as SVG: one bar of load per day or week against the
resource's capacity, over-allocated periods in red.

The load and capacity come from :func:`milepost.engine.load.resource_load` (working
minutes per period; capacity is the resource's units times its own calendar's working
time, so time off shows as a dip of the capacity line).  A period is over-allocated when
its load exceeds its capacity by more than half a minute, the rule of the load report.
Its bar is drawn blue up to the capacity and red above it, and marked with a red band
under the axis, so a print in black and white still shows where.

Geometry: ``bar_width`` pixels per period from the left axis, ``plot_height`` pixels
for the largest of the load and the capacity (at least one hour) plus a tenth; hours on
the vertical axis at a round step.  The output depends only on the inputs (no clock),
so it can be compared in tests; every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from milepost.engine.load import LoadReport, Period

LEFT = 44
"""Room for the hours on the vertical axis."""
TOP = 8
BOTTOM = 30
"""Room for the over-allocation band and the period labels."""
RIGHT = 36
"""Room for the last period's date."""
SLACK = 0.5
"""Minutes of load above capacity that still count as fitting (the load report's rule)."""


@dataclass(frozen=True)
class HistogramParams:
    """What to draw: the grain of the periods and the size of the picture."""

    period: Period = Period.WEEK
    bar_width: int = 16
    plot_height: int = 110


@dataclass(frozen=True)
class HistogramChart:
    """The SVG, its size, and the over-allocated periods (indices into the report's periods)."""

    svg: str
    width: int
    height: int
    over: tuple[int, ...]


def over_allocated(load: tuple[int, ...], capacity: tuple[int, ...]) -> tuple[int, ...]:
    """The periods whose load exceeds their capacity."""
    return tuple(p for p, (a, c) in enumerate(zip(load, capacity, strict=True)) if a > c + SLACK)


def histogram_svg(report: LoadReport, resource: str, params: HistogramParams | None = None) -> HistogramChart:
    """Draw the load of ``resource`` (a key of ``report.resources``)."""
    params = params or HistogramParams()
    row = report.resources.index(resource)
    load, capacity, periods = report.load[row], report.capacity[row], report.periods
    over = over_allocated(load, capacity)
    top_hours = max(1.0, max((*load, *capacity), default=0) / 60) * 1.1
    step = _step(top_hours)
    scale = params.plot_height / top_hours
    bw = params.bar_width
    width = LEFT + bw * len(periods) + RIGHT
    height = TOP + params.plot_height + BOTTOM
    base = TOP + params.plot_height

    def y(minutes: float) -> float:
        return round(base - minutes / 60 * scale, 1)

    name = escape(resource)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="histogram" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" data-resource="{name}" data-period="{params.period.value}" '
        f'aria-label="Load of {name} per {params.period.value} against its capacity'
        f'{f", over-allocated in {len(over)} of {len(periods)}" if over else ", never over-allocated"}">',
        f"<style>{STYLE}</style>",
    ]
    hours = 0.0
    while hours <= top_hours + 1e-9:
        at = y(hours * 60)
        out.append(f'<line class="grid" x1="{LEFT}" y1="{at}" x2="{width - RIGHT}" y2="{at}"/>')
        out.append(
            f'<text class="axis" x="{LEFT - 4}" y="{round(at + 3.5, 1)}" text-anchor="end">{_hours(hours)}</text>'
        )
        hours += step
    flagged = set(over)
    for p, start in enumerate(periods):
        x = LEFT + p * bw
        out.append(_bar(x, bw, load[p], capacity[p], y, p in flagged, _when(start, params.period)))
    out.append(_capacity_line(capacity, bw, y))
    out += _labels(periods, params.period, bw, base)
    out.append(f'<line class="axis-line" x1="{LEFT}" y1="{base}" x2="{width - RIGHT}" y2="{base}"/>')
    out.append("</svg>")
    return HistogramChart("".join(out), width, height, over)


def _bar(x: int, bw: int, load: int, capacity: int, y: Callable[[float], float], over: bool, when: str) -> str:
    """One period's bar: blue up to the capacity, red above it when over-allocated."""
    title = escape(
        f"{when}: {_hours(load / 60)} h of {_hours(capacity / 60)} h available"
        + (f", over-allocated by {_hours((load - capacity) / 60)} h" if over else "")
    )
    parts = [f'<g class="period{" over" if over else ""}" data-load="{load}" data-capacity="{capacity}">']
    parts.append(f"<title>{title}</title>")
    inside = min(load, capacity) if over else load
    if inside > 0:
        top = y(inside)
        parts.append(f'<rect class="bar" x="{x + 1}" y="{top}" width="{bw - 2}" height="{round(y(0) - top, 1)}"/>')
    if over:
        top, bottom = y(load), y(max(capacity, 0))
        parts.append(f'<rect class="excess" x="{x + 1}" y="{top}" width="{bw - 2}" height="{round(bottom - top, 1)}"/>')
        parts.append(f'<rect class="flag" x="{x}" y="{y(0) + 2}" width="{bw}" height="4"/>')
    parts.append("</g>")
    return "".join(parts)


def _capacity_line(capacity: tuple[int, ...], bw: int, y: Callable[[float], float]) -> str:
    """A step line at each period's capacity."""
    points = []
    for p, c in enumerate(capacity):
        at = y(c)
        points.append(f"{'M' if p == 0 else 'L'}{LEFT + p * bw} {at}H{LEFT + (p + 1) * bw}")
    return f'<path class="capacity" d="{"".join(points)}"/>' if points else ""


def _labels(periods: tuple[datetime, ...], period: Period, bw: int, base: float) -> list[str]:
    """Dates under the axis, as often as they fit (about 44 px apart)."""
    every = max(1, math.ceil(44 / bw))
    out = []
    for p, start in enumerate(periods):
        if p % every == 0:
            text = escape(f"{start:%d %b}" if period is Period.WEEK or p == 0 else f"{start:%a %d}")
            out.append(f'<text class="date" x="{LEFT + p * bw + 1}" y="{base + 22}">{text}</text>')
    return out


def _when(start: datetime, period: Period) -> str:
    return f"Week of {start:%a %d %b %Y}" if period is Period.WEEK else f"{start:%a %d %b %Y}"


def _hours(value: float) -> str:
    """Hours for people: ``8``, ``7.5``, ``0.3``."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _step(top: float) -> float:
    """A round step of hours giving at most about five grid lines up to ``top``."""
    raw = top / 5
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


STYLE = (
    ".histogram{font:10px system-ui,sans-serif;background:#fff}"
    ".grid{stroke:#e1e5ea}.axis{fill:#52606d}.axis-line{stroke:#9aa3ad}.date{fill:#2b3440}"
    ".bar{fill:#4a7bd0}.excess{fill:#d64545}.flag{fill:#d64545}"
    ".capacity{fill:none;stroke:#1f2933;stroke-width:1.5;stroke-dasharray:5 2}"
)
