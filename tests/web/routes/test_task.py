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


def test_the_task_page_shows_links_people_comments_and_history(web: Web) -> None:
    owner = web.server.user("owner")
    text = BRIDGE.replace("tasks:\n", "resources:\n  - {key: ana, name: Ana Lopez}\ntasks:\n", 1)
    plan = web.server.plan(owner, text)
    web.sign_in(owner)
    page = web.page
    page.goto(plan.url(f"tasks/{plan.tasks['design']}"))
    successors = page.locator("h2:text('Successors') + ul li")
    expect(successors).to_have_text(["works.build FS", "works.paint FS"])
    expect(page.locator("h2:text('Predecessors') + p")).to_have_text("None.")
    successors.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/tasks/{plan.tasks['works.build']}$"))
    expect(page.locator("h2:text('Predecessors') + ul li")).to_have_text(["design FS"])

    # assign Ana at half time
    page.get_by_label("Resource").select_option(label="ana — Ana Lopez")
    page.get_by_label("Units").fill("50%")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#people ~ table tbody tr").first).to_contain_text("ana")
    expect(page.locator("#people ~ table tbody tr").first).to_contain_text("50")

    # a comment, then a change: both are on the page, the change in the history
    page.get_by_label("Add a comment").fill("Piles <b>arrive</b> late")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("#comments ~ .card")).to_contain_text("Piles <b>arrive</b> late")
    page.get_by_label("Duration").fill("6d")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Saved and rescheduled.")
    history = page.locator("h2:text('History') + ul li")
    expect(history.filter(has_text="duration 5d → 6d")).to_have_count(1)
    web.shot("task-detail")
