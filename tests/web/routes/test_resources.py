"""The resources page through the app (TestClient): resources with their plan-file
fields, add / edit / delete with problems beside the fields and conflicts that keep the
typed values, the load histograms, and what a viewer sees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from milepost.server import create_app
from milepost.services.workspace import Database
from tests.workspace import PASSWORD, User, make_user, settings_for

PLAN = b"""\
milepost: 1
project: {name: Crew, start: 2027-03-01}
calendars:
  alice-cal: {base: standard, exceptions: [{name: Alice away, date: 2027-03-10}]}
resources:
  - {key: alice, name: Alice <Ace>, role: backend-engineer, rate: 85/h, email: alice@crew.test, calendar: alice-cal}
  - {key: bob, name: Bob, units: 50%}
tasks:
  - {key: api, name: API, duration: 3d, assign: [alice]}
  - {key: ui, name: UI, duration: 3d, assign: [alice]}
  - {key: review, name: Review, duration: 1d, after: [api, ui], assign: [bob]}
"""
"""alice does two 3-day tasks at once in the first week: over-allocated until levelled."""


@dataclass
class Browser:
    """A signed-in user's client of the whole app, with the session's CSRF token."""

    client: TestClient
    csrf: str

    def get(self, url: str, *, htmx: bool = False, **kwargs: Any) -> Response:
        return self.client.get(url, headers={"HX-Request": "true"} if htmx else {}, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, *, htmx: bool = False) -> Response:
        headers = {"HX-Request": "true", "X-CSRF-Token": self.csrf} if htmx else {}
        form = {"csrf_token": self.csrf, **(data or {})} if not htmx else dict(data or {})
        return self.client.post(url, data=form, headers=headers, follow_redirects=False)


@dataclass
class Site:
    """The app on the test database, a project imported from :data:`PLAN`, and its people."""

    app: Any
    db: Database
    owner: User
    viewer: User
    project: dict[str, Any]

    @property
    def base(self) -> str:
        return f"/projects/{self.project['id']}"

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        with TestClient(self.app) as client:
            reply = client.request(method, f"/api/v1{self.base}{path}", headers=self.owner.headers, **kwargs)
        assert reply.status_code < 300, reply.text
        return reply.json() if reply.content else None

    def browser(self, user: User) -> Browser:
        client = TestClient(self.app)
        reply = client.post("/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False)
        assert reply.status_code == 303, reply.text
        found = re.search(r'data-csrf="([^"]+)"', client.get("/account").text)
        assert found is not None
        return Browser(client, found.group(1))

    def resource(self, key: str) -> dict[str, Any]:
        return next(r for r in self.api("GET", "/resources")["items"] if r["key"] == key)


@pytest.fixture
def site(db: Database, database_url: str) -> Iterator[Site]:
    app = create_app(settings_for(database_url))
    owner, viewer = make_user(db, "owner@crew.test"), make_user(db, "viewer@crew.test")
    with TestClient(app) as client:
        reply = client.post("/api/v1/projects/import", files={"file": ("crew.yaml", PLAN)}, headers=owner.headers)
        assert reply.status_code == 201, reply.text
        project = reply.json()["project"]
        added = client.post(f"/api/v1/projects/{project['id']}/members", json={"user_id": viewer.id, "role": "viewer"},
                            headers=owner.headers)  # fmt: skip
        assert added.status_code == 201, added.text
    try:
        yield Site(app, db, owner, viewer, project)
    finally:
        app.state.engine.dispose()


def main(html: str) -> str:
    """The page's main part (the header has the sign-out form)."""
    return html.split('<main id="content"', 1)[1]


def field_problem(html: str, field_id: str) -> str:
    """The problem shown beside a field."""
    found = re.search(rf'id="{field_id}"[^>]*aria-invalid="true"[^>]*aria-describedby="([^"]+)"', html)
    assert found is not None, f"{field_id} is not marked"
    problem = re.search(rf'id="{found.group(1)}">([^<]*)<', html)
    assert problem is not None
    return problem.group(1)


def test_the_page_lists_resources_calendars_and_their_load(site: Site) -> None:
    page = site.browser(site.owner).get(f"{site.base}/resources")
    assert page.status_code == 200
    html = main(page.text)
    assert "Alice &lt;Ace&gt;" in html
    assert "<Ace>" not in html
    for shown in ("alice@crew.test", "85/h", "alice-cal", "50%", "Alice away (2027-03-10, off)"):
        assert shown in html, shown
    assert "<td>backend-engineer</td>" in html  # a named person's role has a column of its own
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="histogram"') == 2
    alice = re.search(r'data-resource="alice".*?</svg>', html, re.S)
    assert alice is not None
    assert 'class="period over"' in alice.group(0)
    bob = re.search(r'data-resource="bob".*?</svg>', html, re.S)
    assert bob is not None
    assert "period over" not in bob.group(0)
    assert "over-allocated in 1 week" in html
    assert 'hx-post="/projects/' in html
    assert ">Level</button>" in html
    assert "Not levelled since the plan last changed." in html
    by_day = main(site.browser(site.owner).get(f"{site.base}/resources?by=day").text)
    assert 'data-period="day"' in by_day
    assert "over-allocated in 3 days" in by_day


