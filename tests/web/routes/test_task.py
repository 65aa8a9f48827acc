"""The task page in the browser: two people saving the same task."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.browsing import BRIDGE, Web


def test_the_second_save_gets_the_conflict_naming_their_value_and_keeps_mine(web: Web) -> None:
    owner, manager = web.server.user("owner"), web.server.user("manager")
    plan = web.server.plan(owner, BRIDGE)
    web.server.share(owner, plan, manager, "manager")
    url = plan.url(f"tasks/{plan.tasks['works.build']}")
    mine = web.page
    web.sign_in(manager)
    mine.goto(url)
    theirs = web.tab(owner)
    theirs.goto(url)
    web.shot("task", theirs)

    theirs.get_by_label("Duration").fill("6d")
    theirs.get_by_role("button", name="Save", exact=True).click()
    expect(theirs.get_by_role("status")).to_have_text("Saved and rescheduled.")
    expect(theirs.get_by_label("Duration")).to_have_value("6d")

    mine.get_by_label("Duration").fill("7d")
    mine.get_by_label("Notes").fill("Piles arrive late")
    with mine.expect_response(re.compile(rf"/tasks/{plan.tasks['works.build']}$")) as answer:
        mine.get_by_role("button", name="Save", exact=True).click()
    assert answer.value.status == 409
    alert = mine.get_by_role("alert")
    expect(alert).to_contain_text("Someone else saved this task after you opened it")
    expect(alert).to_contain_text("Duration is now '6d' (you typed '7d')")
    expect(mine.get_by_label("Duration")).to_have_value("7d")
    expect(mine.get_by_label("Notes")).to_have_value("Piles arrive late")
    expect(mine.locator(".problem")).to_have_count(0)  # no field is wrong: the message says it all
    assert web.server.task(owner, plan, "works.build")["duration"] == "6d"
    web.shot("task-conflict", mine)

    # saving again replaces theirs, as the message says
    mine.get_by_role("button", name="Save", exact=True).click()
    expect(mine.get_by_role("status")).to_have_text("Saved and rescheduled.")
    saved = web.server.task(owner, plan, "works.build")
    assert (saved["duration"], saved["notes"]) == ("7d", "Piles arrive late")
