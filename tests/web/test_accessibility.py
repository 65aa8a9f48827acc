"""The main pages pass axe-core's automated WCAG 2 A and AA checks (labels, names, contrast,
landmarks, ARIA) in Chromium, for the owner and for a viewer.

axe-core comes from npm (``package.json``, installed by ``make install``); without it the
test skips, except in CI, where it fails.  Only violations axe rates *serious* or
*critical* fail the test; every violation found is printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.web.browsing import BRIDGE, Web
from tests.workspace import in_ci

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PLAN = BRIDGE.replace("tasks:\n", "resources:\n  - {key: ana, name: Ana Lopez}\ntasks:\n", 1).replace(
    "{key: build, name: Build, duration: 5d, after: [design]}",
    "{key: build, name: Build, duration: 5d, after: [design], assign: [ana]}",
)
PAGES = ["/", "/account", "gantt", "tasks", "task", "resources", "settings"]


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical violations of WCAG 2 A and AA on the page as it is."""
    if not AXE.exists():
        message = "axe-core is not installed (make install runs npm ci)"
        if in_ci():
            pytest.fail(f"{message}: CI must run the accessibility checks")
        pytest.skip(message)
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' '))})))"
    )
    for v in found:
        print(f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}")
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_the_main_pages_pass_the_automated_accessibility_checks(web: Web, role: str) -> None:
    owner = web.server.user("owner")
    plan = web.server.plan(owner, PLAN)
    user = owner
    if role == "viewer":
        user = web.server.user("viewer")
        web.server.share(owner, plan, user, "viewer")
    web.sign_in(user)
    page = web.page
    failing = {}
    for name in PAGES:
        task = f"tasks/{plan.tasks['works.build']}"
        url = name if name.startswith("/") else plan.url(task if name == "task" else name)
        page.goto(url)
        page.wait_for_load_state("load")
        found = violations(page)
        if found:
            failing[name] = found
    assert failing == {}


def test_the_sign_in_page_and_a_levelling_result_pass_the_automated_accessibility_checks(web: Web) -> None:
    page = web.page
    page.goto("/login")
    assert violations(page) == []
    owner = web.server.user("owner")
    two = PLAN.replace("{key: paint, name: Paint, duration: 1d, after: [design]}",
                       "{key: paint, name: Paint, duration: 1d, after: [design], assign: [ana]}")  # fmt: skip
    plan = web.server.plan(owner, two)
    web.sign_in(owner)
    page.goto(plan.url("resources"))
    page.get_by_role("button", name="Level", exact=True).click()
    page.locator("#levelling").get_by_text("Delayed tasks").wait_for()
    assert violations(page) == []
