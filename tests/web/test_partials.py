"""The pages' HTMX answers, through the app itself (no browser): fragments for HTMX,
whole pages otherwise, problems beside their cell, conflicts, sign-in redirects, CSRF on
every form, and a sign-in that never sends anyone off the site.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from milepost.charts.gantt import BAND_ROWS
from milepost.schemas.tasks import TaskUpdate
from milepost.server import create_app
from milepost.services import planning, projects, tasks
from milepost.services.workspace import Database
from milepost.storage.db import transaction
from tests.web.browsing import BRIDGE, long_plan
from tests.workspace import PASSWORD, User, make_user, settings_for

HX = {"HX-Request": "true"}


@pytest.fixture
def site(db: Database, database_url: str) -> Iterator[TestClient]:
    """A client of the whole app (API and pages) that does not follow redirects."""
    app = create_app(settings_for(database_url))
    with TestClient(app, follow_redirects=False) as client:
        yield client
    app.state.engine.dispose()


class Signed:
    """A signed-in browser: the session cookie is in the client, the CSRF token here."""

    def __init__(self, client: TestClient, user: User) -> None:
        self.client, self.user = client, user
        answer = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/"})
        assert answer.status_code == 303, answer.text
        home = client.get("/")
        found = re.search(r'data-csrf="([^"]+)"', home.text)
        assert found, home.text
        self.csrf = found[1]

    def htmx(self, token: bool = True) -> dict[str, str]:
        """The headers HTMX sends (with the page's CSRF token)."""
        return {**HX, "X-CSRF-Token": self.csrf} if token else HX


@pytest.fixture
def owner(site: TestClient, db: Database) -> Signed:
    return Signed(site, make_user(db, "owner@example.com", name="Owner"))


def plan(db: Database, user: User, text: str = BRIDGE) -> tuple[int, dict[str, int]]:
    """A project of ``user``'s from a plan file: its id and its tasks' ids by path."""
    with transaction(db.sessions) as session:
        made = projects.import_project(session, user.actor, "plan.yaml", text.encode())
        project_id = made["project"]["id"]
        items = tasks.list_tasks(session, user.actor, project_id, limit=500)["items"]
    return project_id, {t["path"]: t["id"] for t in items}


def task(db: Database, user: User, project_id: int, task_id: int) -> dict[str, Any]:
    with transaction(db.sessions) as session:
        return tasks.get_task(session, user.actor, project_id, task_id)


def fragment(text: str, ident: str) -> lxml.html.HtmlElement:
    """The answer is exactly one element, ``#ident``, not a page."""
    assert not re.search(r"<html|<body|<!doctype", text, re.IGNORECASE)
    root = lxml.html.fragment_fromstring(text.strip())
    assert root.get("id") == ident
    return root


def changed_rows(text: str) -> dict[str, lxml.html.HtmlElement]:
    """A cell edit's answer: no page, the changed rows to swap in by id (out of band)."""
    assert not re.search(r"<html|<body|<!doctype", text, re.IGNORECASE)
    as_table = text.replace("<template>", "<table>").replace("</template>", "</table>")
    root = lxml.html.fragment_fromstring(f"<div>{as_table}</div>")
    rows = {tr.get("id"): tr for tr in root.cssselect("tr[hx-swap-oob]")}
    assert rows, "no row in the answer"
    return rows


def whole_page(text: str) -> lxml.html.HtmlElement:
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert text.rstrip().endswith("</html>")
    return lxml.html.document_fromstring(text)


# ------------------------------------------------------------------------------- fragments
def test_gantt_zoom_and_collapse_answer_only_the_chart(site: TestClient, db: Database, owner: Signed) -> None:
    project_id, ids = plan(db, owner.user)
    url = f"/projects/{project_id}/gantt"

    zoomed = site.get(url, params={"zoom": "month"}, headers=HX)
    assert zoomed.status_code == 200
    chart = fragment(zoomed.text, "gantt")
    assert chart.get("data-zoom") == "month"
    assert chart.cssselect("svg.gantt")[0].get("data-px-per-day") == "3.0"

    collapsed = fragment(site.get(url, params={"collapsed": ids["works"]}, headers=HX).text, "gantt")
    keys = [r.get("data-key") for r in collapsed.cssselect(".tree .row")]
    assert keys == ["design", "works", "docs", "done"]
    assert collapsed.cssselect('.row[data-key="works"]')[0].get("aria-expanded") == "false"
    assert not collapsed.cssselect('svg.gantt [data-key="works.build"]')
    assert collapsed.get("data-collapsed") == str(ids["works"])

    full = whole_page(site.get(url, params={"collapsed": ids["works"]}).text)
    assert len(full.cssselect("#gantt .tree .row")) == 4
    assert len(full.cssselect("nav.tabs, #link-mode")) == 2


def test_a_long_gantt_holds_the_bands_around_its_row_and_sends_the_others(
    site: TestClient, db: Database, owner: Signed
) -> None:
    project_id, ids = plan(db, owner.user, long_plan())  # 260 rows: bands 0 to 5
    url = f"/projects/{project_id}/gantt"
    page = whole_page(site.get(url).text)
    rows = [r.get("data-key") for r in page.cssselect("#gantt .tree .row")]
    assert len(rows) == 2 * BAND_ROWS
    assert rows[:2] == ["g0", "g0.t0"]
    assert [b.get("data-band") for b in page.cssselect("#gantt .tree .band")] == ["0", "1"]
    assert len(page.cssselect("svg.gantt g.bars [data-key]")) == 2 * BAND_ROWS
    chart = page.cssselect("svg.gantt")[0]
    assert chart.get("data-rows") == "260"
    assert page.cssselect("#gantt .tree")[0].get("style") == f"height:{chart.get('height')}px"
    revision = page.cssselect("#gantt")[0].get("data-revision")

    opened = fragment(site.get(url, params={"at": 3 * BAND_ROWS - 1}, headers=HX).text, "gantt")
    assert opened.get("data-at") == str(3 * BAND_ROWS - 1)
    assert [b.get("data-band") for b in opened.cssselect(".tree .band")] == ["2", "3"]
    assert opened.cssselect(".tree .band")[0].get("style") == f"top:{40 + 2 * BAND_ROWS * 24}px"
    last = fragment(site.get(url, params={"at": 10_000}, headers=HX).text, "gantt")
    assert last.get("data-at") == "259"
    assert [b.get("data-band") for b in last.cssselect(".tree .band")] == ["5"]

    band = site.get(f"{url}/band", params={"band": 5, "revision": revision}, headers=HX)
    assert band.status_code == 200
    held = lxml.html.fragment_fromstring(band.text, create_parent="div")
    keys = [r.get("data-key") for r in held.cssselect("div.band .row")]
    assert keys == [f"g3.t{t}" for t in range(54, 64)]  # rows 250 to 259
    assert held.cssselect("div.band")[0].get("data-band") == "5"
    bars = [e.get("data-key") for e in held.cssselect('g[data-layer="bars"] [data-key]')]
    assert bars == keys
    # the link from the first task to the last is drawn in every band it crosses
    arrows = [e.get("data-link") for e in held.cssselect('g[data-layer="links"] [data-link]')]
    assert "255" in arrows  # g0.t0 -> g3.t63, the project's last link
    row = held.cssselect('.row[data-key="g3.t63"]')[0]
    assert row.get("data-id") == str(ids["g3.t63"])
    assert row.get("data-version") == "1"

    collapsed = site.get(f"{url}/band", params={"band": 1, "revision": revision, "collapsed": ids["g1"]}, headers=HX)
    shown = [
        r.get("data-key") for r in lxml.html.fragment_fromstring(collapsed.text, create_parent="div").cssselect(".row")
    ]
    assert shown[14:17] == ["g0.t63", "g1", "g2"]  # rows 64 to 66: g1 collapsed

    with transaction(db.sessions) as session:
        change = TaskUpdate.model_validate({"name": "Renamed", "version": 1})
        tasks.update_task(session, owner.user.actor, project_id, ids["g3.t63"], change)
    stale = site.get(f"{url}/band", params={"band": 5, "revision": revision}, headers=HX)
    assert stale.status_code == 409
    assert "changed since this chart was drawn" in stale.text

    # only members see a band; signed out, HTMX is sent to sign in
    Signed(site, make_user(db, "stranger@example.com"))  # the client is now someone else's
    assert site.get(f"{url}/band", params={"band": 0, "revision": revision}, headers=HX).status_code == 404
    site.cookies.clear()
    signed_out = site.get(f"{url}/band", params={"band": 0, "revision": revision}, headers=HX)
    assert (signed_out.status_code, urlsplit(signed_out.headers["HX-Redirect"]).path) == (204, "/login")
    owner = Signed(site, owner.user)

    # an edit answers with the chart drawn where the page was
    moved = site.post(
        f"{url}/move",
        data={"task_id": ids["g3.t10"], "version": 1, "start": "2028-01-03T00:00", "at": 206},
        headers=owner.htmx(),
    )
    assert moved.status_code == 200
    chart = fragment(moved.text, "gantt")
    assert [b.get("data-band") for b in chart.cssselect(".tree .band")] == ["4", "5"]
    assert chart.cssselect('svg.gantt [data-key="g3.t10"] circle.pin')


def test_a_cell_edit_answers_the_table_with_the_new_value_and_dates(
    site: TestClient, db: Database, owner: Signed
) -> None:
    project_id, ids = plan(db, owner.user)
    build = ids["works.build"]
    site.get(f"/projects/{project_id}/tasks", headers=owner.htmx())  # the table on the screen
    answer = site.post(
        f"/projects/{project_id}/tasks/{build}/cell",
        data={"field": "duration", "value": "6d", "version": 1},
        headers=owner.htmx(),
    )
    assert answer.status_code == 200, answer.text
    rows = changed_rows(answer.text)
    assert rows[f"row-{build}"].cssselect(f"#c-{build}-duration")[0].get("value") == "6d"
    dates = [td.text_content() for td in rows[f"row-{build}"].cssselect("td.dates")]
    assert dates == ["Thu 04 Mar 2027 08:00", "Thu 11 Mar 2027 17:00"]
    done = rows[f"row-{ids['done']}"].cssselect("td.dates")[0].text_content()
    assert done == "Thu 11 Mar 2027 17:00"  # the milestone after the works moved with it
    assert rows[f"row-{build}"].get("data-version") == "2"
    assert task(db, owner.user, project_id, build)["duration"] == "6d"

    renamed = site.post(
        f"/projects/{project_id}/tasks/{build}/cell",
        data={"field": "name", "value": "Build all", "version": 2},
        headers=owner.htmx(),
    )
    assert list(changed_rows(renamed.text)) == [f"row-{build}"]  # a new name moves no date: one row back

    planning._kept.clear()  # another server process answers: the table it showed is not at hand
    whole = site.post(
        f"/projects/{project_id}/tasks/{build}/cell",
        data={"field": "name", "value": "Build it", "version": 3},
        headers=owner.htmx(),
    )
    assert (whole.headers["HX-Retarget"], whole.headers["HX-Reswap"]) == ("#task-table", "outerHTML")
    assert fragment(whole.text, "task-table").cssselect(f"#c-{build}-name")[0].get("value") == "Build it"

    links = site.post(
        f"/projects/{project_id}/tasks/{ids['docs']}/cell",
        data={"field": "after", "value": "works.build", "version": 1},
        headers=owner.htmx(),
    )
    assert links.status_code == 200, links.text
    rows = changed_rows(links.text)
    assert rows[f"row-{ids['docs']}"].cssselect(f"#c-{ids['docs']}-after")[0].get("value") == "works.build"
    assert rows[f"row-{ids['docs']}"].cssselect("td.dates")[0].text_content() == "Fri 12 Mar 2027 08:00"


@pytest.mark.parametrize(
    ("field", "typed"), [("duration", "soon"), ("progress", "140%"), ("after", "nowhere"), ("key", "two words")]
)
def test_a_bad_cell_value_gets_422_with_the_problem_beside_the_typed_value(
    site: TestClient, db: Database, owner: Signed, field: str, typed: str
) -> None:
    project_id, ids = plan(db, owner.user)
    build = ids["works.build"]
    answer = site.post(
        f"/projects/{project_id}/tasks/{build}/cell",
        data={"field": field, "value": typed, "version": 1},
        headers=owner.htmx(),
    )
    assert answer.status_code == 422, answer.text
    rows = changed_rows(answer.text)
    assert list(rows) == [f"row-{build}"]  # the edited row comes back, with its problem
    cell = rows[f"row-{build}"].cssselect(f"#c-{build}-{field}")[0]
    assert cell.get("value") == typed
    assert cell.get("aria-invalid") == "true"
    assert cell.get("aria-describedby") == f"e-{build}-{field}"
    problem = rows[f"row-{build}"].cssselect(f"#e-{build}-{field}")[0].text_content().strip()
    assert problem
    alert = lxml.html.fragment_fromstring(answer.text.split("<template>")[0].strip())
    assert alert.get("role") == "alert"
    assert alert.text_content().strip() == problem
    assert task(db, owner.user, project_id, build)["version"] == 1


def test_a_stale_version_gets_409_with_the_message(site: TestClient, db: Database, owner: Signed) -> None:
    project_id, ids = plan(db, owner.user)
    build = ids["works.build"]
    with transaction(db.sessions) as session:
        change = TaskUpdate.model_validate({"duration": "8d", "version": 1})
        tasks.update_task(session, owner.user.actor, project_id, build, change)

    answer = site.post(
        f"/projects/{project_id}/tasks/{build}/cell",
        data={"field": "duration", "value": "6d", "version": 1},
        headers=owner.htmx(),
    )
    assert answer.status_code == 409
    table = fragment(answer.text, "task-table")
    message = table.cssselect('[role="alert"]')[0].text_content()
    assert message.startswith("Someone else changed 'Build' meanwhile, so your change was not saved")
    assert table.cssselect(f"#c-{build}-duration")[0].get("value") == "8d"  # theirs, as it is now

    moved = site.post(
        f"/projects/{project_id}/gantt/move",
        data={"task_id": build, "version": 1, "start": "2027-03-08T00:00"},
        headers=owner.htmx(),
    )
    assert moved.status_code == 409
    chart = fragment(moved.text, "gantt")
    assert "Someone else changed this task meanwhile" in chart.cssselect('[role="alert"]')[0].text_content()
    assert task(db, owner.user, project_id, build)["constraint"] is None


def test_a_bad_gantt_edit_gets_422_in_the_chart(site: TestClient, db: Database, owner: Signed) -> None:
    project_id, ids = plan(db, owner.user)
    drawn = site.post(
        f"/projects/{project_id}/gantt/link",
        data={"predecessor_id": ids["done"], "successor_id": ids["design"]},
        headers=owner.htmx(),
    )
    assert drawn.status_code == 422
    alert = fragment(drawn.text, "gantt").cssselect('[role="alert"]')[0].text_content()
    assert re.search(r"\bdone\b.*\bdesign\b|\bdesign\b.*\bdone\b", alert)  # the cycle, named
    assert "X-Milepost-Undo" not in drawn.headers


# ----------------------------------------------------------------------- signing in, CSRF
def test_unauthenticated_htmx_requests_get_204_with_hx_redirect_to_sign_in(site: TestClient, db: Database) -> None:
    owner = make_user(db, "owner@example.com")
    project_id, ids = plan(db, owner)
    shown = f"http://testserver/projects/{project_id}/gantt?zoom=day"
    headers = {**HX, "HX-Current-URL": shown}
    for answer in (
        site.get(f"/projects/{project_id}/gantt", params={"zoom": "month"}, headers=headers),
        site.post(
            f"/projects/{project_id}/tasks/{ids['design']}/cell",
            data={"field": "name", "value": "x", "version": 1},
            headers=headers,
        ),
    ):
        assert answer.status_code == 204
        assert answer.text == ""
        target = answer.headers["HX-Redirect"]
        assert urlsplit(target).path == "/login"
        assert parse_qs(urlsplit(target).query)["next"] == [f"/projects/{project_id}/gantt?zoom=day"]
    assert site.get("/", headers=HX).headers["HX-Redirect"] == "/login"  # HTMX sent no page: home

    plain = site.get(f"/projects/{project_id}/tasks")
    assert plain.status_code == 303
    assert plain.headers["Location"] == f"/login?next=/projects/{project_id}/tasks"


def web_posts(app: Any) -> dict[str, list[str]]:
    """Every POST route of the pages (but signing in), with the form fields it requires."""

    def walk(routes: list[Any]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):  # FastAPI's included routers
                yield from walk(route.original_router.routes)

    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "")
    return {
        r.path: [p.alias for p in r.dependant.body_params if p.field_info.is_required()]
        for r in walk(mount.app.routes)
        if "POST" in r.methods and r.path != "/login"
    }


