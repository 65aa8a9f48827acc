"""Browser tests' helpers: the real server in a real browser: uvicorn serving ``milepost.server:create_app`` on a
free port (a fresh SQLite database in the session's temporary folder), driven by Debian's
Chromium through Playwright.

Chromium comes from the system (``make install-browser``); Playwright's own browser
downloads are never used.  Without Chromium the browser tests skip, except in CI
(``CI=true``), where they fail.  One browser serves every browser test.  Screenshots of the main
pages are saved under ``test-artifacts/web/`` on every run.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright._impl._sync_base import EventInfo  # the type of expect_response's value
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

from milepost.config import Settings
from milepost.schemas.projects import MemberWrite
from milepost.server import create_app
from milepost.services import auth, links, members, projects, tasks
from milepost.services.workspace import Database
from milepost.storage import migrate
from milepost.storage.db import make_engine, session_factory, transaction
from milepost.web.context import COOKIE
from tests.workspace import PASSWORD, User, in_ci, make_user, postgres_schema, postgres_url, settings_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
TIMEOUT_MS = 10_000
COUNT_SETTLED = (
    "document.addEventListener('htmx:afterSettle', () => { window.settledSwaps = (window.settledSwaps || 0) + 1; });"
)
"""Counts HTMX's finished swaps (a swapped-in fragment is wired up only once settled)."""
_numbers = count(1)


BRIDGE = """\
milepost: 1
project: {name: Bridge, start: 2027-03-01}
tasks:
  - {key: design, name: Design, duration: 3d}
  - key: works
    name: Works
    tasks:
      - {key: build, name: Build, duration: 5d, after: [design]}
      - {key: paint, name: Paint, duration: 1d, after: [design]}
  - {key: docs, name: Docs, duration: 2d}
  - {key: done, name: Done, milestone: true, after: [works]}
"""
"""A small plan: design -> works (build, paint) -> done is critical; paint and docs have float.
On the standard calendar (08:00-17:00) design is Mon 1 to Wed 3 March 2027, build Thu 4 to
Wed 10, paint Thu 4, docs Mon 1 to Tue 2."""


def long_plan(groups: int = 4, size: int = 64) -> str:
    """A plan of ``groups`` summaries of ``size`` chained tasks each (``g0.t0``, ``g0.t1``, ...;
    its Gantt chart has many bands of rows), the groups in a chain, and one link from the
    first task to the last."""
    lines = ["milepost: 1", "project: {name: Long, start: 2027-03-01}", "tasks:"]
    for g in range(groups):
        lines += [f"  - key: g{g}", f"    name: Group {g}", "    tasks:"]
        for t in range(size):
            after = [f"t{t - 1}"] if t else ([f"g{g - 1}"] if g else [])
            if (g, t) == (groups - 1, size - 1):
                after.append("g0.t0")
            lines.append(f"      - {{key: t{t}, name: Task {g}-{t}, duration: 1d, after: [{', '.join(after)}]}}")
    return "\n".join(lines) + "\n"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """The app served over HTTP on this machine, and its database (to set up data directly)."""

    url: str
    db: Database
    settings: Settings

    def user(self, name: str = "user", *, admin: bool = False) -> User:
        """A new user with an e-mail of its own (the tests share the server's database)."""
        return make_user(self.db, f"{name}{next(_numbers)}@example.com", admin=admin, name=name.capitalize())

    def session_for(self, user: User) -> tuple[str, str]:
        """A browser session of ``user``, as the sign-in form makes it: (cookie secret, CSRF token)."""
        with transaction(self.db.sessions) as session:
            signed = auth.login(session, self.settings, user.email, PASSWORD, "127.0.0.1")
        assert signed is not None
        return signed.secret, signed.csrf_token

    def plan(self, owner: User, text: str, filename: str = "plan.yaml") -> Plan:
        """A project of ``owner``'s from a plan file's text."""
        with transaction(self.db.sessions) as session:
            made = projects.import_project(session, owner.actor, filename, text.encode())
            project_id = made["project"]["id"]
            items = tasks.list_tasks(session, owner.actor, project_id, limit=500)["items"]
        return Plan(project_id, {t["path"]: t["id"] for t in items})

    def share(self, owner: User, plan: Plan, user: User, role: str) -> None:
        """Give ``user`` a role on the project."""
        with transaction(self.db.sessions) as session:
            members.add_member(session, owner.actor, plan.id, MemberWrite(email=user.email, role=role))

    def task(self, user: User, plan: Plan, path: str) -> dict[str, Any]:
        """A task as the API shows it now."""
        with transaction(self.db.sessions) as session:
            return tasks.get_task(session, user.actor, plan.id, plan.tasks[path])

    def link_pairs(self, user: User, plan: Plan) -> set[tuple[str, str]]:
        """The project's links, as (predecessor, successor) paths."""
        with transaction(self.db.sessions) as session:
            items = links.list_links(session, user.actor, plan.id, limit=500)["items"]
        return {(link["predecessor"], link["successor"]) for link in items}


