"""Invalid requests: every one is refused with 422 and names the field that is wrong.

Every JSON body the API takes is sent malformed, empty, of the wrong shape, with an
unknown field and with a wrong type in each of its fields; then the plan-file notations
(durations, constraints, lags, units, working hours, keys) are sent wrong.  Each reply
must be 422 with the error body (``code``, ``message``, ``problems[]``) and a problem
whose ``path`` names the field.  Last, versions: no version is 428, a stale one 409 with
``current``, and ``If-Match`` is read as ``"3"``, ``W/"3"`` and ``3``.

Nothing refused changes anything, so one workspace per backend serves the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from milepost.api.app import API, create_app
from milepost.services.workspace import Database
from milepost.storage.db import make_engine, session_factory
from tests.workspace import User, import_example, make_user, settings_for, wipe

SPEC = create_app(settings_for("sqlite://")).openapi()
JSON_BODIES = [
    (method.upper(), path, op["requestBody"])
    for path, methods in SPEC["paths"].items()
    for method, op in methods.items()
    if "application/json" in op.get("requestBody", {}).get("content", {})
]
VERSION = object()  # in a body: the object's current version, read just before sending


def _schema(body: dict[str, Any]) -> dict[str, Any]:
    """The body's model in the spec (a reference, or the model of an optional body)."""
    schema = body["content"]["application/json"]["schema"]
    ref = schema.get("$ref") or next(s["$ref"] for s in schema["anyOf"] if "$ref" in s)
    return SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]]  # type: ignore[no-any-return]


FIELDS = [(method, path, name) for method, path, body in JSON_BODIES for name in _schema(body)["properties"]]


@dataclass
class Space:
    """A workspace: its client, its admin, and the ids of what is in it."""

    client: TestClient
    admin: User
    ids: dict[str, int]

    def url(self, path: str) -> str:
        """``path`` (of the spec, or under the project) with the ids filled in."""
        path = path.removeprefix(API)
        if not path.startswith(("/projects", "/auth", "/tokens", "/users")):
            path = f"/projects/{{project_id}}{path}"
        for name, value in self.ids.items():
            path = path.replace(f"{{{name}}}", str(value))
        return f"{API}{path}"

    def send(self, method: str, path: str, **kwargs: Any) -> Response:
        headers = {**self.admin.headers, **kwargs.pop("headers", {})}
        return self.client.request(method, self.url(path), headers=headers, **kwargs)

    def version(self, path: str) -> int:
        """The current version of the object at ``path`` (a PATCH or DELETE path)."""
        reply = self.send("GET", path.removesuffix("/move"))
        assert reply.status_code == 200, reply.text
        return int(reply.json()["version"])


def _made(client: TestClient, admin: User, path: str, body: dict[str, Any], key: str = "id") -> int:
    reply = client.post(f"{API}{path}", json=body, headers=admin.headers)
    assert reply.status_code == 201, reply.text
    return int(reply.json()[key])


@pytest.fixture(scope="module")
def space(database_url: str) -> Iterator[Space]:
    """An admin and an imported project with a calendar, resources and an assignment."""
    engine = make_engine(database_url)
    db = Database(engine, session_factory(engine))
    app = create_app(settings_for(database_url))
    admin = make_user(db, "admin@example.com", admin=True)
    manager = make_user(db, "manager@example.com")
    try:
        with TestClient(app) as client:
            project = import_example(client, admin)
            p = f"/projects/{project['id']}"
            tasks = client.get(f"{API}{p}/tasks?limit=500", headers=admin.headers).json()["items"]
            leaves = [t for t in tasks if not t["summary"] and not t["milestone"]]
            work = _made(client, admin, f"{p}/resources", {"key": "alice", "units": "100%"})
            free = [_made(client, admin, f"{p}/tasks", {"key": f"free{i}", "duration": "1d"}) for i in range(2)]
            ids = {
                "project_id": project["id"],
                "task_id": leaves[0]["id"],
                "other_task": leaves[1]["id"],
                "summary_task": leaves[0]["parent_id"],
                "free_task": free[0],  # linked to nothing
                "free_task2": free[1],
                "link": client.get(f"{API}{p}/dependencies", headers=admin.headers).json()["items"][0]["id"],
                "calendar": _made(client, admin, f"{p}/calendars", {"key": "spare", "week": {"sat": "09:00-13:00"}}),
                "resource": work,
                "material": _made(client, admin, f"{p}/resources", {"key": "cement", "kind": "material"}),
                "assignment": _made(
                    client, admin, f"{p}/assignments", {"task_id": leaves[0]["id"], "resource_id": work}
                ),
                "user_id": manager.id,
            }
            _made(client, admin, f"{p}/members", {"user_id": manager.id, "role": "manager"}, key="user_id")
            yield Space(client, admin, ids)
    finally:
        wipe(db)
        app.state.engine.dispose()
        engine.dispose()


