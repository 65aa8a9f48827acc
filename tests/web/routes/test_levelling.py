"""Levelling from the resources page (HTMX partials): the Level button starts a job, the
progress bar polls until it is done, Cancel stops it, and every delay is explained."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from httpx import Response

from milepost.domain.levelling import LevelParams, LevelResult, Progress
from milepost.domain.project import Project
from milepost.services import jobs
from tests.services.test_jobs import real_level, slow_then_level
from tests.web.routes.test_resources import Browser, Site, main, site

__all__ = ["site"]
POLL = 'hx-trigger="every 500ms"'


def follow(browser: Browser, reply: Response, until: Callable[[str], bool] = lambda html: POLL not in html) -> str:
    """Poll the levelling section as the page does, until ``until`` holds."""
    html = reply.text
    deadline = time.monotonic() + 20
    while not until(html) and time.monotonic() < deadline:
        found = re.search(r'hx-get="([^"]+)" hx-trigger="every 500ms"', html)
        assert found is not None, html
        time.sleep(0.05)
        polled = browser.get(found.group(1).replace("&amp;", "&"), htmx=True)
        assert polled.status_code == 200, polled.text
        html = polled.text
    return html


def test_level_shows_progress_then_every_delay_explained(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_level", slow_then_level(25, 0.02))
    owner = site.browser(site.owner)
    started = owner.post(f"{site.base}/level", {"by": "week"}, htmx=True)
    assert started.status_code == 200, started.text
    html = started.text
    assert html.startswith('\n<section id="levelling"') or '<section id="levelling"' in html[:200]
    assert POLL in html
    assert "<progress" in html
    assert ">Cancel</button>" in html
    assert ">Level</button>" not in html  # no second levelling while one runs
    seen = follow(owner, started, lambda h: ("Levelling</strong>" in h and 'value="0"' not in h) or POLL not in h)
    done = follow(owner, Response(200, text=seen))
    assert 'data-status="done"' in done
    assert 'value="100"' in done
    assert "Delayed tasks" in done
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td class=\"num\">(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", done, re.S
    )
    delays = {re.sub(r"<[^>]+>", "", task).split()[0]: (delay, waited, held) for task, delay, waited, held in rows}
    assert set(delays) in ({"ui", "review"}, {"api", "review"})
    waited = next(k for k in delays if k != "review")
    assert delays[waited] == ("3d", "alice", "api" if waited == "ui" else "ui")
    assert delays["review"][1:] == ("its predecessors", waited)
    assert "Resource-critical path" in done
    assert "Load after levelling" in done
    assert "still over-allocated" not in done
    assert "Finish, levelled" in done
    assert "3d later" in done
    page = main(owner.get(f"{site.base}/resources").text)  # the page shows the result from now on
    assert "Delayed tasks" in page
    assert ">Level</button>" in page
    assert site.api("GET", "/level")["makespan"] > 0  # and the API has it


def test_cancel_stops_the_levelling(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_level", slow_then_level(3000, 0.01))
    owner = site.browser(site.owner)
    started = owner.post(f"{site.base}/level", {"optimize": "on", "time_limit": "30"}, htmx=True)
    job = int(re.search(r'data-job="(\d+)"', started.text).group(1))  # type: ignore[union-attr]
    asked = time.monotonic()
    cancelling = owner.post(f"{site.base}/jobs/{job}/cancel", {"by": "week"}, htmx=True)
    assert cancelling.status_code == 200
    assert "Cancelling…" in cancelling.text
    assert ">Cancel</button>" not in cancelling.text
    ended = follow(owner, cancelling)
    assert time.monotonic() - asked < 5
    assert 'data-status="cancelled"' in ended
    assert "Cancelled: nothing was stored." in ended
    assert "Delayed tasks" not in ended
    assert ">Level</button>" in ended


def test_the_level_form_without_scripts_and_its_problems(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = site.browser(site.owner)
    refused = owner.post(f"{site.base}/level", {"time_limit": "500"})
    assert refused.status_code == 422
    assert "less than or equal to 120" in refused.text
    assert 'value="500"' in refused.text
    monkeypatch.setattr(jobs, "_level", real_level)
    started = owner.post(f"{site.base}/level", {"time_limit": "5", "by": "day"})
    assert started.status_code == 303
    target = started.headers["location"]
    assert re.fullmatch(rf"{site.base}/resources\?by=day&job=\d+#levelling", target)
    page = owner.get(target)
    assert page.status_code == 200
    assert 'data-job="' in page.text
    assert 'data-status="done"' in follow(owner, page)


def test_someone_elses_levelling_is_shown_to_a_viewer_without_cancel(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    def waits(project: Project, params: LevelParams, progress: Progress) -> LevelResult:
        while progress(0.1, "waiting for the test"):
            time.sleep(0.01)
        return real_level(project, params, progress)

    monkeypatch.setattr(jobs, "_level", waits)
    owner, viewer = site.browser(site.owner), site.browser(site.viewer)
    started = owner.post(f"{site.base}/level", {}, htmx=True)
    job = int(re.search(r'data-job="(\d+)"', started.text).group(1))  # type: ignore[union-attr]
    theirs = viewer.get(f"{site.base}/resources")
    assert POLL in theirs.text
    assert f'data-job="{job}"' in theirs.text
    assert ">Cancel</button>" not in theirs.text
    assert ">Level</button>" not in theirs.text
    assert viewer.post(f"{site.base}/jobs/{job}/cancel", {}, htmx=True).status_code == 403
    again = owner.post(f"{site.base}/level", {}, htmx=True)  # a second Level shows the running one
    assert f'data-job="{job}"' in again.text
    owner.post(f"{site.base}/jobs/{job}/cancel", {}, htmx=True)
    follow(owner, again)
