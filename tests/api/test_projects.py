"""Projects through the API: plans in and out, members, the audit log, comments, scheduling."""

from __future__ import annotations

import json

import orjson
import pytest
import sqlalchemy
from fastapi.testclient import TestClient

import milepost
from milepost.io.planfile import dump_plan
from milepost.io.results import schedule_to_dict
from milepost.services.workspace import Database
from tests.shared_data import shared
from tests.workspace import EXAMPLES, User, import_example, make_user

API = "/api/v1"


@pytest.fixture
def owner(db: Database) -> User:
    return make_user(db, "olga@example.com")


@pytest.mark.parametrize("name", ["web-launch.yaml", "datacentre-migration.yaml"])
def test_a_plan_imported_and_exported_is_identical(client: TestClient, owner: User, name: str) -> None:
    written = dump_plan(milepost.load(EXAMPLES / name))  # as Milepost writes it (the examples carry comments)
    reply = client.post(f"{API}/projects/import", files={"file": (name, written.encode())}, headers=owner.headers)
    assert reply.status_code == 201, reply.text
    pid = reply.json()["project"]["id"]
    exported = client.get(f"{API}/projects/{pid}/export", params={"format": "yaml"}, headers=owner.headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/yaml")
    assert exported.text == written


def test_a_broken_plan_is_refused_with_every_problem_placed(client: TestClient, owner: User) -> None:
    plan = (
        b"milepost: 1\nproject: {name: X, start: 2027-03-01}\ntasks:\n"
        b"  - {key: a, duration: 3x}\n  - {key: b, duration: 1d, after: zz}\n"
    )
    reply = client.post(f"{API}/projects/import", files={"file": ("bad.yaml", plan)}, headers=owner.headers)
    assert reply.status_code == 422
    problems = reply.json()["problems"]
    assert [p["code"] for p in problems] == ["invalid_duration", "unknown_task"]
    assert (problems[0]["file"], problems[0]["line"], problems[0]["path"]) == ("bad.yaml", 4, "tasks[0].duration")
    assert client.get(f"{API}/projects", headers=owner.headers).json()["total"] == 0


def test_ms_project_xml_in_and_out(client: TestClient, owner: User) -> None:
    source = shared("mspdi", "mspdirelations.xml")
    reply = client.post(
        f"{API}/projects/import", files={"file": (source.name, source.read_bytes())}, headers=owner.headers
    )
    assert reply.status_code == 201, reply.text
    project = reply.json()["project"]
    assert project["tasks"] > 0
    assert isinstance(reply.json()["notes"], list)
    xml = client.get(f"{API}/projects/{project['id']}/export", params={"format": "xml"}, headers=owner.headers)
    assert xml.status_code == 200
    assert b"<Project" in xml.content
    assert 'filename="' in xml.headers["content-disposition"]


def test_an_unreadable_file_is_a_clear_422(client: TestClient, owner: User) -> None:
    for name, body in (("x.xml", b"<Project><Tasks>"), ("x.bin", b"\x00\x01"), ("x.yaml", b"\xff\xfe")):
        reply = client.post(f"{API}/projects/import", files={"file": (name, body)}, headers=owner.headers)
        assert reply.status_code == 422, (name, reply.text)
        assert name in json.dumps(reply.json())


def test_the_schedule_is_the_clis_document_and_cached_per_revision(client: TestClient, owner: User) -> None:
    project = import_example(client, owner)
    pid = project["id"]
    first = client.get(f"{API}/projects/{pid}/schedule", headers=owner.headers)
    assert first.status_code == 200
    expected = schedule_to_dict(milepost.schedule(milepost.load(EXAMPLES / "web-launch.yaml")))
    assert first.json() == orjson.loads(orjson.dumps(expected))
    assert client.get(f"{API}/projects/{pid}/schedule", headers=owner.headers).content == first.content
    task = next(
        t
        for t in client.get(f"{API}/projects/{pid}/tasks", params={"q": "kickoff"}, headers=owner.headers).json()[
            "items"
        ]
    )
    client.patch(f"{API}/projects/{pid}/tasks/{task['id']}", json={"duration": "3d", "version": task["version"]},
                 headers=owner.headers)  # fmt: skip
    after = client.post(f"{API}/projects/{pid}/schedule", headers=owner.headers)
    assert after.status_code == 200
    assert after.content != first.content
    assert client.get(f"{API}/projects/{pid}", headers=owner.headers).json()["revision"] == 2


def test_levelling_through_the_api(client: TestClient, owner: User) -> None:
    pid = import_example(client, owner)["id"]
    assert client.get(f"{API}/projects/{pid}/level", headers=owner.headers).status_code == 404
    levelled = client.post(f"{API}/projects/{pid}/level", json={"schedules": 50, "seed": 1}, headers=owner.headers)
    assert levelled.status_code == 200, levelled.text
    body = levelled.json()
    assert {"tasks", "makespan", "status", "resource_critical_path"} <= set(body)
    assert all("delay_minutes" in t and "delayed_by" in t for t in body["tasks"])
    assert client.get(f"{API}/projects/{pid}/level", headers=owner.headers).content == levelled.content


def test_levelling_without_a_budget_takes_the_default_of_the_plan_size(client: TestClient, owner: User) -> None:
    """1,000 schedules for a plan this small (fewer only past 400 activities)."""
    pid = import_example(client, owner)["id"]
    levelled = client.post(f"{API}/projects/{pid}/level", json={"seed": 1}, headers=owner.headers)
    assert levelled.status_code == 200, levelled.text
    assert 1000 - 6 < levelled.json()["schedules"] <= 1000


def test_members_and_roles(client: TestClient, db: Database, owner: User) -> None:
    viewer = make_user(db, "vic@example.com")
    pid = import_example(client, owner)["id"]
    assert client.get(f"{API}/projects/{pid}", headers=viewer.headers).status_code == 404
    added = client.post(f"{API}/projects/{pid}/members", json={"email": "VIC@example.com", "role": "viewer"},
                        headers=owner.headers)  # fmt: skip
    assert added.status_code == 201
    assert added.json()["role"] == "viewer"
    seen = client.get(f"{API}/projects/{pid}", headers=viewer.headers).json()
    assert seen["role"] == "viewer"
    change = client.patch(
        f"{API}/projects/{pid}", json={"name": "Mine", "version": seen["version"]}, headers=viewer.headers
    )
    assert change.status_code == 403
    last = client.patch(f"{API}/projects/{pid}/members/{owner.id}", json={"role": "manager"}, headers=owner.headers)
    assert last.status_code == 409
    assert last.json()["code"] == "last_owner"
    listed = client.get(f"{API}/projects", headers=viewer.headers).json()
    assert [p["id"] for p in listed["items"]] == [pid]


def test_the_audit_log_has_who_when_before_and_after(client: TestClient, owner: User) -> None:
    pid = import_example(client, owner)["id"]
    task = client.get(f"{API}/projects/{pid}/tasks", params={"limit": 1, "parent": "top"}, headers=owner.headers).json()
    item = task["items"][0]
    client.patch(f"{API}/projects/{pid}/tasks/{item['id']}", json={"name": "Renamed", "version": item["version"]},
                 headers=owner.headers)  # fmt: skip
    log = client.get(f"{API}/projects/{pid}/audit", params={"entity": "task"}, headers=owner.headers).json()
    entry = log["items"][0]
    assert (entry["action"], entry["user_id"], entry["entity_id"]) == ("update", owner.id, item["id"])
    assert entry["before"]["name"] == item["name"]
    assert entry["after"]["name"] == "Renamed"
    assert entry["user"]
    assert entry["at"]


def test_comments(client: TestClient, db: Database, owner: User) -> None:
    member = make_user(db, "max@example.com")
    pid = import_example(client, owner)["id"]
    client.post(f"{API}/projects/{pid}/members", json={"user_id": member.id, "role": "member"}, headers=owner.headers)
    tid = client.get(f"{API}/projects/{pid}/tasks", params={"limit": 1}, headers=owner.headers).json()["items"][0]["id"]
    said = client.post(f"{API}/projects/{pid}/tasks/{tid}/comments", json={"body": "Blocked on <vendor>"},
                       headers=member.headers)  # fmt: skip
    assert said.status_code == 201
    assert said.json()["author"] == "max"
    page = client.get(f"{API}/projects/{pid}/tasks/{tid}/comments", headers=owner.headers).json()
    assert [c["body"] for c in page["items"]] == ["Blocked on <vendor>"]
    removed = client.delete(f"{API}/projects/{pid}/comments/{said.json()['id']}", headers=owner.headers)
    assert removed.status_code == 204


def test_project_settings_follow_the_plan_file(client: TestClient, owner: User) -> None:
    made = client.post(f"{API}/projects", json={"name": "Exit", "finish": "2027-09-30", "timezone": "Europe/London"},
                       headers=owner.headers).json()  # fmt: skip
    assert made["settings"] == {"name": "Exit", "finish": "2027-09-30", "timezone": "Europe/London"}
    moved = client.patch(
        f"{API}/projects/{made['id']}", json={"start": "2027-01-04", "version": 1}, headers=owner.headers
    )
    assert moved.json()["settings"]["start"] == "2027-01-04"
    assert "finish" not in moved.json()["settings"]
    bad = client.patch(f"{API}/projects/{made['id']}", json={"timezone": "Mars/Base", "calendar": "nope", "version": 2},
                       headers=owner.headers)  # fmt: skip
    assert bad.status_code == 422
    gone = client.delete(f"{API}/projects/{made['id']}", params={"version": 2}, headers=owner.headers)
    assert gone.status_code == 204
    assert client.get(f"{API}/projects/{made['id']}", headers=owner.headers).status_code == 404


def test_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_a_new_project_needs_a_start_or_a_finish_and_says_which_field(client: TestClient, owner: User) -> None:
    neither = client.post(f"{API}/projects", json={"name": "X"}, headers=owner.headers)
    assert neither.status_code == 422
    assert [(p["code"], p["path"]) for p in neither.json()["problems"]] == [("project_anchor", "start")]
    both = {"name": "X", "start": "2027-01-04", "finish": "2027-03-01"}
    refused = client.post(f"{API}/projects", json=both, headers=owner.headers)
    assert refused.status_code == 422
    assert [(p["code"], p["path"]) for p in refused.json()["problems"]] == [("project_anchor", "finish")]
    assert "not both" in refused.json()["problems"][0]["message"]
    assert client.get(f"{API}/projects", headers=owner.headers).json()["total"] == 0


def test_the_project_list_has_each_role_and_task_count_in_a_fixed_number_of_queries(
    client: TestClient, db: Database, owner: User
) -> None:
    admin = make_user(db, "ada@example.com", admin=True)
    viewer = make_user(db, "vic@example.com")
    imported = import_example(client, owner)
    empty = client.post(f"{API}/projects", json={"name": "Empty", "start": "2027-03-01"}, headers=owner.headers).json()
    shared_with = client.post(
        f"{API}/projects/{empty['id']}/members", json={"user_id": viewer.id, "role": "viewer"}, headers=owner.headers
    )
    assert shared_with.status_code == 201, shared_with.text
    statements: list[str] = []

    def listed(user: User) -> dict[int, tuple[str, int]]:
        statements.clear()
        reply = client.get(f"{API}/projects", headers=user.headers)
        assert reply.status_code == 200, reply.text
        return {p["id"]: (p["role"], p["tasks"]) for p in reply.json()["items"]}

    app_engine = client.app.state.engine  # type: ignore[attr-defined]
    sqlalchemy.event.listen(app_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    tasks = imported["tasks"]
    assert tasks > 30
    assert listed(owner) == {imported["id"]: ("owner", tasks), empty["id"]: ("owner", 0)}
    for_two = len(statements)
    assert for_two > 0
    assert listed(viewer) == {empty["id"]: ("viewer", 0)}
    assert listed(admin) == {imported["id"]: ("owner", tasks), empty["id"]: ("owner", 0)}
    for _ in range(5):
        client.post(f"{API}/projects", json={"name": "More", "start": "2027-03-01"}, headers=owner.headers)
    assert len(listed(owner)) == 7
    assert len(statements) == for_two  # not one more query per project
