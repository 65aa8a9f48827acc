"""The Gantt page in the browser: the critical path, dragging a bar, undo, drawing links."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from milepost.charts.gantt import BAND_ROWS
from milepost.schemas.tasks import TaskUpdate
from milepost.services import tasks
from milepost.storage.db import transaction
from tests.web.browsing import Plan, Web, long_plan, swapped

CRITICAL = ("design", "works", "works.build", "done")


def drag(page: Page, selector: str, dx: float, *, to: str | None = None) -> None:
    """Press the mouse on the middle of an element of the chart, move it by ``dx`` pixels (or
    onto the element ``to``) and let go."""
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    if to is not None:
        target = page.locator(to).bounding_box()
        assert target is not None, to
        end = (target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
    else:
        end = (x + dx, y)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(*end, steps=6)
    page.mouse.up()


def bar(key: str) -> str:
    return f'svg.gantt g.task[data-key="{key}"]'


def test_the_critical_path_is_marked_in_the_tree_and_the_chart(web: Web) -> None:
    _, plan, page = web.open()
    tree = page.locator(".gantt-frame .tree")
    for key in plan.tasks:
        row = tree.locator(f'.row[data-key="{key}"]')
        marked = [r"\bcritical\b"] if key in CRITICAL else []
        if marked:
            expect(row).to_have_class(re.compile(marked[0]))
            expect(row.locator(".sr")).to_have_text("(critical)")
        else:
            expect(row).not_to_have_class(re.compile(r"\bcritical\b"))
    chart = page.locator("svg.gantt")
    for key in ("design", "works.build"):
        expect(chart.locator(f'g.task.critical[data-key="{key}"]')).to_have_count(1)
    expect(chart.locator('polygon.milestone.critical[data-key="done"]')).to_have_count(1)
    for key in ("works.paint", "docs"):
        expect(chart.locator(f'g.task[data-key="{key}"]')).not_to_have_class(re.compile(r"\bcritical\b"))
    expect(page.locator(".diagnostics")).to_contain_text("4 critical tasks")
    web.shot("gantt")

    # zoom and collapse are HTMX swaps of the chart only; the address follows
    page.get_by_role("link", name="Month").click()
    expect(page.locator("#gantt")).to_have_attribute("data-zoom", "month")
    expect(page).to_have_url(re.compile(r"zoom=month"))
    page.get_by_role("link", name="Collapse Works").click()
    expect(tree.locator('.row[data-key="works.build"]')).to_have_count(0)
    expect(tree.locator('.row[data-key="works"]')).to_have_attribute("aria-expanded", "false")
    expect(page.locator("svg.gantt [data-key]")).to_have_count(4)
    page.get_by_role("link", name="Expand Works").click()
    expect(tree.locator('.row[data-key="works.build"]')).to_have_count(1)


def test_drag_a_bar_pins_it_with_snet_and_undo_puts_it_back(web: Web) -> None:
    owner, plan, page = web.open(query="?zoom=day")  # 36 px a day; a move snaps to whole days
    paint = page.locator(bar("works.paint"))
    before = paint.get_attribute("data-start")
    expect(page.locator("#undo")).to_be_disabled()

    with page.expect_response(re.compile(r"/gantt/move$")) as answer:
        drag(page, bar("works.paint") + " rect.bar", 36)  # Thu 4 March 08:00 -> Fri 5 March
    assert answer.value.status == 200
    assert web.server.task(owner, plan, "works.paint")["constraint"] == "SNET 2027-03-05"
    paint = page.locator(bar("works.paint"))
    expect(paint.locator("circle.pin title")).to_have_text("SNET 2027-03-05 00:00")
    assert int(paint.get_attribute("data-start") or 0) == int(before or 0) + 1440
    expect(paint.locator("title").first).to_contain_text("Fri 2027-03-05 08:00")
    expect(page.locator("#undo")).to_be_enabled()

    with page.expect_response(re.compile(r"/undo$")) as answer:
        page.get_by_role("button", name="Undo").click()
    assert answer.value.status == 200
    assert web.server.task(owner, plan, "works.paint")["constraint"] is None
    expect(page.locator(bar("works.paint"))).to_have_attribute("data-start", before or "")
    expect(page.locator(bar("works.paint") + " circle.pin")).to_have_count(0)
    expect(page.locator("#undo")).to_be_disabled()


def test_drag_the_end_of_a_bar_changes_its_duration(web: Web) -> None:
    owner, plan, page = web.open(query="?zoom=day")
    with page.expect_response(re.compile(r"/gantt/stretch$")) as answer:
        drag(page, bar("docs") + " rect.handle", 72)  # two more days: Tue 17:00 -> Thu 17:00
    assert answer.value.status == 200
    assert web.server.task(owner, plan, "docs")["duration"] == "4d"
    expect(page.locator(bar("docs") + " title").first).to_contain_text("to Thu 2027-03-04 17:00")


def test_draw_a_link_in_link_mode(web: Web) -> None:
    owner, plan, page = web.open(query="?zoom=day")
    links = page.locator("svg.gantt g.links path.link")
    expect(links).to_have_count(3)
    page.get_by_role("button", name="Draw links").click()
    expect(page.get_by_role("button", name="Draw links")).to_have_attribute("aria-pressed", "true")
    with page.expect_response(re.compile(r"/gantt/link$")) as answer:
        drag(page, bar("works.build") + " rect.bar", 0, to=bar("docs") + " rect.bar")
    assert answer.value.status == 200
    assert ("works.build", "docs") in web.server.link_pairs(owner, plan)
    expect(links).to_have_count(4)
    # docs now waits for build (Wed 10 March): it starts on Thursday 11
    expect(page.locator(bar("docs") + " title").first).to_contain_text("Docs: Thu 2027-03-11 08:00")
    assert_undo_kept(page, plan)


def assert_undo_kept(page: Page, plan: Plan) -> None:
    """The change is on the page's undo stack (kept in the tab's session storage)."""
    stack = page.evaluate(f"sessionStorage.getItem('milepost-undo-{plan.id}')")
    assert stack is not None
    assert len(json.loads(stack)) == 1


def test_a_long_chart_fetches_its_rows_as_they_scroll_into_view(web: Web) -> None:
    owner, plan, page = web.open("gantt", long_plan(), "?zoom=month")  # 260 rows, in six bands
    tree = page.locator(".gantt-frame .tree")
    frame = page.locator(".gantt-frame")
    expect(tree.locator(".row")).to_have_count(2 * BAND_ROWS)  # only the first two bands
    expect(page.locator("svg.gantt g.bars [data-key]")).to_have_count(2 * BAND_ROWS)

    frame.evaluate("f => { f.scrollTop = f.scrollHeight; }")
    expect(tree.locator('.row[data-key="g3.t63"]')).to_be_in_viewport()
    expect(page.locator('svg.gantt [data-key="g3.t63"]')).to_have_count(1)
    heading = page.locator(".gantt-frame .heading svg.gantt-scale").bounding_box()
    view = frame.bounding_box()
    assert heading is not None
    assert view is not None
    assert abs(heading["y"] - view["y"]) < 2  # the time scale stays in view above the rows
    expect(page.locator('svg.gantt [data-link="255"]')).to_have_count(1)  # g0.t0 -> g3.t63, in bands 0 and 5
    web.shot("gantt-long")
    keys = tree.locator(".row").evaluate_all("rows => rows.map((r) => r.dataset.key)")
    assert keys[: 2 * BAND_ROWS] == [*ROWS[: 2 * BAND_ROWS]]
    assert keys[2 * BAND_ROWS :] == [k for k in ROWS[2 * BAND_ROWS :] if k in keys]  # in order, bands 4-5
    assert "g3.t63" in keys

    # a drag down there answers with the chart drawn where it was; the bar, 3 px wide at
    # this zoom, has no handle to stretch it, all of it moves
    expect(page.locator(bar("g3.t50") + " rect.handle")).to_have_count(0)
    target = page.locator(bar("g3.t50"))
    target.scroll_into_view_if_needed()
    top = frame.evaluate("f => f.scrollTop")
    with page.expect_response(re.compile(r"/gantt/move$")) as answer:
        drag(page, bar("g3.t50") + " rect.bar", 40)
    assert answer.value.status == 200
    expect(page.locator(bar("g3.t50") + " circle.pin")).to_have_count(1)
    assert abs(frame.evaluate("f => f.scrollTop") - top) < 24
    expect(tree.locator('.row[data-key="g3.t50"]')).to_be_in_viewport()

    # someone renames a task further up meanwhile: its band is drawn from the new revision
    with transaction(web.server.db.sessions) as session:
        task = tasks.get_task(session, owner.actor, plan.id, plan.tasks["g2.t10"])
        change = TaskUpdate.model_validate({"name": "Renamed meanwhile", "version": task["version"]})
        tasks.update_task(session, owner.actor, plan.id, plan.tasks["g2.t10"], change)
    with page.expect_response(re.compile(r"/gantt/band\?")) as stale:
        frame.evaluate("f => { f.scrollTop = 141 * 24; }")  # row 141: g2.t10
    assert stale.value.status == 409
    expect(tree.locator('.row[data-key="g2.t10"] a.name')).to_have_text("Renamed meanwhile")
    expect(tree.locator('.row[data-key="g2.t10"]')).to_be_in_viewport()

    # zooming keeps the rows in view
    with swapped(page, re.compile(r"zoom=quarter")):
        page.get_by_role("link", name="Quarter").click()
    expect(page.locator("#gantt")).to_have_attribute("data-zoom", "quarter")
    expect(tree.locator('.row[data-key="g2.t10"]')).to_be_in_viewport()

    # collapsing a summary keeps it in view
    tree.locator('.row[data-key="g3"]').scroll_into_view_if_needed()
    page.get_by_role("link", name="Collapse Group 3").click()
    expect(tree.locator('.row[data-key="g3.t0"]')).to_have_count(0)
    expect(tree.locator('.row[data-key="g3"]')).to_be_in_viewport()
    expect(page).to_have_url(re.compile(r"at=195"))


ROWS = [key for g in range(4) for key in (f"g{g}", *(f"g{g}.t{t}" for t in range(64)))]
"""The rows of ``long_plan()``, top to bottom."""


def test_every_export_button_downloads_its_file(web: Web) -> None:
    _, _, page = web.open()
    expected = {
        "Plan file": (".yaml", b"milepost: 1"),
        "MS Project XML": (".xml", b"<?xml"),
        "Excel": (".xlsx", b"PK"),
        "iCalendar": (".ics", b"BEGIN:VCALENDAR"),
        "SVG": ("-gantt.svg", b"<svg"),
        "PNG": (".png", b"\x89PNG"),
    }
    for name, (suffix, start) in expected.items():
        control = page.locator("#content .toolbar").get_by_role(
            "button" if name == "PNG" else "link", name=name, exact=True
        )
        with page.expect_download() as download:
            control.click()
        saved = download.value
        assert saved.suggested_filename.endswith(suffix), (name, saved.suggested_filename)
        path = saved.path()
        content = path.read_bytes()
        assert content.startswith(start), (name, content[:40])
        if name == "SVG":
            assert b"Build" in content  # the column of names


def test_the_tree_works_from_the_keyboard(web: Web) -> None:
    _, _, page = web.open()
    tree = page.locator(".gantt-frame .tree")

    def focused() -> str:
        return str(page.evaluate("document.activeElement.closest('.row')?.dataset.key"))

    tree.get_by_role("link", name="Design").focus()
    page.keyboard.press("ArrowDown")
    assert focused() == "works"
    with swapped(page, re.compile(r"collapsed=")):
        page.keyboard.press("ArrowLeft")  # collapse Works
    expect(tree.locator('.row[data-key="works"]')).to_have_attribute("aria-expanded", "false")
    expect(tree.locator('.row[data-key="works.build"]')).to_have_count(0)
    assert focused() == "works"
    page.keyboard.press("ArrowDown")
    assert focused() == "docs"
    page.keyboard.press("End")
    assert focused() == "done"
    page.keyboard.press("Home")
    assert focused() == "design"
    page.keyboard.press("ArrowDown")
    with swapped(page, re.compile(r"collapsed=")):
        page.keyboard.press("ArrowRight")  # expand it again
    expect(tree.locator('.row[data-key="works.build"]')).to_have_count(1)
    assert focused() == "works"
    page.keyboard.press("ArrowDown")
    assert focused() == "works.build"
