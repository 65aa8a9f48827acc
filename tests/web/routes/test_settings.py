"""Settings and members in the browser; what a viewer sees (and cannot do)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.browsing import BRIDGE, Plan, Web
from tests.web.routes.test_gantt import bar, drag


def no_edit_controls(page: Page) -> None:
    """Nothing in the page's main part takes input (the sign-out form is in the header)."""
    expect(
        page.locator("main").locator("input:not([type=hidden]), textarea, select, button[type=submit]")
    ).to_have_count(0)


def refused(page: Page, plan: Plan, url: str, data: dict[str, object]) -> int:
    """Post an edit from the page as its scripts do (with the session's CSRF token); the status."""
    return int(page.evaluate("([url, data]) => window.milepost.post(url, data).then((r) => r.status)", [url, data]))


def test_add_a_viewer_who_sees_every_page_without_a_way_to_edit(web: Web) -> None:
    owner, viewer = web.server.user("owner"), web.server.user("viewer")
    plan = web.server.plan(owner, BRIDGE)
    web.sign_in(owner)
    page = web.page
    page.goto(plan.url("settings"))
    page.get_by_label("E-mail", exact=True).fill(viewer.email)
    page.locator("#m-role").select_option("viewer")
    page.get_by_role("button", name="Add member").click()
    expect(page).to_have_url(re.compile(rf"/projects/{plan.id}/settings(#members)?$"))
    expect(page.get_by_label(f"Role of {viewer.email}")).to_have_value("viewer")
    web.shot("settings")

    theirs = web.tab(viewer)
    theirs.goto(plan.url("gantt"))
    expect(theirs.locator(".gantt-frame")).to_have_class(re.compile(r"\breadonly\b"))
    expect(theirs.locator("#gantt")).to_have_attribute("data-editable", "false")
    expect(theirs.locator("#link-mode, #undo")).to_have_count(0)
    expect(theirs.get_by_text("Read-only: your role is viewer.")).to_be_visible()
    start = theirs.locator(bar("works.paint")).get_attribute("data-start")
    drag(theirs, bar("works.paint") + " rect.bar", 72)
    theirs.wait_for_timeout(200)
    assert web.posts == [f"POST /projects/{plan.id}/members"]  # the owner's; the viewer's drag sent nothing
    expect(theirs.locator(bar("works.paint"))).not_to_have_attribute("transform", re.compile("."))
    expect(theirs.locator(bar("works.paint"))).to_have_attribute("data-start", start or "")
    web.shot("gantt-viewer", theirs)

    theirs.goto(plan.url("tasks"))
    expect(theirs.locator("#task-table tbody tr")).to_have_count(len(plan.tasks))
    expect(theirs.locator("#task-table input, #task-table button")).to_have_count(0)
    expect(theirs.locator("#new-task")).to_have_count(0)
    expect(theirs.get_by_role("link", name="Build")).to_be_visible()

    task = plan.tasks["works.build"]
    theirs.goto(plan.url(f"tasks/{task}"))
    expect(theirs.locator("#fields + dl.facts")).to_contain_text("Duration5d")
    no_edit_controls(theirs)
    theirs.goto(plan.url("settings"))
    expect(theirs.get_by_text("Only the project's owners change its settings.")).to_be_visible()
    no_edit_controls(theirs)

    # editing anyway (the page's own script, with the session's CSRF token) is refused
    version = web.server.task(owner, plan, "works.build")["version"]
    move = {"task_id": task, "version": version, "start": "2027-03-08T00:00"}
    assert refused(theirs, plan, f"/projects/{plan.id}/gantt/move", move) == 403
    cell = {"field": "duration", "value": "9d", "version": version}
    assert refused(theirs, plan, f"/projects/{plan.id}/tasks/{task}/cell", cell) == 403
    assert refused(theirs, plan, f"/projects/{plan.id}/tasks/add", {"name": "Sneaky", "duration": "1d"}) == 403
    after = web.server.task(owner, plan, "works.build")
    assert (after["duration"], after["constraint"], after["version"]) == ("5d", None, version)


def test_save_the_settings_as_shown_and_renamed(web: Web) -> None:
    _, _, page = web.open("settings")
    page.get_by_label("Name", exact=True).fill("Bridge over the river")
    page.get_by_label("Hours per day").fill("7.5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Saved and rescheduled.")
    expect(page.get_by_role("heading", name="Bridge over the river", level=1)).to_be_visible()
    expect(page.get_by_label("Hours per day")).to_have_value("7.5")
    expect(page.get_by_label("Description")).to_have_value("")