def _item(path: str) -> str:
    """The spec's ``{item_id}`` as the id of the entity the path is about."""
    kinds = {"dependencies": "link", "calendars": "calendar", "resources": "resource", "assignments": "assignment"}
    for kind, name in kinds.items():
        path = path.replace(f"/{kind}/{{item_id}}", f"/{kind}/{{{name}}}")
    return path


def _assert_refused(reply: Response, field: str, code: str | None = None, top: str | None = None) -> None:
    """422 with the error body, and a problem (with ``code``) on ``field`` or inside it."""
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert set(body) >= {"code", "message", "problems"}, body
    assert body["message"], body
    if top is not None:
        assert body["code"] == top, body
    found = [p for p in body["problems"] if p["path"] == field or p["path"].startswith(f"{field}.")]
    assert found, f"no problem on {field!r}: {body['problems']}"
    if code is not None:
        assert code in [p["code"] for p in found], body["problems"]
    assert all(p["message"] for p in body["problems"]), body


# ------------------------------------------------------------------ every body, its shape
@pytest.mark.parametrize(
    ("method", "path"), [(m, p) for m, p, _ in JSON_BODIES], ids=[f"{m} {p}" for m, p, _ in JSON_BODIES]
)
def test_malformed_json_is_422_on_the_body(space: Space, method: str, path: str) -> None:
    reply = space.send(method, _item(path), content=b'{"name": "x",', headers={"Content-Type": "application/json"})
    _assert_refused(reply, "", "json_invalid", "invalid_input")
    assert "not valid JSON" in reply.json()["message"]


@pytest.mark.parametrize(
    ("method", "path"), [(m, p) for m, p, _ in JSON_BODIES], ids=[f"{m} {p}" for m, p, _ in JSON_BODIES]
)
def test_a_body_that_is_not_sent_as_json_is_415(space: Space, method: str, path: str) -> None:
    reply = space.send(method, _item(path), content=b'{"name": "x"}', headers={"Content-Type": "text/plain"})
    assert reply.status_code == 415, reply.text
    assert reply.json()["code"] == "unsupported_media_type"
    assert "application/json" in reply.json()["message"]


@pytest.mark.parametrize(
    ("method", "path", "required"),
    [(m, p, bool(b.get("required"))) for m, p, b in JSON_BODIES],
    ids=[f"{m} {p}" for m, p, _ in JSON_BODIES],
)
def test_empty_or_non_object_body_is_422(space: Space, method: str, path: str, required: bool) -> None:
    path = _item(path)
    for content in (b"[1, 2]", b'"a string"', b"42"):
        reply = space.send(method, path, content=content, headers={"Content-Type": "application/json"})
        _assert_refused(reply, "", top="invalid_input")
    if required:  # POST .../level may be sent without a body (all defaults)
        _assert_refused(space.send(method, path), "", "missing", "invalid_input")
        empty = space.send(method, path, content=b"", headers={"Content-Type": "application/json"})
        _assert_refused(empty, "", "missing", "invalid_input")


@pytest.mark.parametrize(
    ("method", "path"), [(m, p) for m, p, _ in JSON_BODIES], ids=[f"{m} {p}" for m, p, _ in JSON_BODIES]
)
def test_unknown_field_is_422_on_that_field(space: Space, method: str, path: str) -> None:
    reply = space.send(method, _item(path), json={"no_such_field": 1})
    _assert_refused(reply, "no_such_field", "extra_forbidden", "invalid_input")
    assert "unknown field" in reply.text


@pytest.mark.parametrize(("method", "path", "field"), FIELDS, ids=[f"{m} {p} {f}" for m, p, f in FIELDS])
def test_wrong_type_is_422_on_that_field(space: Space, method: str, path: str, field: str) -> None:
    """An object where the field takes text, a number, a list... (or, for the fields
    that take a mapping, keys and values it cannot have)."""
    reply = space.send(method, _item(path), json={field: {"wrong": {"type": []}}})
    _assert_refused(reply, field, top="invalid_input")