def test_a_viewer_sees_everything_and_no_edit_control(site: Site) -> None:
    viewer = site.browser(site.viewer)
    alice = site.resource("alice")
    calendar = site.api("GET", "/calendars")["items"][0]
    for url in (
        f"{site.base}/resources",
        f"{site.base}/resources/{alice['id']}",
        f"{site.base}/calendars/{calendar['id']}",
    ):
        page = viewer.get(url)
        assert page.status_code == 200, url
        html = main(page.text)
        assert "<form" not in html, url
        assert not re.search(r"<(input|select|textarea|button)\b", html), url
        assert "hx-post" not in html, url
    html = main(viewer.get(f"{site.base}/resources").text)
    assert "Alice &lt;Ace&gt;" in html
    assert 'class="period over"' in html
    assert f'href="{site.base}/resources/{alice["id"]}"' not in html
    refused = viewer.post(f"{site.base}/resources", {"key": "sneaky"})
    assert refused.status_code == 403
    assert viewer.post(f"{site.base}/level", {}).status_code == 403
    assert all(r["key"] != "sneaky" for r in site.api("GET", "/resources")["items"])


def test_add_a_resource_problems_are_shown_beside_their_fields(site: Site) -> None:
    owner = site.browser(site.owner)
    refused = owner.post(f"{site.base}/resources", {"key": "carol", "name": "Carol", "units": "lots", "kind": "work"})
    assert refused.status_code == 422
    html = main(refused.text)
    assert field_problem(html, "new-units").startswith("&#39;lots&#39; is not units")
    assert 'value="Carol"' in html
    assert 'value="lots"' in html
    clash = owner.post(f"{site.base}/resources", {"key": "alice"})
    assert clash.status_code == 422
    assert "already exists" in field_problem(main(clash.text), "new-key")

    added = owner.post(
        f"{site.base}/resources",
        {"key": "carol", "name": "Carol", "units": "200%", "rate": "600/d", "calendar": "alice-cal",
         "email": "carol@crew.test", "user_id": str(site.viewer.id)},
    )  # fmt: skip
    assert added.status_code == 303, added.text
    carol = site.resource("carol")
    assert carol["user_id"] == site.viewer.id
    assert carol["definition"] == {
        "key": "carol",
        "name": "Carol",
        "units": "2",
        "calendar": "alice-cal",
        "rate": "75/h",
        "email": "carol@crew.test",
    }  # fmt: skip  (as a plan file writes them)
    listed = main(owner.get(added.headers["location"]).text)
    assert "Resource added." in listed
    assert "viewer@crew.test" in listed


def test_edit_a_resource_and_clear_a_field(site: Site) -> None:
    owner = site.browser(site.owner)
    alice = site.resource("alice")
    url = f"{site.base}/resources/{alice['id']}"
    form = main(owner.get(url).text)
    assert 'value="85/h"' in form
    assert 'name="version" value="1"' in form
    saved = owner.post(url, {"version": "1", "key": "alice", "name": "Alice", "kind": "work", "units": "80%",
                             "calendar": "", "rate": "", "email": "alice@crew.test"})  # fmt: skip
    assert saved.status_code == 303, saved.text
    changed = site.resource("alice")
    assert changed["version"] == 2
    assert changed["definition"] == {"key": "alice", "name": "Alice", "units": "80%", "email": "alice@crew.test"}
    bad = owner.post(url, {"version": "2", "key": "alice", "calendar": "nowhere"})
    assert bad.status_code == 422
    assert "nowhere" in field_problem(main(bad.text), "res-calendar")


def test_a_conflict_keeps_your_values_and_shows_theirs(site: Site) -> None:
    alice = site.resource("alice")
    url = f"{site.base}/resources/{alice['id']}"
    site.api("PATCH", f"/resources/{alice['id']}", json={"name": "Alice Theirs", "version": 1})
    mine = site.browser(site.owner).post(url, {"version": "1", "key": "alice", "name": "Alice Mine", "rate": "90/h"})
    assert mine.status_code == 409
    html = main(mine.text)
    assert "Name is now &#39;Alice Theirs&#39; (you typed &#39;Alice Mine&#39;)" in html
    assert 'value="Alice Mine"' in html
    assert 'value="90/h"' in html
    assert 'name="version" value="2"' in html  # saving again replaces theirs
    assert site.resource("alice")["definition"]["name"] == "Alice Theirs"


def test_delete_a_resource(site: Site) -> None:
    owner = site.browser(site.owner)
    bob = site.resource("bob")
    stale = owner.post(f"{site.base}/resources/{bob['id']}/delete", {"version": "7"})
    assert stale.status_code == 409
    assert "someone else changed this resource" in stale.text
    gone = owner.post(f"{site.base}/resources/{bob['id']}/delete", {"version": str(bob["version"])})
    assert gone.status_code == 303
    assert [r["key"] for r in site.api("GET", "/resources")["items"]] == ["alice"]
    assert owner.post(f"{site.base}/resources/{bob['id']}/delete", {"version": "1"}).status_code == 404


def test_forms_need_the_session_token(site: Site) -> None:
    owner = site.browser(site.owner)
    reply = owner.client.post(f"{site.base}/resources", data={"key": "x", "csrf_token": "wrong"})
    assert reply.status_code == 403
    assert "form has expired" in reply.text