@dataclass(frozen=True)
class Plan:
    """A project made for a test, with its tasks' ids by path."""

    id: int
    tasks: dict[str, int]

    def url(self, page: str = "gantt") -> str:
        """One of the project's pages."""
        return f"/projects/{self.id}/{page}"


@contextmanager
def serving(url: str) -> Iterator[LiveServer]:
    """The whole app (API and pages) on ``url``'s database, served by uvicorn in a thread."""
    settings = settings_for(url)
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="milepost-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server did not start on port {port}")
        time.sleep(0.01)
    engine = make_engine(url)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", Database(engine, session_factory(engine)), settings)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        engine.dispose()
        app.state.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The server on a fresh, migrated SQLite database, for the whole session."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'milepost.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    with serving(url) as server:
        yield server


@pytest.fixture
def pg_server() -> Iterator[LiveServer]:
    """The server on a migrated schema of its own in the test PostgreSQL database."""
    base = postgres_url()
    if base is None:
        pytest.skip("the browser test on PostgreSQL needs MILEPOST_TEST_DATABASE_URL")
    with postgres_schema(base) as url, serving(url) as server:
        yield server


class _Chromium:
    """Debian's Chromium, started on first use and closed when no longer needed."""

    def __init__(self) -> None:
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None

    def get(self) -> Browser:
        if self.browser is None:
            path = shutil.which("chromium")
            if path is None:
                message = "Debian's chromium is not installed (run  make install-browser  as root)"
                if in_ci():
                    pytest.fail(f"{message}: CI must run the browser tests")
                pytest.skip(message)
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        return self.browser

    def close(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None


chromium = _Chromium()
"""The browser the tests share (see :func:`tests.web.conftest.pytest_runtest_teardown`)."""
BROWSING = frozenset({"web", "pg_web"})
"""The fixtures that use it."""


@dataclass
class Web:
    """A browser tab on the live server, with the dialogs it opened and its script errors."""

    server: LiveServer
    browser: Browser
    page: Page = field(init=False)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    accept_dialogs: bool = False
    """Whether the tab answers OK to a confirmation (else Cancel)."""

    def __post_init__(self) -> None:
        self.page = self.tab()

    def tab(self, user: User | None = None) -> Page:
        """A new tab in a browser profile of its own (signed in as ``user``, if given)."""
        context = self.browser.new_context(base_url=self.server.url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(COUNT_SETTLED)
        self.contexts.append(context)
        page = context.new_page()
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._request)
        if user is not None:
            self.sign_in(user, page)
        return page

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        if self.accept_dialogs:
            dialog.accept()
        else:
            dialog.dismiss()

    def _request(self, request: Request) -> None:
        if request.method != "GET":
            self.posts.append(f"{request.method} {urlsplit(request.url).path}")

    def open(self, where: str = "gantt", text: str = BRIDGE, query: str = "") -> tuple[User, Plan, Page]:
        """A new owner's project from a plan file's text, signed in, one of its pages open in
        the tab (``query``: the page's address parameters)."""
        owner = self.server.user("owner")
        plan = self.server.plan(owner, text)
        self.sign_in(owner)
        self.page.goto(plan.url(where) + query)
        return owner, plan, self.page

    def sign_in(self, user: User, page: Page | None = None) -> None:
        """Sign ``user`` in (a session made as the sign-in form makes it; quicker than typing)."""
        secret, _ = self.server.session_for(user)
        (page or self.page).context.add_cookies([{"name": COOKIE, "value": secret, "url": self.server.url}])

    def shot(self, name: str, page: Page | None = None) -> None:
        """Save a screenshot of the page as a test artifact."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (page or self.page).screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@contextmanager
def swapped(page: Page, url: str | re.Pattern[str]) -> Iterator[EventInfo[Response]]:
    """Wait for the answer to what the block does (an HTMX request to ``url``), and for HTMX
    to swap it in and settle, so that the next keystroke meets the new content."""
    before = page.evaluate("window.settledSwaps || 0")
    with page.expect_response(url) as answer:
        yield answer
    page.wait_for_function("(before) => (window.settledSwaps || 0) > before", arg=before)


@pytest.fixture
def web(live_server: LiveServer) -> Iterator[Web]:
    """A tab of the shared headless Chromium on the live server; fails on an uncaught script error."""
    browsing = Web(live_server, chromium.get())
    try:
        yield browsing
    finally:
        browsing.close()
    assert not browsing.errors, f"script errors on the page: {browsing.errors}"


@pytest.fixture
def pg_web(pg_server: LiveServer) -> Iterator[Web]:
    """A tab of the shared headless Chromium on the server on PostgreSQL."""
    browsing = Web(pg_server, chromium.get())
    try:
        yield browsing
    finally:
        browsing.close()
    assert not browsing.errors, f"script errors on the page: {browsing.errors}"
