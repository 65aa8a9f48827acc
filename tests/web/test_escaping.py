"""Names are text everywhere: markup typed into a name is shown, never run."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.browsing import Web, swapped

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
PROJECT = "Quay </title><script>alert(3)</script>"
PLAN = f"""\
milepost: 1
project: {{name: '{PROJECT}', start: 2027-03-01}}
tasks:
  - {{key: prep, name: '{IMAGE.replace("'", "''")}', duration: 2d}}
  - {{key: launch, name: '{SCRIPT}', milestone: true, after: [prep]}}
"""


def nothing_ran(web: Web, page: Page) -> None:
    """No dialog opened, and the page holds no script or image of ours beyond its own files."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)  # an image's onerror would have fired by now
    assert web.dialogs == []
    assert page.evaluate("document.querySelectorAll('script:not([src]), img').length") == 0
    assert page.evaluate("document.querySelectorAll('svg script, [onerror]').length") == 0


def test_markup_in_names_is_shown_as_text_on_every_page(web: Web) -> None:
    owner = web.server.user("owner")
    plan = web.server.plan(owner, PLAN)
    web.sign_in(owner)
    page = web.page

    page.goto("/")
    nothing_ran(web, page)
    expect(page.get_by_role("link", name=PROJECT)).to_be_visible()
    expect(page.get_by_role("link", name=SCRIPT)).to_be_visible()  # the next milestone

    page.goto(plan.url("gantt"))
    nothing_ran(web, page)
    assert page.title() == f"{PROJECT} · Milepost"
    expect(page.get_by_role("heading", name=PROJECT)).to_be_visible()
    expect(page.locator('.tree .row[data-key="launch"] a.name')).to_have_text(SCRIPT)
    expect(page.locator('.tree .row[data-key="prep"] a.name')).to_have_text(IMAGE)
    expect(page.locator('svg.gantt [data-key="launch"] > title')).to_contain_text(SCRIPT)
    expect(page.locator('svg.gantt [data-key="prep"] > title')).to_contain_text(IMAGE)
    expect(page.locator("svg.gantt")).to_have_attribute("aria-label", f"Gantt chart of {PROJECT}")

    page.goto(plan.url("tasks"))
    nothing_ran(web, page)
    expect(page.locator(f"#c-{plan.tasks['launch']}-name")).to_have_value(SCRIPT)
    expect(page.locator(f"#c-{plan.tasks['prep']}-name")).to_have_value(IMAGE)
    # typed into a cell, it comes back as text too
    cell = page.locator(f"#c-{plan.tasks['prep']}-name")
    cell.fill(SCRIPT + IMAGE)
    with swapped(page, re.compile(r"/cell$")):
        cell.press("Tab")
    nothing_ran(web, page)
    expect(page.locator(f"#c-{plan.tasks['prep']}-name")).to_have_value(SCRIPT + IMAGE)

    page.goto(plan.url(f"tasks/{plan.tasks['launch']}"))
    nothing_ran(web, page)
    expect(page.locator("h2").first).to_contain_text(SCRIPT)
    expect(page.get_by_label("Name", exact=True)).to_have_value(SCRIPT)
    expect(page.get_by_role("link", name="prep", exact=True)).to_be_visible()  # its predecessor, by key

    page.goto(plan.url("settings"))
    nothing_ran(web, page)
    expect(page.get_by_label("Name", exact=True)).to_have_value(PROJECT)