# ------------------------------------------------------------------ notations and references
NOTATIONS: list[tuple[str, str, str, dict[str, Any], str, str | None]] = [
    # id, method, path, body, path of the problem, its code
    ("duration 3x", "POST", "/tasks", {"key": "t", "duration": "3x"}, "duration", "invalid_duration"),
    ("negative duration", "POST", "/tasks", {"key": "t", "duration": "-2d"}, "duration", "invalid_duration"),
    ("duration nan", "POST", "/tasks", {"key": "t", "duration": "nan"}, "duration", "invalid_duration"),
    ("SNET without date", "POST", "/tasks", {"key": "t", "duration": "1d", "constraint": "SNET"}, "constraint",
     "invalid_constraint"),
    ("unknown constraint", "POST", "/tasks", {"key": "t", "duration": "1d", "constraint": "XYZ 2027-01-01"},
     "constraint", "invalid_constraint"),
    ("key with spaces", "POST", "/tasks", {"key": "a task", "milestone": True}, "key", "invalid_key"),
    ("key with a dot", "POST", "/tasks", {"key": "a.b", "milestone": True}, "key", "invalid_key"),
    ("unknown task calendar", "POST", "/tasks", {"key": "t", "duration": "1d", "calendar": "nope"}, "calendar",
     "unknown_calendar"),
    ("progress 140%", "POST", "/tasks", {"key": "t", "duration": "1d", "progress": "140%"}, "progress",
     "invalid_progress"),
    ("progress nan", "POST", "/tasks", {"key": "t", "duration": "1d", "progress": "nan"}, "progress",
     "invalid_progress"),
    ("deadline not a date", "POST", "/tasks", {"key": "t", "duration": "1d", "deadline": "tomorrow"}, "deadline",
     "value_error"),
    ("manual start not a date", "POST", "/tasks",
     {"key": "t", "duration": "1d", "manual": {"start": "x", "finish": "2027-03-05"}}, "manual.start", "value_error"),
    ("manual without finish", "POST", "/tasks", {"key": "t", "duration": "1d", "manual": {"start": "2027-03-01"}},
     "manual.finish", "missing"),
    ("unknown parent", "POST", "/tasks", {"key": "t", "duration": "1d", "parent_id": 987654}, "parent_id",
     "unknown_reference"),
    ("priority above 1000", "POST", "/tasks", {"key": "t", "duration": "1d", "priority": 1001}, "priority",
     "less_than_equal"),
    ("duration 3x (change)", "PATCH", "/tasks/{task_id}", {"duration": "3x", "version": VERSION}, "duration",
     "invalid_duration"),
    ("SNET without date (change)", "PATCH", "/tasks/{task_id}", {"constraint": "SNET", "version": VERSION},
     "constraint", "invalid_constraint"),
    ("key with spaces (change)", "PATCH", "/tasks/{task_id}", {"key": "a b", "version": VERSION}, "key",
     "invalid_key"),
    ("unknown calendar (change)", "PATCH", "/tasks/{task_id}", {"calendar": "nope", "version": VERSION},
     "calendar", "unknown_calendar"),
    ("version 0", "PATCH", "/tasks/{task_id}", {"name": "x", "version": 0}, "version", "greater_than_equal"),
    ("move step sideways", "POST", "/tasks/{task_id}/move", {"step": "sideways"}, "step", "literal_error"),
    ("move under itself", "POST", "/tasks/{summary_task}/move", {"parent_id": "{task_id}", "version": VERSION},
     "parent_id", "move_into_itself"),
    ("move under unknown", "POST", "/tasks/{task_id}/move", {"parent_id": 987654, "version": VERSION}, "parent_id",
     "unknown_reference"),
    ("lag 2q", "POST", "/dependencies", {"predecessor_id": "{free_task}", "successor_id": "{free_task2}", "lag": "2q"},
     "lag", "invalid_lag"),
    ("lag nan%", "POST", "/dependencies",
     {"predecessor_id": "{free_task}", "successor_id": "{free_task2}", "lag": "nan%"}, "lag", "invalid_lag"),
    ("lag 1e30%", "POST", "/dependencies",
     {"predecessor_id": "{free_task}", "successor_id": "{free_task2}", "lag": "+1e30%"}, "lag", "invalid_lag"),
    ("link type XX", "POST", "/dependencies", {"predecessor_id": "{free_task}", "successor_id": "{free_task2}",
     "type": "XX"}, "type", "literal_error"),
    ("link without predecessor", "POST", "/dependencies", {"successor_id": "{other_task}"}, "predecessor_id",
     "missing"),
    ("link to unknown task", "POST", "/dependencies", {"predecessor_id": 987654, "successor_id": "{other_task}"},
     "predecessor_id", "unknown_reference"),
    ("link to itself", "POST", "/dependencies", {"predecessor_id": "{task_id}", "successor_id": "{task_id}"},
     "successor_id", "self_link"),
    ("lag 2q (change)", "PATCH", "/dependencies/{link}", {"lag": "2q", "version": VERSION}, "lag", "invalid_lag"),
    ("hours 9-25", "POST", "/calendars", {"key": "c", "week": {"mon-fri": "9-25"}}, "week.mon-fri",
     "invalid_hours"),
    ("hours 09:00-25:00", "POST", "/calendars", {"key": "c", "week": {"mon-fri": "09:00-25:00"}}, "week.mon-fri",
     "invalid_hours"),
    ("weekday funday", "POST", "/calendars", {"key": "c", "week": {"funday": "09:00-17:00"}}, "week.funday",
     "invalid_weekdays"),
    ("unknown base calendar", "POST", "/calendars", {"key": "c", "base": "nope"}, "base", "unknown_calendar"),
    ("calendar key with spaces", "POST", "/calendars", {"key": "c 1"}, "key", "invalid_key"),
    ("holidays of nowhere", "POST", "/calendars", {"key": "c", "holidays": "XX"}, "holidays", "invalid_holidays"),
    ("exception date", "POST", "/calendars", {"key": "c", "exceptions": [{"date": "x"}]}, "exceptions.0.date", None),
    ("work week hours", "POST", "/calendars", {"key": "c", "work_weeks": [{"from": "2027-01-01", "to": "2027-02-01",
     "week": {"mon": "8-9"}}]}, "work_weeks.0.week.mon", "invalid_hours"),
    ("hours 9-25 (change)", "PATCH", "/calendars/{calendar}", {"week": {"mon-fri": "9-25"}, "version": VERSION},
     "week.mon-fri", "invalid_hours"),
    ("unknown base (change)", "PATCH", "/calendars/{calendar}", {"base": "nope", "version": VERSION}, "base",
     "unknown_calendar"),
    ("units 5x", "POST", "/resources", {"key": "r", "units": "5x"}, "units", "invalid_units"),
    ("units nan", "POST", "/resources", {"key": "r", "units": "nan"}, "units", "invalid_units"),
    ("units 1e400", "POST", "/resources", {"key": "r", "units": "1e400"}, "units", "invalid_units"),
    ("units of a million people and one", "POST", "/resources", {"key": "r", "units": "1000001"}, "units",
     "invalid_units"),
    ("availability units", "POST", "/resources", {"key": "r", "availability": [{"units": "5x"}]},
     "availability.0.units", "invalid_units"),
    ("rate abc", "POST", "/resources", {"key": "r", "rate": "abc"}, "rate", "invalid_rate"),
    ("resource kind robot", "POST", "/resources", {"key": "r", "kind": "robot"}, "kind", "literal_error"),
    ("skill level not a number", "POST", "/resources", {"key": "r", "skills": {"python": "high"}}, "skills.python",
     "int_parsing"),
    ("unknown resource calendar", "POST", "/resources", {"key": "r", "calendar": "nope"}, "calendar",
     "unknown_calendar"),
    ("resource key with spaces", "POST", "/resources", {"key": "r 1"}, "key", "invalid_key"),
    ("units 5x (change)", "PATCH", "/resources/{resource}", {"units": "5x", "version": VERSION}, "units",
     "invalid_units"),
    ("assignment units 5x", "POST", "/assignments", {"task_id": "{other_task}", "resource_id": "{resource}",
     "units": "5x"}, "units", "invalid_units"),
    ("assignment units 0%", "POST", "/assignments", {"task_id": "{other_task}", "resource_id": "{resource}",
     "units": "0%"}, "units", "invalid_units"),
    ("assignment work 3x", "POST", "/assignments", {"task_id": "{other_task}", "resource_id": "{resource}",
     "work": "3x"}, "work", "invalid_duration"),
    ("negative quantity", "POST", "/assignments", {"task_id": "{other_task}", "resource_id": "{material}",
     "quantity": -1}, "quantity", "greater_than_equal"),
    ("quantity of a person", "POST", "/assignments", {"task_id": "{other_task}", "resource_id": "{resource}",
     "quantity": 3}, "quantity", "quantity_not_material"),
    ("assignment to a summary", "POST", "/assignments", {"task_id": "{summary_task}", "resource_id": "{resource}"},
     "task_id", "summary_assignment"),
    ("assignment to unknown task", "POST", "/assignments", {"task_id": 987654, "resource_id": "{resource}"},
     "task_id", "unknown_reference"),
    ("units 5x (assignment change)", "PATCH", "/assignments/{assignment}", {"units": "5x", "version": VERSION},
     "units", "invalid_units"),
    ("quantity of a person (change)", "PATCH", "/assignments/{assignment}", {"quantity": 2, "version": VERSION},
     "quantity", "quantity_not_material"),
    ("currency usd", "POST", "/projects", {"name": "p", "start": "2027-01-04", "currency": "usd"}, "currency",
     "string_pattern_mismatch"),
    ("start not a date", "POST", "/projects", {"name": "p", "start": "soon"}, "start", "value_error"),
    ("unknown time zone", "POST", "/projects", {"name": "p", "start": "2027-01-04", "timezone": "Mars/Base"},
     "timezone", "unknown_timezone"),
    ("25 hours a day", "POST", "/projects", {"name": "p", "start": "2027-01-04", "hours_per_day": 25},
     "hours_per_day", "less_than_equal"),
    ("a day of no time", "PATCH", "/projects/{project_id}", {"hours_per_day": 1e-300, "version": VERSION},
     "hours_per_day", "greater_than_equal"),
    ("a week of no days", "PATCH", "/projects/{project_id}", {"days_per_week": 0.001, "version": VERSION},
     "days_per_week", "greater_than_equal"),
    ("role boss", "POST", "/projects/{project_id}/members", {"user_id": "{user_id}", "role": "boss"}, "role",
     "literal_error"),
    ("member nobody", "POST", "/projects/{project_id}/members", {"email": "nobody@example.com", "role": "member"},
     "email", "unknown_user"),
    ("empty comment", "POST", "/tasks/{task_id}/comments", {"body": ""}, "body", "string_too_short"),
    ("level time limit 0", "POST", "/level", {"time_limit": 0}, "time_limit", "greater_than"),
    ("level objective", "POST", "/level", {"objective": "speed"}, "objective", "literal_error"),
    ("user e-mail", "POST", "/users", {"email": "nope", "password": "a good long password"}, "email",
     "string_pattern_mismatch"),
    ("short password", "POST", "/users", {"email": "new@example.com", "password": "short"}, "password",
     "string_too_short"),
    ("admin maybe", "PATCH", "/users/{user_id}", {"is_admin": "maybe"}, "is_admin", "bool_parsing"),
    ("token without name", "POST", "/tokens", {"name": ""}, "name", "string_too_short"),
    ("login without password", "POST", "/auth/login", {"email": "admin@example.com"}, "password", "missing"),
]  # fmt: skip


