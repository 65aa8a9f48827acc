"""Dependencies, calendars, resources and assignments through the API."""

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
def pid(client: TestClient, owner: User) -> int:
    reply = client.post(f"{API}/projects", json={"name": "Launch", "start": "2027-03-01"}, headers=owner.headers)
    return int(reply.json()["id"])


def post(client: TestClient, user: User, url: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    reply = client.post(f"{API}{url}", json=body, headers=user.headers)
    assert reply.status_code == status, reply.text
    return reply.json()  # type: ignore[no-any-return]


def test_a_dependency_cycle_is_refused_and_named(client: TestClient, owner: User, pid: int) -> None:
    a, b, c = (post(client, owner, f"/projects/{pid}/tasks", {"key": k, "duration": "1d"}) for k in "abc")
    post(client, owner, f"/projects/{pid}/dependencies", {"predecessor_id": a["id"], "successor_id": b["id"]})
    post(client, owner, f"/projects/{pid}/dependencies", {"predecessor_id": b["id"], "successor_id": c["id"]})
    cycle = post(
        client, owner, f"/projects/{pid}/dependencies", {"predecessor_id": c["id"], "successor_id": a["id"]}, 422
    )
    assert cycle["problems"][0]["code"] == "dependency_cycle"
    assert "a -> b -> c -> a" in cycle["message"]
    assert client.get(f"{API}/projects/{pid}/dependencies", headers=owner.headers).json()["total"] == 2


def test_link_types_and_lags_in_plan_notation(client: TestClient, owner: User, pid: int) -> None:
    a, b = (post(client, owner, f"/projects/{pid}/tasks", {"key": k, "duration": "4d"}) for k in "ab")
    link = post(client, owner, f"/projects/{pid}/dependencies",
                {"predecessor_id": a["id"], "successor_id": b["id"], "type": "SS", "lag": "+2d"})  # fmt: skip
    assert (link["type"], link["lag"], link["predecessor"], link["successor"]) == ("SS", "+2d", "a", "b")
    url = f"{API}/projects/{pid}/dependencies/{link['id']}"
    lead = client.patch(url, json={"lag": "-50%", "version": 1}, headers=owner.headers).json()
    assert (lead["type"], lead["lag"], lead["version"]) == ("SS", "-50%", 2)
    bad = client.patch(url, json={"lag": "2q", "version": 2}, headers=owner.headers)
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["path"] == "lag"


def test_a_summary_cannot_be_linked_to_its_own_subtask(client: TestClient, owner: User, pid: int) -> None:
    group = post(client, owner, f"/projects/{pid}/tasks", {"key": "group", "duration": "1d"})
    inner = post(client, owner, f"/projects/{pid}/tasks", {"key": "inner", "duration": "1d", "parent_id": group["id"]})
    refused = post(client, owner, f"/projects/{pid}/dependencies",
                   {"predecessor_id": group["id"], "successor_id": inner["id"]}, 422)  # fmt: skip
    assert refused["problems"][0]["code"] == "link_to_own_summary"


def test_links_to_tasks_of_another_project_are_refused(client: TestClient, owner: User, pid: int) -> None:
    other = post(client, owner, "/projects", {"name": "Other", "start": "2027-03-01"})
    there = post(client, owner, f"/projects/{other['id']}/tasks", {"key": "x", "duration": "1d"})
    here = post(client, owner, f"/projects/{pid}/tasks", {"key": "y", "duration": "1d"})
    refused = post(client, owner, f"/projects/{pid}/dependencies",
                   {"predecessor_id": there["id"], "successor_id": here["id"]}, 422)  # fmt: skip
    assert refused["problems"][0]["path"] == "predecessor_id"


def test_calendars_are_plan_entries_and_protected_while_in_use(client: TestClient, owner: User, pid: int) -> None:
    cal = post(client, owner, f"/projects/{pid}/calendars",
               {"key": "ops", "week": {"mon-fri": "09:00-13:00, 14:00-18:00"}, "holidays": "GB"})  # fmt: skip
    assert cal["definition"] == {"week": {"mon-fri": "09:00-13:00, 14:00-18:00"}, "holidays": "GB"}
    task = post(client, owner, f"/projects/{pid}/tasks", {"key": "t", "duration": "1d", "calendar": "ops"})
    busy = client.delete(f"{API}/projects/{pid}/calendars/{cal['id']}", params={"version": 1}, headers=owner.headers)
    assert busy.status_code == 409
    assert busy.json()["code"] == "in_use"
    assert "1 task" in busy.json()["message"]
    unknown = client.patch(f"{API}/projects/{pid}/tasks/{task['id']}", json={"calendar": "opz", "version": 1},
                           headers=owner.headers)  # fmt: skip
    assert unknown.status_code == 422
    assert "did you mean" in unknown.json()["message"]
    bad = post(client, owner, f"/projects/{pid}/calendars", {"key": "x", "week": {"mon": "9-25"}}, 422)
    assert bad["problems"][0]["path"] == "week.mon"
    loop = client.patch(f"{API}/projects/{pid}/calendars/{cal['id']}", json={"base": "ops", "version": 1},
                        headers=owner.headers)  # fmt: skip
    assert loop.status_code == 422


def test_resources_and_assignments(client: TestClient, owner: User, pid: int) -> None:
    task = post(client, owner, f"/projects/{pid}/tasks", {"key": "t", "duration": "5d"})
    alice = post(client, owner, f"/projects/{pid}/resources", {"key": "alice", "rate": "85/h", "units": "50%"})
    assert alice["definition"] == {"key": "alice", "units": "50%", "rate": "85/h"}
    on = post(client, owner, f"/projects/{pid}/assignments",
              {"task_id": task["id"], "resource_id": alice["id"], "units": "50%", "work": "20h"})  # fmt: skip
    assert (on["task"], on["resource"], on["units"], on["work"]) == ("t", "alice", "50%", "20h")
    twice = post(
        client, owner, f"/projects/{pid}/assignments", {"task_id": task["id"], "resource_id": alice["id"]}, 422
    )
    assert twice["problems"][0]["code"] == "duplicate_assignment"
    changed = client.patch(f"{API}/projects/{pid}/assignments/{on['id']}", json={"work": None, "version": 1},
                           headers=owner.headers).json()  # fmt: skip
    assert changed["work"] is None
    assert changed["units"] == "50%"
    listed = client.get(f"{API}/projects/{pid}/assignments", params={"task_id": task["id"]}, headers=owner.headers)
    assert listed.json()["total"] == 1
    gone = client.delete(f"{API}/projects/{pid}/resources/{alice['id']}", headers={**owner.headers, "If-Match": '"1"'})
    assert gone.status_code == 204
    assert client.get(f"{API}/projects/{pid}/assignments", headers=owner.headers).json()["total"] == 0