def test_every_post_of_the_pages_needs_the_csrf_token(site: TestClient, db: Database, owner: Signed) -> None:
    project_id, ids = plan(db, owner.user)
    other = make_user(db, "other@example.com")
    values = {
        "project_id": project_id, "task_id": ids["works.build"], "user_id": other.id, "token_id": 1,
        "assignment_id": 1,
    }  # fmt: skip
    form = {
        "name": "x", "start": "2027-03-01", "finish": "2027-03-02T17:00", "email": other.email, "role": "viewer",
        "field": "name", "value": "x", "version": "1", "move": "down", "task_id": str(ids["works.build"]),
        "predecessor_id": str(ids["design"]), "successor_id": str(ids["docs"]), "audit_id": "1", "body": "x",
        "resource_id": "1", "current_password": PASSWORD, "new_password": "another long password",
        "confirm": "Bridge",
    }  # fmt: skip
    routes = web_posts(site.app)
    assert len(routes) >= 20, routes
    for route, fields in sorted(routes.items()):
        path = route.format_map(defaultdict(lambda: "1", values))
        data = {**{f: "1" for f in fields if f not in ("file", "csrf_token")}, **form}
        for headers in ({}, HX, {"X-CSRF-Token": "not-the-token"}):
            answer = site.post(path, data=data, files={"file": ("plan.yaml", BRIDGE.encode())}, headers=headers)
            assert answer.status_code == 403, f"{route} {headers}: {answer.status_code} {answer.text[:300]}"
            assert "this form has expired" in answer.text.lower(), route
    # nothing was changed, and the session still works with its token
    assert task(db, owner.user, project_id, ids["works.build"])["version"] == 1
    assert site.get("/").status_code == 200
    kept = site.post(
        f"/projects/{project_id}/tasks/{ids['works.build']}/cell",
        data={"field": "name", "value": "Build it", "version": 1},
        headers=owner.htmx(),
    )
    assert kept.status_code == 200