def _filled(space: Space, value: Any, path: str) -> Any:
    """``value`` with ``"{name}"`` as the id of ``name`` and VERSION as the current version."""
    if value is VERSION:
        return space.version(path)
    if isinstance(value, dict):
        return {k: _filled(space, v, path) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return space.ids[value[1:-1]]
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "code"), [c[1:] for c in NOTATIONS], ids=[c[0] for c in NOTATIONS]
)
def test_bad_notation_is_422_on_its_field(
    space: Space, method: str, path: str, body: dict[str, Any], field: str, code: str | None
) -> None:
    before = space.send("GET", "/projects/{project_id}").json()["revision"]
    reply = space.send(method, path, json=_filled(space, body, path))
    _assert_refused(reply, field, code)
    assert space.send("GET", "/projects/{project_id}").json()["revision"] == before  # nothing changed


# ------------------------------------------------------------------ versions
VERSIONED = [  # what is changed, and a field to change (a new value for each version)
    ("task", "/tasks/{task_id}", "notes", "noted at {v}"),
    ("link", "/dependencies/{link}", "lag", "{v}d"),
    ("calendar", "/calendars/{calendar}", "name", "Spare {v}"),
    ("resource", "/resources/{resource}", "name", "Alice {v}"),
    ("assignment", "/assignments/{assignment}", "units", "{v}0%"),
    ("project", "/projects/{project_id}", "description", "described at {v}"),
]
VERSIONED_IDS = [v[0] for v in VERSIONED]


