"""Web benchmark: the Gantt page of a 5,000-task project, and edit round trips on 2,000.

Starts the real server (``milepost serve``, one worker) on loopback on a fresh SQLite
database (or ``--database-url``), stores seeded random projects (``networks.random_project``,
3 links per task, work packages of 20 under summaries), signs in, then measures:

* **Gantt page, server time**: wall time of ``GET /projects/{id}/gantt`` (the whole HTML,
  tree and SVG chart) from a client on the same machine; *cold* is the first view after a
  change of the project (load + schedule + draw), *warm* a view of an unchanged project.
* **Gantt page, interactive in the browser**: Chromium (Playwright) navigates to the page;
  the time until the page is interactive (``domInteractive``, then ``loadEventEnd``: the
  scripts ran and the chart is laid out).  The page holds the first bands of 50 rows; the
  others come as they scroll into view (``GET .../gantt/band``): the benchmark times that
  request alone, and in the browser a jump to the end of the chart until its last rows are
  drawn.
* **Edit round trip** on the 2,000-task project: one change through the pages and the
  reply with the rescheduled result: a task table cell (``POST .../tasks/{t}/cell``, the
  reply is the re-rendered table) and a Gantt bar drag (``POST .../gantt/move``, the reply
  is the redrawn chart).

Targets (issue 6): server time <= 1 s and interactive <= 2 s for the 5,000-task Gantt page;
an edit round trip <= 300 ms on the 2,000-task project.

    .venv/bin/python bench/web.py [--repeat 7] [--database-url URL] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from common import header, median, ms, spread, verdict
from milepost.services import accounts
from milepost.services.access import Role
from milepost.storage import mappers, migrate
from milepost.storage import repository as repo
from milepost.storage.db import make_engine, session_factory, transaction
from milepost.storage.models import MembershipRecord
from networks import random_project

EMAIL, PASSWORD = "bench@example.com", "a long benchmark password"
TARGETS = {"server": 1.0, "interactive": 2.0, "edit": 0.3}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str, sizes: tuple[int, ...]) -> list[int]:
    """A migrated database with a user and one random project per size; their ids."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = session_factory(engine)
    ids = []
    with transaction(factory) as session:
        user = accounts.add_user(session, EMAIL, PASSWORD, is_admin=False)
        workspace = repo.default_workspace(session).id
        for n in sizes:
            project = random_project(n, 3 * n, seed=1)
            record = mappers.store(session, project, workspace)
            repo.add(session, MembershipRecord(project_id=record.id, user_id=user.id, role=Role.OWNER.value))
            ids.append(record.id)
    engine.dispose()
    return ids


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "MILEPOST_DATABASE_URL": url, "MILEPOST_SECURE_COOKIES": "false"}
    command = [sys.executable, "-m", "milepost.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def signed_in(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=True)
    reply = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "next": "/"})
    reply.raise_for_status()
    page = client.get("/account").text
    csrf = re.search(r'data-csrf="([^"]+)"', page)
    assert csrf, "no CSRF token on the account page"
    return client, csrf[1]


def timed_get(client: httpx.Client, path: str) -> float:
    began = time.perf_counter()
    reply = client.get(path)
    took = time.perf_counter() - began
    reply.raise_for_status()
    return took


def first_leaf(client: httpx.Client, pid: int) -> tuple[int, int]:
    """Id and version of a leaf task of the project, from the task table."""
    page = client.get(f"/projects/{pid}/tasks").text
    found = re.search(r'<tr id="row-(\d+)" class=" ?(?:critical)?" data-id="\d+" data-version="(\d+)"', page)
    assert found, "no leaf task in the table"
    return int(found[1]), int(found[2])


def gantt_server(client: httpx.Client, csrf: str, pid: int, repeat: int) -> tuple[list[float], list[float]]:
    """Cold (after a change) and warm views of the Gantt page."""
    cold, warm = [], []
    task, version = first_leaf(client, pid)
    timed_get(client, f"/projects/{pid}/gantt")  # warm up the process
    for i in range(repeat):
        reply = client.post(
            f"/projects/{pid}/tasks/{task}/cell",
            data={"field": "name", "value": f"Renamed {i}", "version": str(version), "csrf_token": csrf},
            headers={"HX-Request": "true"},
        )
        reply.raise_for_status()
        version += 1
        cold.append(timed_get(client, f"/projects/{pid}/gantt"))
        warm.append(timed_get(client, f"/projects/{pid}/gantt"))
    return cold, warm


def bands(client: httpx.Client, pid: int, repeat: int) -> list[float]:
    """A band of rows of the chart (the last one: the longest arrows), as the page's script asks."""
    page = client.get(f"/projects/{pid}/gantt").text
    revision = re.search(r'data-revision="(\d+)"', page)
    rows = re.search(r'data-rows="(\d+)" data-band-rows="(\d+)"', page)
    assert revision, "no revision on the Gantt page"
    assert rows, "no row count on the Gantt chart"
    last = (int(rows[1]) - 1) // int(rows[2])
    query = {"band": str(last), "revision": revision[1], "zoom": "week", "collapsed": ""}
    return [timed_get(client, f"/projects/{pid}/gantt/band?{httpx.QueryParams(query)}") for _ in range(repeat)]


