"""The pages on PostgreSQL (the other tests run on SQLite): one pass through the editors."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.browsing import BRIDGE, Web, swapped
from tests.web.routes.test_gantt import bar, drag
from tests.workspace import PASSWORD


def test_sign_in_edit_the_table_and_drag_a_bar_on_postgresql(pg_web: Web) -> None:
    web = pg_web
    owner = web.server.user("owner")
    plan = web.server.plan(owner, BRIDGE)
    page = web.page
    page.goto(plan.url("tasks"))
    page.get_by_label("E-mail").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/projects/{plan.id}/tasks$"))

    build = plan.tasks["works.build"]
    cell = page.locator(f"#c-{build}-duration")
    cell.fill("6d")
    with swapped(page, re.compile(r"/cell$")) as answer:
        cell.press("Enter")
    assert answer.value.status == 200
    expect(page.locator(f"#row-{build} td.dates").nth(1)).to_have_text("Thu 11 Mar 2027 17:00")

    page.goto(plan.url("gantt") + "?zoom=day")
    with page.expect_response(re.compile(r"/gantt/move$")) as answer:
        drag(page, bar("works.paint") + " rect.bar", 36)
    assert answer.value.status == 200
    assert web.server.task(owner, plan, "works.paint")["constraint"] == "SNET 2027-03-05"