def _change(space: Space, path: str, field: str, value: str, **kwargs: Any) -> Response:
    return space.send("PATCH", path, json={field: value.format(v=space.version(path))}, **kwargs)


@pytest.mark.parametrize(("path", "field", "value"), [v[1:] for v in VERSIONED], ids=VERSIONED_IDS)
def test_change_or_delete_without_version_is_428(space: Space, path: str, field: str, value: str) -> None:
    before = space.send("GET", path).json()
    for reply in (_change(space, path, field, value), space.send("DELETE", path)):
        assert reply.status_code == 428, reply.text
        assert reply.json()["code"] == "version_required"
    assert space.send("GET", path).json() == before


def test_move_without_version_is_428(space: Space) -> None:
    reply = space.send("POST", "/tasks/{task_id}/move", json={"step": "down"})
    assert reply.status_code == 428, reply.text
    assert reply.json()["code"] == "version_required"


@pytest.mark.parametrize(("path", "field", "value"), [v[1:] for v in VERSIONED], ids=VERSIONED_IDS)
def test_stale_version_is_409_with_current(space: Space, path: str, field: str, value: str) -> None:
    current = space.send("GET", path).json()
    stale = current["version"] + 1  # any version but the current one
    change = {field: value.format(v=stale)}
    for reply in (
        space.send("PATCH", path, json={**change, "version": stale}),
        space.send("PATCH", path, json=change, headers={"If-Match": f'"{stale}"'}),
        space.send("PATCH", path, json={**change, "version": current["version"] - 1 or stale}),
        space.send("DELETE", f"{path}?version={stale}"),
        space.send("DELETE", path, headers={"If-Match": str(stale)}),
    ):
        assert reply.status_code == 409, reply.text
        body = reply.json()
        assert body["code"] == "conflict"
        assert body["current"] == current
    assert space.send("GET", path).json() == current


