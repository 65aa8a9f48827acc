"""The portfolio: creating a project, importing a plan file."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.browsing import Web
from tests.workspace import EXAMPLES


def test_create_a_project_from_the_home_page(web: Web) -> None:
    owner = web.server.user("owner")
    web.sign_in(owner)
    page = web.page
    page.goto("/")
    expect(page.get_by_text("No projects yet.")).to_be_visible()
    page.get_by_label("Name").first.fill("Harbour wall")
    page.get_by_label("Start").fill("2027-03-01")
    page.get_by_role("button", name="Create project").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/tasks$"))
    expect(page.get_by_role("heading", name="Harbour wall")).to_be_visible()

    page.get_by_role("link", name="Projects").click()
    row = page.locator("table.data tbody tr", has_text="Harbour wall")
    expect(row).to_contain_text("owner")
    expect(row).to_contain_text("0 tasks")
    web.shot("home")


def test_a_bad_new_project_is_refused_beside_its_field(web: Web) -> None:
    web.sign_in(web.server.user("owner"))
    page = web.page
    page.goto("/")
    page.get_by_label("Name").first.fill("Somewhere")
    page.get_by_label("Start").fill("2027-03-01")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Create project").click()
    expect(page.locator("#p-tz")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#p-tz + .problem")).to_be_visible()
    expect(page.get_by_label("Name").first).to_have_value("Somewhere")


def test_import_a_plan_file_and_land_on_its_gantt(web: Web) -> None:
    web.sign_in(web.server.user("owner"))
    page = web.page
    page.goto("/")
    page.get_by_label("File").set_input_files(EXAMPLES / "web-launch.yaml")
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/gantt(\?imported=1)?$"))
    expect(page.locator(".gantt-frame .tree .row").first).to_be_visible()
    assert page.locator(".gantt-frame .tree .row").count() > 30
    assert page.locator("svg.gantt [data-key]").count() == page.locator(".gantt-frame .tree .row").count()
    expect(page.locator(".gantt-frame .tree .row.critical").first).to_be_visible()
    web.shot("gantt-imported")


def test_a_broken_plan_file_is_refused_with_its_problems(web: Web) -> None:
    web.sign_in(web.server.user("owner"))
    page = web.page
    page.goto("/")
    broken = {"name": "broken.yaml", "mimeType": "text/yaml", "buffer": b"milepost: 1\nproject: {name: X}\ntasks: 7\n"}
    page.get_by_label("File").set_input_files(broken)
    page.get_by_role("button", name="Import").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The file could not be imported")
    expect(alert).to_contain_text("broken.yaml")
    assert page.url == f"{web.server.url}/"