@pytest.mark.parametrize(
    "page", ["/", "/account", "/projects/{p}/gantt", "/projects/{p}/tasks", "/projects/{p}/tasks/{t}",
             "/projects/{p}/settings"],
)  # fmt: skip
def test_pages_asked_for_without_htmx_are_whole_pages(site: TestClient, db: Database, owner: Signed, page: str) -> None:
    project_id, ids = plan(db, owner.user)
    answer = site.get(page.format(p=project_id, t=ids["design"]))
    assert answer.status_code == 200
    document = whole_page(answer.text)
    assert len(document.cssselect("header.top, main#content")) == 2
    assert document.cssselect('script[src^="/static/vendor/htmx.min.js"]')
    assert document.cssselect("body")[0].get("data-csrf") == owner.csrf


# --------------------------------------------------------------------- sign-in: ?next=
OFF_SITE = [
    "//evil.example/x",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_sign_in_page_never_sends_anyone_off_the_site(site: TestClient, db: Database, target: str) -> None:
    user = make_user(db, "someone@example.com")
    form = lxml.html.document_fromstring(site.get("/login", params={"next": target}).text)
    kept = form.cssselect('input[name="next"]')[0].get("value")
    assert kept == "/"
    answer = site.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert answer.status_code == 303
    landing = urlsplit(urljoin("http://testserver/login", answer.headers["Location"]))
    assert (landing.scheme, landing.netloc) == ("http", "testserver")
    assert answer.headers["Location"] == "/"


def test_the_sign_in_page_goes_back_to_a_page_of_the_site(site: TestClient, db: Database) -> None:
    user = make_user(db, "someone@example.com")
    target = "/projects/7/gantt?zoom=day&collapsed=1,2"
    form = lxml.html.document_fromstring(site.get("/login", params={"next": target}).text)
    assert form.cssselect('input[name="next"]')[0].get("value") == target
    answer = site.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert answer.headers["Location"] == target
    refused = site.post("/login", data={"email": user.email, "password": "wrong", "next": "//evil.example"})
    assert refused.status_code == 401
    assert lxml.html.document_fromstring(refused.text).cssselect('input[name="next"]')[0].get("value") == "/"


def test_a_new_project_never_shows_the_cached_plan_of_a_deleted_one(
    site: TestClient, db: Database, owner: Signed
) -> None:
    """SQLite gives a new project the id of the last one deleted: the schedule kept for that
    id and revision must not be shown as the new project's."""
    gone, _ = plan(db, owner.user)
    assert "Bridge" in site.get(f"/projects/{gone}/gantt", headers=HX).text
    with transaction(db.sessions) as session:
        projects.delete_project(session, owner.user.actor, gone, 1)
    other = BRIDGE.replace("name: Bridge", "name: Tunnel").replace("Design", "Boring")
    project_id, _ = plan(db, owner.user, other)
    chart = fragment(site.get(f"/projects/{project_id}/gantt", headers=HX).text, "gantt")
    assert chart.cssselect('.row[data-key="design"] a.name')[0].text_content() == "Boring"