JUMP_TO_END = """async () => {
  const frame = document.querySelector('.gantt-frame');
  const chart = document.querySelector('svg.gantt');
  const last = Math.floor((Number(chart.dataset.rows) - 1) / Number(chart.dataset.bandRows));
  const began = performance.now();
  frame.scrollTop = frame.scrollHeight;
  const next = () => new Promise((done) => requestAnimationFrame(done));
  while (!document.querySelector(`.tree .band[data-band="${last}"]`)) await next();
  await next();
  return (performance.now() - began) / 1000;
}"""
"""In the page: scroll to the end of the chart; seconds until its last band is drawn."""


def round_trips(client: httpx.Client, csrf: str, pid: int, repeat: int) -> tuple[list[float], list[float]]:
    """A table cell edit and a Gantt drag, each answered with the rescheduled result."""
    cells, drags = [], []
    task, version = first_leaf(client, pid)
    client.get(f"/projects/{pid}/gantt")
    for i in range(repeat):
        began = time.perf_counter()
        reply = client.post(
            f"/projects/{pid}/tasks/{task}/cell",
            data={"field": "duration", "value": f"{2 + i % 3}d", "version": str(version), "csrf_token": csrf},
            headers={"HX-Request": "true"},
        )
        cells.append(time.perf_counter() - began)
        assert reply.status_code == 200, reply.text[:300]
        version += 1
        began = time.perf_counter()
        reply = client.post(
            f"/projects/{pid}/gantt/move",
            data={"task_id": str(task), "version": str(version), "start": f"2027-0{1 + i % 8}-1{i % 9}T00:00",
                  "csrf_token": csrf},
            headers={"HX-Request": "true"},
        )  # fmt: skip
        drags.append(time.perf_counter() - began)
        assert reply.status_code == 200, reply.text[:300]
        version += 1
    return cells, drags


def interactive(base: str, pid: int, repeat: int) -> list[tuple[float, float, float]] | None:
    """(domInteractive, loadEventEnd, a jump to the end) in seconds for the Gantt page in Chromium."""
    browser_path = shutil.which("chromium")
    if browser_path is None:
        print("  chromium not found: browser timing skipped")
        return None
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=browser_path, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{base}/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        page.goto(f"{base}/projects/{pid}/gantt")  # warm: server cache and browser
        for _ in range(repeat):
            page.goto(f"{base}/projects/{pid}/gantt", wait_until="load")
            timing = page.evaluate(
                "() => { const t = performance.getEntriesByType('navigation')[0];"
                " return [t.domInteractive, t.loadEventEnd]; }"
            )
            out.append((timing[0] / 1000, timing[1] / 1000, page.evaluate(JUMP_TO_END)))
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    header("Web pages: the Gantt page at 5,000 tasks, edit round trips at 2,000")
    with tempfile.TemporaryDirectory(prefix="milepost-web-bench-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        print(f"database: {url.split('@')[-1]}; server: milepost serve, 1 worker, on loopback")
        big, mid = prepare(url, (5000, 2000))
        server, base = start_server(url)
        try:
            client, csrf = signed_in(base)
            size = len(client.get(f"/projects/{big}/gantt").content)
            print(f"\n## Gantt page, 5,000 leaf tasks (+250 summaries, ~15,000 links); {size / 1e6:.1f} MB of HTML")
            cold, warm = gantt_server(client, csrf, big, args.repeat)
            print(f"  server time, cold (after a change): {spread(cold)}")
            print(f"  server time, warm (unchanged):      {spread(warm)}")
            print(f"  target <= {TARGETS['server']:g} s (cold): {verdict(median(cold) <= TARGETS['server'])}")
            band = bands(client, big, args.repeat)
            print(f"  a band of 50 rows (the script's request as rows scroll in): {spread(band)}")
            if not args.no_browser:
                timings = interactive(base, big, args.repeat)
                if timings:
                    dom = median([t[0] for t in timings])
                    loaded = median([t[1] for t in timings])
                    print(
                        f"  browser: interactive (domInteractive) median {ms(dom)}, load event done median {ms(loaded)}"
                    )
                    met = verdict(loaded <= TARGETS["interactive"])
                    print(f"  target interactive <= {TARGETS['interactive']:g} s (load event): {met}")
                    jumps = [t[2] for t in timings]
                    print(f"  browser: jump to the end until its last rows are drawn: {spread(jumps)}")
            print("\n## Edit round trips, 2,000 leaf tasks (+100 summaries, ~6,000 links)")
            cells, drags = round_trips(client, csrf, mid, args.repeat)
            print(f"  table cell edit -> rescheduled table: {spread(cells)}")
            print(f"  Gantt drag -> redrawn chart:          {spread(drags)}")
            worst = max(median(cells), median(drags))
            print(f"  target <= {TARGETS['edit'] * 1000:g} ms: {verdict(worst <= TARGETS['edit'])}")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
