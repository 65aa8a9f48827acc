"""The SVG Gantt chart: rows, bars, arrows by link type, escaping, determinism."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

import milepost
from milepost.charts.gantt import GanttParams, Zoom, gantt_svg
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.project import Dependency, LinkType, Project, Task
from milepost.domain.schedule import Schedule

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

NS = {"s": "http://www.w3.org/2000/svg"}


def plan(link: LinkType = LinkType.FS, name: str = "Build") -> Schedule:
    day = Duration(480, TimeUnit.DAY)
    project = Project(
        name="P",
        anchor_date=datetime(2027, 3, 1, 8),
        tasks=(
            Task(key="g", name="Group"),
            Task(key="g.a", name=name, parent="g", duration=Duration(3 * 480, TimeUnit.DAY)),
            Task(key="g.b", name="Test", parent="g", duration=day),
            Task(key="done", name="Done", milestone=True),
        ),
        dependencies=(Dependency("g.a", "g.b", link), Dependency("g.b", "done")),
    )
    return milepost.schedule(project)


def tree(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def test_rows_bars_summaries_and_milestones() -> None:
    chart = gantt_svg(plan())
    assert chart.rows == ("g", "g.a", "g.b", "done")
    root = tree(chart.svg)
    assert len(root.findall(".//s:path[@class='summary critical']", NS)) == 1
    assert len(root.findall(".//s:g[@data-key]", NS)) == 2
    assert root.find(".//s:polygon[@data-key='done']", NS) is not None
    assert len(root.findall(".//s:path[@marker-end]", NS)) == 2


def test_collapsed_summaries_hide_their_subtasks_and_links() -> None:
    chart = gantt_svg(plan(), GanttParams(collapsed=frozenset({"g"})))
    assert chart.rows == ("g", "done")
    assert tree(chart.svg).findall(".//s:path[@marker-end]", NS) == []


@pytest.mark.parametrize(
    ("link", "leaves", "enters"),
    [
        (LinkType.FS, "finish", "start"),
        (LinkType.SS, "start", "start"),
        (LinkType.FF, "finish", "finish"),
        (LinkType.SF, "start", "finish"),
    ],
)
def test_arrows_join_the_ends_their_type_names(link: LinkType, leaves: str, enters: str) -> None:
    chart = gantt_svg(plan(link))
    root = tree(chart.svg)
    a = root.find(".//s:g[@data-key='g.a']", NS)
    b = root.find(".//s:g[@data-key='g.b']", NS)
    assert a is not None
    assert b is not None
    arrow = root.find(f".//s:path[@class='link {link.value.lower()} critical']", NS)
    if arrow is None:
        arrow = root.find(f".//s:path[@class='link {link.value.lower()}']", NS)
    assert arrow is not None
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", arrow.get("d", ""))]
    scale = chart.px_per_day / 1440
    base = (chart.origin - plan(link).origin).total_seconds() / 60

    def x(minutes: str | None) -> float:
        return round((float(minutes or 0) - base) * scale, 1)

    assert numbers[0] == x(a.get(f"data-{leaves}"))
    assert numbers[-1] == x(b.get(f"data-{enters}"))


def test_user_text_is_escaped() -> None:
    svg = gantt_svg(plan(name="<script>alert(1)</script>"), GanttParams(labels=True)).svg
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    tree(svg)  # well-formed


def test_the_same_schedule_draws_the_same_picture() -> None:
    schedule = milepost.schedule(milepost.load(EXAMPLES / "web-launch.yaml"))
    params = GanttParams(zoom=Zoom.DAY, today=datetime(2027, 4, 1), labels=True)
    assert gantt_svg(schedule, params).svg == gantt_svg(schedule, params).svg


def test_today_line_and_zoom_scale() -> None:
    schedule = plan()
    wide = gantt_svg(schedule, GanttParams(zoom=Zoom.DAY, today=datetime(2027, 3, 2, 12)))
    narrow = gantt_svg(schedule, GanttParams(zoom=Zoom.QUARTER))
    assert wide.width > narrow.width
    assert 'class="today"' in wide.svg
    assert 'class="today"' not in narrow.svg
