"""The load histogram: bars per period against capacity, over-allocation in red,
escaped text, the same picture for the same input."""

from __future__ import annotations

from datetime import date, datetime

from lxml import etree

import milepost
from milepost.charts.histogram import HistogramParams, histogram_svg, over_allocated
from milepost.domain.calendar import Calendar, CalendarException, standard_calendar
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.project import Dependency, Project, Task
from milepost.domain.resource import Assignment, Resource
from milepost.engine.load import LoadReport, Period, resource_load

NS = {"s": "http://www.w3.org/2000/svg"}
DAY = 480


def project(name: str = "Alice <&> Bob", *, holiday: bool = False) -> Project:
    """Two 1-week tasks on one person in week 1 (over-allocated), then one in week 2."""
    calendars: tuple[Calendar, ...] = (standard_calendar(),)
    if holiday:  # Alice is off on Wednesday of week 2
        calendars += (
            Calendar(
                "alice-cal", base="standard", exceptions=(CalendarException(date(2027, 3, 10), date(2027, 3, 10)),)
            ),
        )
    return Project(
        name="P",
        anchor_date=datetime(2027, 3, 1, 8),
        tasks=(
            Task("a", duration=Duration(5 * DAY, TimeUnit.DAY)),
            Task("b", duration=Duration(5 * DAY, TimeUnit.DAY)),
            Task("c", duration=Duration(5 * DAY, TimeUnit.DAY)),
        ),
        dependencies=(Dependency("a", "c"),),
        calendars=calendars,
        resources=(Resource("alice", name, calendar="alice-cal" if holiday else None), Resource("idle")),
        assignments=(Assignment("a", "alice"), Assignment("b", "alice"), Assignment("c", "alice", units=0.5)),
    )


def report(by: Period = Period.WEEK, **kwargs: object) -> LoadReport:
    p = project(**kwargs)  # type: ignore[arg-type]
    return resource_load(p, milepost.schedule(p), by)


def tree(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def test_over_allocated_weeks_are_red_and_the_others_are_not() -> None:
    loads = report()
    chart = histogram_svg(loads, "alice")
    row = loads.resources.index("alice")
    assert (loads.load[row][:2], loads.capacity[row][:2]) == ((80 * 60, 20 * 60), (40 * 60, 40 * 60))
    assert chart.over == over_allocated(loads.load[row], loads.capacity[row]) == (0,)
    root = tree(chart.svg)
    periods = root.findall(".//s:g[@class]", NS)
    assert len(periods) == len(loads.periods)
    assert [g.get("class") for g in periods] == ["period over"] + ["period"] * (len(periods) - 1)
    first = periods[0]
    assert first.find("s:rect[@class='excess']", NS) is not None
    assert first.find("s:rect[@class='flag']", NS) is not None
    assert "over-allocated by 40 h" in first.findtext("s:title", namespaces=NS)
    assert root.findall(".//s:g[@class='period']/s:rect[@class='excess']", NS) == []
    assert root.find(".//s:path[@class='capacity']", NS) is not None
    assert "over-allocated in 1 of" in root.get("aria-label")


def test_the_excess_is_drawn_above_the_capacity() -> None:
    chart = histogram_svg(report(), "alice", HistogramParams(plot_height=100))
    root = tree(chart.svg)
    first = root.find(".//s:g[@class='period over']", NS)
    bar, excess = first.find("s:rect[@class='bar']", NS), first.find("s:rect[@class='excess']", NS)
    assert float(excess.get("y")) + float(excess.get("height")) == float(bar.get("y"))  # stacked
    assert abs(float(bar.get("height")) - float(excess.get("height"))) <= 0.2  # 40 h to capacity, 40 h above it


def test_a_resource_without_work_is_never_over_allocated() -> None:
    chart = histogram_svg(report(), "idle")
    assert chart.over == ()
    root = tree(chart.svg)
    assert root.findall(".//s:rect[@class='bar']", NS) == []
    assert "never over-allocated" in root.get("aria-label")


def test_time_off_lowers_the_capacity_line() -> None:
    loads = report(holiday=True)
    row = loads.resources.index("alice")
    assert loads.capacity[row][1] == 4 * DAY
    chart = histogram_svg(loads, "alice")
    path = tree(chart.svg).find(".//s:path[@class='capacity']", NS).get("d")
    assert len(set(path.replace("M", "L").split("L")[1:])) > 1  # not one flat line


def test_days_are_labelled_and_text_is_escaped() -> None:
    loads = report(Period.DAY)
    chart = histogram_svg(loads, "alice", HistogramParams(period=Period.DAY, bar_width=10))
    assert chart.width == 44 + 10 * len(loads.periods) + 36
    root = tree(chart.svg)  # parses: every text is escaped
    assert root.get("data-period") == "day"
    assert len(root.findall(".//s:g[@class='period over']", NS)) == 5  # Monday to Friday of week 1
    titles = [t.text for t in root.findall(".//s:title", NS)]
    assert titles[0].startswith("Mon 01 Mar 2027: 16 h of 8 h available")
    odd = LoadReport(loads.periods, ('<script>"x"</script>',), (loads.load[0],), (loads.capacity[0],), ())
    svg = histogram_svg(odd, '<script>"x"</script>').svg
    assert "<script>" not in svg
    assert tree(svg).get("data-resource") == '<script>"x"</script>'


def test_the_same_input_draws_the_same_picture() -> None:
    assert histogram_svg(report(), "alice").svg == histogram_svg(report(), "alice").svg
