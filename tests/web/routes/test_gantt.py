"""The Gantt page in the browser: the critical path, dragging a bar, undo, drawing links."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.web.browsing import BRIDGE, Plan, Web

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
    owner = web.server.user("owner")
    plan = web.server.plan(owner, BRIDGE)
    web.sign_in(owner)
    page = web.page
    page.goto(plan.url("gantt"))
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
    owner = web.server.user("owner")
    plan = web.server.plan(owner, BRIDGE)
    web.sign_in(owner)
    page = web.page
    page.goto(plan.url("gantt") + "?zoom=day")  # 36 px a day; a move snaps to whole days
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
    owner = web.server.user("owner")
    plan = web.server.plan(owner, BRIDGE)
    web.sign_in(owner)
    page = web.page
    page.goto(plan.url("gantt") + "?zoom=day")
    with page.expect_response(re.compile(r"/gantt/stretch$")) as answer:
        drag(page, bar("docs") + " rect.handle", 72)  # two more days: Tue 17:00 -> Thu 17:00
    assert answer.value.status == 200
    assert web.server.task(owner, plan, "docs")["duration"] == "4d"
    expect(page.locator(bar("docs") + " title").first).to_contain_text("to Thu 2027-03-04 17:00")


def test_draw_a_link_in_link_mode(web: Web) -> None:
    owner = web.server.user("owner")
    plan = web.server.plan(owner, BRIDGE)
    web.sign_in(owner)
    page = web.page
    page.goto(plan.url("gantt") + "?zoom=day")
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
