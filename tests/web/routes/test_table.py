"""The task table in the browser: adding tasks and links, rescheduling at once, the keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from milepost.schemas.projects import ProjectCreate
from milepost.services import projects
from milepost.storage.db import transaction
from tests.web.browsing import LiveServer, Plan, Web, swapped
from tests.workspace import User


def empty_project(server: LiveServer, owner: User, name: str = "Pier") -> Plan:
    with transaction(server.db.sessions) as session:
        made = projects.create_project(session, owner.actor, ProjectCreate(name=name, start="2027-03-01"))
    return Plan(made["id"], {})


def row(page: Page, name: str) -> Locator:
    """The table's row of the task named ``name``."""
    return page.locator("#task-table tbody tr").filter(has=page.locator(f'input[data-field="name"][value="{name}"]'))


def add_task(page: Page, name: str, duration: str) -> None:
    page.get_by_label("New task name").fill(name)
    page.get_by_label("New task duration").fill(duration)
    with swapped(page, re.compile(r"/tasks/add$")) as answer:
        page.get_by_label("New task duration").press("Enter")
    assert answer.value.status == 200
    expect(row(page, name)).to_have_count(1)


def test_add_tasks_and_links_and_see_the_dates_move(web: Web) -> None:
    owner = web.server.user("owner")
    plan = empty_project(web.server, owner)
    web.sign_in(owner)
    page = web.page
    page.goto(plan.url("tasks"))
    add_task(page, "Survey", "3d")
    add_task(page, "Piling", "2d")
    survey, piling = row(page, "Survey"), row(page, "Piling")
    expect(survey.locator('input[data-field="key"]')).to_have_value("survey")
    expect(survey.locator("td.dates").nth(1)).to_have_text("Wed 03 Mar 2027 17:00")
    expect(piling.locator("td.dates").first).to_have_text("Mon 01 Mar 2027 08:00")  # no link yet
    expect(page.get_by_label("New task name")).to_have_value("")

    cell = piling.locator('input[data-field="after"]')
    cell.fill("survey")
    with swapped(page, re.compile(r"/cell$")) as answer:
        cell.press("Tab")
    assert answer.value.status == 200
    piling = row(page, "Piling")
    expect(piling.locator('input[data-field="after"]')).to_have_value("survey")
    expect(piling.locator("td.dates").first).to_have_text("Thu 04 Mar 2027 08:00")
    expect(piling.locator("td.dates").nth(1)).to_have_text("Fri 05 Mar 2027 17:00")
    expect(piling).to_have_class(re.compile(r"\bcritical\b"))

    # a new task with its predecessor typed in the add row
    page.get_by_label("New task name").fill("Deck")
    page.get_by_label("New task duration").fill("1w")
    page.get_by_label("New task predecessors").fill("piling")
    page.get_by_role("button", name="Add").click()
    expect(row(page, "Deck").locator("td.dates").first).to_have_text("Mon 08 Mar 2027 08:00")
    expect(page.locator("#task-table")).to_contain_text("3 tasks")
    web.shot("table")


def test_a_refused_cell_keeps_the_typed_value_and_says_why(web: Web) -> None:
    owner, plan, page = web.open("tasks")
    cell = page.locator(f"#c-{plan.tasks['works.build']}-duration")
    cell.fill("soon")
    with swapped(page, re.compile(r"/cell$")) as answer:
        cell.press("Tab")
    assert answer.value.status == 422
    cell = page.locator(f"#c-{plan.tasks['works.build']}-duration")
    expect(cell).to_have_value("soon")
    expect(cell).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#e-{plan.tasks['works.build']}-duration")).to_be_visible()
    assert web.server.task(owner, plan, "works.build")["duration"] == "5d"

    cell = page.locator(f"#c-{plan.tasks['works.paint']}-after")
    cell.fill("paint")  # itself: a cycle
    with swapped(page, re.compile(r"/cell$")) as answer:
        cell.press("Tab")
    assert answer.value.status == 422
    expect(page.locator(f"#e-{plan.tasks['works.paint']}-after")).to_be_visible()


def test_keyboard_moves_between_cells_saves_and_escape_puts_back(web: Web) -> None:
    owner, plan, page = web.open("tasks")
    ids = plan.tasks

    def focused() -> str:
        return str(page.evaluate("document.activeElement.id"))

    page.locator(f"#c-{ids['design']}-name").click()
    page.keyboard.press("ArrowDown")
    assert focused() == f"c-{ids['works']}-name"
    page.keyboard.press("ArrowUp")
    assert focused() == f"c-{ids['design']}-name"
    assert web.posts == []  # nothing changed, nothing sent

    # typing then Enter saves the cell and goes down (the focus survives the table's refresh)
    page.keyboard.press("Control+A")
    page.keyboard.type("Design review")
    with swapped(page, re.compile(r"/cell$")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(page.locator(f"#c-{ids['design']}-name")).to_have_value("Design review")
    expect(page.locator(f"#c-{ids['works']}-name")).to_be_focused()
    assert web.server.task(owner, plan, "design")["name"] == "Design review"

    # Escape puts back what the cell held; leaving it then sends nothing
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#c-{ids['works.build']}-name")).to_be_focused()
    page.keyboard.type(" and more")
    page.keyboard.press("Escape")
    expect(page.locator(f"#c-{ids['works.build']}-name")).to_have_value("Build")
    sent = len(web.posts)
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#c-{ids['works.paint']}-name")).to_be_focused()
    page.wait_for_timeout(200)
    assert len(web.posts) == sent
    assert web.server.task(owner, plan, "works.build")["name"] == "Build"


def paths(page: Page) -> list[str]:
    """The table's rows, top to bottom, by path."""
    return page.locator("#task-table tbody tr[data-path]").evaluate_all("rows => rows.map((r) => r.dataset.path)")


def step(page: Page, label: str) -> None:
    with swapped(page, re.compile(r"/(step|delete)$")) as answer:
        page.get_by_role("button", name=label, exact=True).click()
    assert answer.value.status == 200


def test_indent_outdent_move_and_delete_rows(web: Web) -> None:
    owner, plan, page = web.open("tasks")
    start = ["design", "works", "works.build", "works.paint", "docs", "done"]
    assert paths(page) == start

    step(page, "Indent docs")  # under the summary above it
    assert paths(page) == ["design", "works", "works.build", "works.paint", "works.docs", "done"]
    expect(page.locator('tr[data-path="works.docs"] td').nth(1)).to_have_text("2.3")
    step(page, "Outdent works.docs")
    assert paths(page) == start
    step(page, "Move docs up")
    assert paths(page) == ["design", "docs", "works", "works.build", "works.paint", "done"]
    step(page, "Move docs down")
    assert paths(page) == start

    # deleting asks first: Cancel keeps the task, OK deletes it (a summary with its subtasks)
    page.get_by_role("button", name="Delete works.paint", exact=True).click()
    assert web.dialogs[-1] == "confirm: Delete 'works.paint'?"
    assert paths(page) == start
    web.accept_dialogs = True
    step(page, "Delete works.paint")
    assert paths(page) == ["design", "works", "works.build", "docs", "done"]
    step(page, "Delete works")
    assert web.dialogs[-1] == "confirm: Delete 'works' and its subtasks?"
    assert paths(page) == ["design", "docs", "done"]
    assert set(web.server.link_pairs(owner, plan)) == set()  # the links went with the tasks