@pytest.mark.parametrize("form", ['"{v}"', 'W/"{v}"', "{v}", ' "{v}" '], ids=["quoted", "weak", "bare", "spaced"])
@pytest.mark.parametrize(("path", "field", "value"), [v[1:] for v in VERSIONED], ids=VERSIONED_IDS)
def test_if_match_is_read_in_every_form(space: Space, path: str, field: str, value: str, form: str) -> None:
    version = space.version(path)
    reply = _change(space, path, field, value, headers={"If-Match": form.format(v=version)})
    assert reply.status_code == 200, reply.text
    assert reply.json()["version"] == version + 1
    assert reply.headers["ETag"] == f'"{version + 1}"'


def test_version_in_the_body_wins_over_if_match(space: Space) -> None:
    version = space.version("/tasks/{task_id}")
    body = {"notes": "body first", "version": version}
    reply = space.send("PATCH", "/tasks/{task_id}", json=body, headers={"If-Match": f'"{version + 5}"'})
    assert reply.status_code == 200, reply.text


def test_if_match_that_names_no_version_is_422(space: Space) -> None:
    for tag in ("*", "abc", 'W/"x"', ""):
        reply = space.send("PATCH", "/tasks/{task_id}", json={"notes": "x"}, headers={"If-Match": tag})
        _assert_refused(reply, "header.If-Match", "invalid_if_match")


def test_etag_round_trip_makes_the_change_once(space: Space) -> None:
    read = space.send("GET", "/tasks/{task_id}")
    tag = {"If-Match": read.headers["ETag"]}
    reply = space.send("PATCH", "/tasks/{task_id}", json={"notes": "from the ETag"}, headers=tag)
    assert reply.status_code == 200, reply.text
    assert reply.json()["version"] == read.json()["version"] + 1
    again = space.send("PATCH", "/tasks/{task_id}", json={"notes": "again"}, headers=tag)
    assert again.status_code == 409
    assert again.json()["current"] == reply.json()


@pytest.mark.parametrize("how", ["query", "if-match", "weak"])
def test_delete_with_its_version(space: Space, how: str) -> None:
    made = space.send("POST", "/tasks", json={"key": f"gone-{how}", "duration": "1d"}).json()
    path, version = f"/tasks/{made['id']}", made["version"]
    if how == "query":
        reply = space.send("DELETE", f"{path}?version={version}")
    else:
        reply = space.send(
            "DELETE", path, headers={"If-Match": f'"{version}"' if how == "if-match" else f'W/"{version}"'}
        )
    assert reply.status_code == 204, reply.text
    assert space.send("GET", path).status_code == 404
