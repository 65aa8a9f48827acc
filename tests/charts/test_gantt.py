"""The SVG Gantt chart: rows, bars, arrows by link type, escaping, determinism."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import etree

import milepost
from milepost.charts.gantt import BAND_ROWS, GanttParams, Zoom, gantt_band, gantt_svg
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


def long_chain(count: int) -> Schedule:
    """``count`` chained one-day tasks, and a link from the first to the last."""
    day = Duration(480, TimeUnit.DAY)
    keys = [f"t{n}" for n in range(count)]
    links = [Dependency(a, b) for a, b in pairwise(keys)] + [Dependency(keys[0], keys[-1], LinkType.SS)]
    project = Project(
        name="Long",
        anchor_date=datetime(2027, 3, 1, 8),
        tasks=tuple(Task(key=k, name=k.upper(), duration=day) for k in keys),
        dependencies=tuple(links),
    )
    return milepost.schedule(project)


def drawn(svg: str, query: str) -> list[str]:
    return [
        str(e.get("data-key") or e.get("data-link")) for e in tree(f"<svg xmlns='{NS['s']}'>{svg}</svg>").xpath(query)
    ]


def test_a_chart_in_bands_draws_each_row_once_and_each_arrow_in_every_band_it_crosses() -> None:
    schedule = long_chain(2 * BAND_ROWS + 10)  # three bands, the last one short
    whole = gantt_svg(schedule)
    root = tree(whole.svg)
    bars = [e.get("data-key") for e in root.xpath("//*[@data-key]")]
    arrows = [e.get("data-link") for e in root.xpath("//*[@data-link]")]
    assert bars == list(whole.rows)
    bands = [gantt_band(schedule, GanttParams(), k) for k in range(4)]
    assert [len(b.keys) for b in bands] == [BAND_ROWS, BAND_ROWS, 10, 0]
    assert [key for b in bands for key in drawn(b.bars, "//*[@data-key]")] == bars
    assert [key for b in bands for key in b.keys] == bars
    last = str(len(schedule.project.dependencies) - 1)  # first to last task: in every band
    for b in bands[:3]:
        assert last in drawn(b.links, "//*[@data-link]")
    seen = {link for b in bands for link in drawn(b.links, "//*[@data-link]")}
    assert seen == set(arrows)
    # the link from the last row of band 0 to the first of band 1 is in both
    crossing = str(BAND_ROWS - 1)
    assert crossing in drawn(bands[0].links, "//*[@data-link]")
    assert crossing in drawn(bands[1].links, "//*[@data-link]")
    assert crossing not in drawn(bands[2].links, "//*[@data-link]")


def test_a_banded_chart_holds_the_whole_frame_and_only_the_bands_asked_for() -> None:
    schedule = long_chain(2 * BAND_ROWS + 10)
    whole = gantt_svg(schedule)
    part = gantt_svg(schedule, bands=[1])
    assert (part.width, part.height, part.rows) == (whole.width, whole.height, whole.rows)
    root = tree(part.svg)
    assert root.get("data-rows") == str(2 * BAND_ROWS + 10)
    assert [g.get("data-band") for g in root.xpath("//s:g[@class='band']", namespaces=NS)] == ["1", "1"]
    shown = [e.get("data-key") for e in root.xpath("//*[@data-key]")]
    assert shown == list(whole.rows[BAND_ROWS : 2 * BAND_ROWS])
    assert root.xpath("//s:rect[@class='stripes']", namespaces=NS)  # every row's stripe, in one shape


def test_an_arrow_crossing_two_bands_of_one_drawing_is_drawn_once() -> None:
    schedule = long_chain(2 * BAND_ROWS + 10)
    root = tree(gantt_svg(schedule, bands=[0, 1, 2]).svg)
    arrows = [e.get("data-link") for e in root.xpath("//*[@data-link]")]
    assert sorted(arrows, key=int) == [str(n) for n in range(len(schedule.project.dependencies))]


def test_only_a_bar_wide_enough_has_a_handle_to_stretch_it() -> None:
    schedule = plan()  # g.a: 3 days, g.b: 1 day
    wide = tree(gantt_svg(schedule, GanttParams(zoom=Zoom.DAY)).svg)
    assert len(wide.findall(".//s:rect[@class='handle']", NS)) == 2
    narrow = tree(gantt_svg(schedule, GanttParams(zoom=Zoom.MONTH)).svg)  # 3 px a day
    assert narrow.findall(".//s:rect[@class='handle']", NS) == []
    assert len(narrow.findall(".//s:rect[@class='bar']", NS)) == 2
