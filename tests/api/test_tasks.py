"""Tasks through the API: the plan file's notation, the WBS, versions."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from milepost.services.workspace import Database
from tests.workspace import User, make_user

API = "/api/v1"


@pytest.fixture
def owner(db: Database) -> User:
    return make_user(db, "olga@example.com")


@pytest.fixture
def project(client: TestClient, owner: User) -> dict[str, Any]:
    reply = client.post(f"{API}/projects", json={"name": "Launch", "start": "2027-03-01"}, headers=owner.headers)
    assert reply.status_code == 201, reply.text
    return reply.json()  # type: ignore[no-any-return]


def add(client: TestClient, user: User, pid: int, **body: Any) -> dict[str, Any]:
    reply = client.post(f"{API}/projects/{pid}/tasks", json=body, headers=user.headers)
    assert reply.status_code == 201, reply.text
    return reply.json()  # type: ignore[no-any-return]


def keys(client: TestClient, user: User, pid: int, parent: str = "top") -> list[str]:
    reply = client.get(f"{API}/projects/{pid}/tasks", params={"parent": parent}, headers=user.headers)
    return [t["key"] for t in reply.json()["items"]]


def test_a_task_is_written_and_read_in_plan_notation(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    task = add(client, owner, project["id"], key="design", name="Design", duration="3d", constraint="SNET 2027-03-03",
               deadline="2027-03-10", progress="40%", notes="with <b>care</b>")  # fmt: skip
    assert (task["duration"], task["constraint"], task["deadline"], task["progress"]) == (
        "3d", "SNET 2027-03-03", "2027-03-10", "40%",
    )  # fmt: skip
    assert task["version"] == 1
    assert task["path"] == "design"
    assert task["notes"] == "with <b>care</b>"
    again = client.get(f"{API}/projects/{project['id']}/tasks/{task['id']}", headers=owner.headers)
    assert again.json() == task
    assert again.headers["etag"] == '"1"'


def test_new_tasks_go_where_they_are_asked(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    pid = project["id"]
    for key in ("a", "b", "c"):
        add(client, owner, pid, key=key, duration="1d")
    add(client, owner, pid, key="first", duration="1d", position=0)
    add(client, owner, pid, key="middle", duration="1d", position=2)
    assert keys(client, owner, pid) == ["first", "a", "middle", "b", "c"]


def test_subtasks_make_a_summary_with_full_keys(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    pid = project["id"]
    build = add(client, owner, pid, key="build", duration="2d")
    api = add(client, owner, pid, key="api", duration="5d", parent_id=build["id"])
    assert api["path"] == "build.api"
    summary = client.get(f"{API}/projects/{pid}/tasks/{build['id']}", headers=owner.headers).json()
    assert summary["summary"] is True
    assert summary["duration"] is None
    refused = client.patch(f"{API}/projects/{pid}/tasks/{build['id']}", json={"duration": "4d", "version": 1},
                           headers=owner.headers)  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["path"] == "duration"


def test_a_key_is_unique_among_its_siblings(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    pid = project["id"]
    add(client, owner, pid, key="qa", duration="1d")
    again = client.post(f"{API}/projects/{pid}/tasks", json={"key": "qa", "duration": "1d"}, headers=owner.headers)
    assert again.status_code == 422
    assert again.json()["problems"][0]["code"] == "duplicate_task"


def test_a_stale_update_gets_409_with_the_current_state(
    client: TestClient, owner: User, project: dict[str, Any]
) -> None:
    pid = project["id"]
    task = add(client, owner, pid, key="t", duration="1d")
    url = f"{API}/projects/{pid}/tasks/{task['id']}"
    first = client.patch(url, json={"name": "Mine", "version": 1}, headers=owner.headers)
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = client.patch(url, json={"name": "Theirs", "version": 1}, headers=owner.headers)
    assert stale.status_code == 409
    assert stale.json()["current"]["name"] == "Mine"
    assert stale.json()["current"]["version"] == 2
    by_header = client.patch(url, json={"name": "Theirs"}, headers={**owner.headers, "If-Match": '"2"'})
    assert by_header.status_code == 200
    assert by_header.json()["name"] == "Theirs"
    missing = client.patch(url, json={"name": "No version"}, headers=owner.headers)
    assert missing.status_code == 428
    assert missing.json()["code"] == "version_required"


def test_null_clears_an_optional_field(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    pid = project["id"]
    task = add(client, owner, pid, key="t", duration="1d", constraint="MSO 2027-03-02")
    cleared = client.patch(f"{API}/projects/{pid}/tasks/{task['id']}", json={"constraint": None, "version": 1},
                           headers=owner.headers)  # fmt: skip
    assert cleared.status_code == 200
    assert cleared.json()["constraint"] is None


def test_indent_outdent_and_reorder(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    pid = project["id"]
    a, b, c = (add(client, owner, pid, key=k, duration="1d") for k in ("a", "b", "c"))
    move = f"{API}/projects/{pid}/tasks/{{}}/move"
    indented = client.post(move.format(b["id"]), json={"step": "indent", "version": 1}, headers=owner.headers)
    assert indented.status_code == 200
    assert indented.json()["path"] == "a.b"
    assert keys(client, owner, pid) == ["a", "c"]
    outdented = client.post(move.format(b["id"]), json={"step": "outdent", "version": 2}, headers=owner.headers)
    assert outdented.json()["path"] == "b"
    assert keys(client, owner, pid) == ["a", "b", "c"]
    up = client.post(move.format(c["id"]), json={"step": "up", "version": 1}, headers=owner.headers)
    assert up.status_code == 200
    assert keys(client, owner, pid) == ["a", "c", "b"]
    first = client.post(move.format(a["id"]), json={"step": "up", "version": 1}, headers=owner.headers)
    assert first.status_code == 422
    assert first.json()["problems"][0]["code"] == "cannot_move"


def test_a_task_cannot_move_under_its_own_subtask(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    pid = project["id"]
    top = add(client, owner, pid, key="top", duration="1d")
    child = add(client, owner, pid, key="child", duration="1d", parent_id=top["id"])
    reply = client.post(f"{API}/projects/{pid}/tasks/{top['id']}/move", json={"parent_id": child["id"], "version": 1},
                        headers=owner.headers)  # fmt: skip
    assert reply.status_code == 422
    assert reply.json()["problems"][0]["code"] == "move_into_itself"


def test_moving_keeps_links(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    pid = project["id"]
    a, b = (add(client, owner, pid, key=k, duration="1d") for k in ("a", "b"))
    link = client.post(f"{API}/projects/{pid}/dependencies", json={"predecessor_id": a["id"], "successor_id": b["id"]},
                       headers=owner.headers).json()  # fmt: skip
    group = add(client, owner, pid, key="group", duration="1d")
    client.post(f"{API}/projects/{pid}/tasks/{a['id']}/move", json={"parent_id": group["id"], "version": 1},
                headers=owner.headers)  # fmt: skip
    moved = client.get(f"{API}/projects/{pid}/dependencies/{link['id']}", headers=owner.headers).json()
    assert moved["predecessor"] == "group.a"
    assert moved["successor"] == "b"


def test_deleting_a_summary_deletes_its_subtasks_and_links(
    client: TestClient, owner: User, project: dict[str, Any]
) -> None:
    pid = project["id"]
    group = add(client, owner, pid, key="group", duration="1d")
    inner = add(client, owner, pid, key="inner", duration="1d", parent_id=group["id"])
    after = add(client, owner, pid, key="after", duration="1d")
    client.post(f"{API}/projects/{pid}/dependencies", json={"predecessor_id": inner["id"], "successor_id": after["id"]},
                headers=owner.headers)  # fmt: skip
    gone = client.delete(f"{API}/projects/{pid}/tasks/{group['id']}", params={"version": 1}, headers=owner.headers)
    assert gone.status_code == 204
    assert keys(client, owner, pid, "all") == ["after"]
    assert client.get(f"{API}/projects/{pid}/dependencies", headers=owner.headers).json()["total"] == 0
    assert client.get(f"{API}/projects/{pid}/tasks/{after['id']}", headers=owner.headers).json()["position"] == 0


def test_lists_page_and_search(client: TestClient, owner: User, project: dict[str, Any]) -> None:
    pid = project["id"]
    for i in range(7):
        add(client, owner, pid, key=f"t{i}", name="Review" if i % 3 == 0 else "Build", duration="1d")
    page = client.get(f"{API}/projects/{pid}/tasks", params={"limit": 3, "offset": 3}, headers=owner.headers).json()
    assert page["total"] == 7
    assert [t["key"] for t in page["items"]] == ["t3", "t4", "t5"]
    found = client.get(f"{API}/projects/{pid}/tasks", params={"q": "review"}, headers=owner.headers).json()
    assert [t["key"] for t in found["items"]] == ["t0", "t3", "t6"]
    too_many = client.get(f"{API}/projects/{pid}/tasks", params={"limit": 100000}, headers=owner.headers)
    assert too_many.status_code == 422
    assert too_many.json()["problems"][0]["path"] == "query.limit"
