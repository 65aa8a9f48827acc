"""Many clients changing the same tasks at once, through real servers.

Two uvicorn servers (each with its own connection pool, as two server processes would
have) share the test database; client threads, each with its own HTTP connection, do
read-modify-write edits of a few shared tasks with the version they read, and retry
with ``current`` when refused.  Every accepted change must survive, every refused one
must be a 409 (never a 500, never a silent overwrite), and the audit log and the
project's revision must count exactly the accepted changes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from milepost.api.app import create_app
from milepost.services.workspace import Database
from tests.workspace import User, import_example, make_user, settings_for

API = "/api/v1"
CLIENTS = 20
WRITES_PER_CLIENT = 2
SHARED_TASKS = 3
ROUNDS = 6  # races per kind of structural change
TIMEOUT = 30.0


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # runs in a thread: leave the signals alone
        pass


@contextmanager
def serving(database_url: str) -> Iterator[str]:
    """A real server of the API app on a free local port; yields its base URL."""
    app = create_app(settings_for(database_url))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        app.state.engine.dispose()


@pytest.fixture
def servers(db: Database, database_url: str) -> Iterator[list[str]]:
    """Two servers on the test database, as two server processes would be."""
    with ExitStack() as stack:
        yield [stack.enter_context(serving(database_url)) for _ in range(2)]


@pytest.fixture
def owner(db: Database) -> User:
    return make_user(db, "owner@example.com", admin=True)


@pytest.fixture
def project(client: TestClient, owner: User) -> dict[str, Any]:
    return import_example(client, owner)


def _get(client: TestClient, owner: User, path: str) -> Any:
    reply = client.get(f"{API}{path}", headers=owner.headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _all(client: TestClient, owner: User, path: str) -> list[dict[str, Any]]:
    """Every item of a paged list."""
    items: list[dict[str, Any]] = []
    sep = "&" if "?" in path else "?"
    while True:
        page = _get(client, owner, f"{path}{sep}limit=500&offset={len(items)}")
        items += page["items"]
        if len(items) >= page["total"] or not page["items"]:
            return items


def _leaves(client: TestClient, owner: User, project_id: int) -> list[dict[str, Any]]:
    return [t for t in _all(client, owner, f"/projects/{project_id}/tasks") if not t["summary"]]


def _together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(i)`` for i in 0..count-1, in threads that start at the same moment."""
    barrier = threading.Barrier(count)

    def run(i: int) -> Any:
        barrier.wait(TIMEOUT)
        return work(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count), timeout=TIMEOUT * 2))


# ------------------------------------------------------------------ read-modify-write
@dataclass
class Outcome:
    """What one client saw."""

    accepted: list[tuple[int, str, int]] = field(default_factory=list)  # task, token, new version
    refused: list[tuple[int, str]] = field(default_factory=list)  # task, token
    unexpected: list[str] = field(default_factory=list)


def _append_notes(base: str, owner: User, project_id: int, task_ids: list[int], me: int) -> Outcome:
    """Append a token to the notes of each shared task, ``WRITES_PER_CLIENT`` times,
    with the version read; on 409 start again from ``current``.  Half the clients send
    the version in the body, the other half in an If-Match header."""
    outcome = Outcome()
    with httpx.Client(base_url=f"{base}{API}/projects/{project_id}", headers=owner.headers, timeout=TIMEOUT) as http:
        for round_ in range(WRITES_PER_CLIENT):
            for task_id in task_ids[me % len(task_ids) :] + task_ids[: me % len(task_ids)]:
                reply = http.get(f"/tasks/{task_id}")
                if reply.status_code != 200:
                    outcome.unexpected.append(f"GET {reply.status_code} {reply.text[:300]}")
                    continue
                task = reply.json()
                for attempt in range(200):
                    token = f"[c{me}.{round_}.{attempt}]"
                    body: dict[str, Any] = {"notes": task["notes"] + token}
                    headers = {}
                    if me % 2:
                        headers["If-Match"] = f'"{task["version"]}"'
                    else:
                        body["version"] = task["version"]
                    reply = http.patch(f"/tasks/{task_id}", json=body, headers=headers)
                    if reply.status_code == 200:
                        done = reply.json()
                        if done["notes"] != task["notes"] + token or done["version"] != task["version"] + 1:
                            outcome.unexpected.append(f"accepted write not as sent: {done}")
                        outcome.accepted.append((task_id, token, done["version"]))
                        break
                    if reply.status_code != 409:
                        outcome.unexpected.append(f"PATCH {reply.status_code} {reply.text[:300]}")
                        break
                    outcome.refused.append((task_id, token))
                    task = reply.json()["current"]
                else:
                    outcome.unexpected.append(f"task {task_id}: still refused after 200 attempts")
    return outcome


def test_concurrent_read_modify_write_keeps_every_accepted_change(
    client: TestClient, owner: User, project: dict[str, Any], servers: list[str]
) -> None:
    project_id = project["id"]
    shared = _leaves(client, owner, project_id)[:SHARED_TASKS]
    ids = [t["id"] for t in shared]
    before = {t["id"]: t for t in shared}
    revision = _get(client, owner, f"/projects/{project_id}")["revision"]

    outcomes: list[Outcome] = _together(
        CLIENTS, lambda i: _append_notes(servers[i % len(servers)], owner, project_id, ids, i)
    )

    assert [u for o in outcomes for u in o.unexpected] == []
    accepted = [a for o in outcomes for a in o.accepted]
    refused = [r for o in outcomes for r in o.refused]
    assert len(accepted) == CLIENTS * WRITES_PER_CLIENT * SHARED_TASKS  # each client got every write in, in the end
    assert refused, "the clients never collided: the test did not test concurrency"
    for task_id in ids:
        mine = [(token, version) for t, token, version in accepted if t == task_id]
        start = before[task_id]
        final = _get(client, owner, f"/projects/{project_id}/tasks/{task_id}")
        # every accepted append is there, once, in the order of the versions; no refused one is
        expected = start["notes"] + "".join(token for token, _ in sorted(mine, key=lambda m: m[1]))
        assert final["notes"] == expected
        assert not [token for t, token in refused if t == task_id and token in final["notes"]]
        # each accepted write made exactly one new version
        assert sorted(v for _, v in mine) == list(range(start["version"] + 1, start["version"] + len(mine) + 1))
        assert final["version"] == start["version"] + len(mine)
        # and exactly one audit entry, with the state before and after
        log = _all(client, owner, f"/projects/{project_id}/audit?entity=task&entity_id={task_id}")
        updates = [e for e in log if e["action"] == "update"]
        assert len(updates) == len(mine)
        assert sorted(e["after"]["version"] for e in updates) == sorted(v for _, v in mine)
        assert all(e["before"]["version"] == e["after"]["version"] - 1 for e in updates)
        assert all(e["after"]["notes"].startswith(e["before"]["notes"]) for e in updates)
    assert _get(client, owner, f"/projects/{project_id}")["revision"] == revision + len(accepted)


def test_concurrent_blind_writes_of_one_version_accept_exactly_one(
    client: TestClient, owner: User, project: dict[str, Any], servers: list[str]
) -> None:
    """Many clients that read the same version and write at once: one wins, the others get 409."""
    project_id = project["id"]
    task = _leaves(client, owner, project_id)[0]
    revision = _get(client, owner, f"/projects/{project_id}")["revision"]

    def rename(i: int) -> tuple[int, Any]:
        body = {"name": f"renamed by {i}", "version": task["version"]}
        with httpx.Client(base_url=servers[i % len(servers)], headers=owner.headers, timeout=TIMEOUT) as http:
            reply = http.patch(f"{API}/projects/{project_id}/tasks/{task['id']}", json=body)
        return reply.status_code, reply.json()

    replies = _together(CLIENTS, rename)

    assert Counter(status for status, _ in replies) == {200: 1, 409: CLIENTS - 1}
    winner = next(body for status, body in replies if status == 200)
    final = _get(client, owner, f"/projects/{project_id}/tasks/{task['id']}")
    assert final["name"] == winner["name"]
    assert final["version"] == task["version"] + 1
    for status, body in replies:
        if status == 409:
            assert body["code"] == "conflict"
            assert body["current"]["id"] == task["id"]
            assert body["current"]["version"] >= task["version"]
    log = _all(client, owner, f"/projects/{project_id}/audit?entity=task&entity_id={task['id']}")
    assert [e["after"]["name"] for e in log if e["action"] == "update"] == [winner["name"]]
    assert _get(client, owner, f"/projects/{project_id}")["revision"] == revision + 1


# ------------------------------------------------------------------ structure
def _new_tasks(client: TestClient, owner: User, project_id: int, prefix: str, count: int) -> list[dict[str, Any]]:
    made = []
    for i in range(count):
        body = {"key": f"{prefix}{i}", "name": f"{prefix} {i}", "duration": "2d"}
        reply = client.post(f"{API}/projects/{project_id}/tasks", json=body, headers=owner.headers)
        assert reply.status_code == 201, reply.text
        made.append(reply.json())
    return made


def _send_pair(servers: list[str], owner: User, requests: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
    def send(i: int) -> tuple[int, Any]:
        method, path, body = requests[i]
        with httpx.Client(base_url=servers[i % len(servers)], headers=owner.headers, timeout=TIMEOUT) as http:
            reply = http.request(method, f"{API}{path}", json=body)
        return reply.status_code, reply.json()

    return _together(len(requests), send)


def _assert_one_refused(replies: list[tuple[int, Any]], ok: int) -> None:
    statuses = sorted(status for status, _ in replies)
    assert statuses in ([ok, 409], [ok, 422]), replies
    refused = next(body for status, body in replies if status != ok)
    assert refused["code"] in ("conflict", "dependency_cycle", "move_into_itself"), refused


def _assert_schedulable(client: TestClient, owner: User, project_id: int) -> None:
    reply = client.get(f"{API}/projects/{project_id}/schedule", headers=owner.headers)
    assert reply.status_code == 200, reply.text


def test_concurrent_links_cannot_make_a_cycle(
    client: TestClient, owner: User, project: dict[str, Any], servers: list[str]
) -> None:
    project_id = project["id"]
    for round_ in range(ROUNDS):
        a, b = (t["id"] for t in _new_tasks(client, owner, project_id, f"link{round_}x", 2))
        path = f"/projects/{project_id}/dependencies"
        replies = _send_pair(
            servers,
            owner,
            [
                ("POST", path, {"predecessor_id": a, "successor_id": b}),
                ("POST", path, {"predecessor_id": b, "successor_id": a}),
            ],
        )
        _assert_one_refused(replies, 201)
        between = [
            (d["predecessor_id"], d["successor_id"])
            for d in _all(client, owner, f"/projects/{project_id}/dependencies?task_id={a}")
        ]
        assert len(between) == 1, between
    _assert_schedulable(client, owner, project_id)


def test_concurrent_wbs_moves_cannot_nest_two_tasks_in_each_other(
    client: TestClient, owner: User, project: dict[str, Any], servers: list[str]
) -> None:
    project_id = project["id"]
    for round_ in range(ROUNDS):
        a, b = _new_tasks(client, owner, project_id, f"move{round_}x", 2)
        replies = _send_pair(
            servers,
            owner,
            [
                (
                    "POST",
                    f"/projects/{project_id}/tasks/{a['id']}/move",
                    {"parent_id": b["id"], "version": a["version"]},
                ),
                (
                    "POST",
                    f"/projects/{project_id}/tasks/{b['id']}/move",
                    {"parent_id": a["id"], "version": b["version"]},
                ),
            ],
        )
        _assert_one_refused(replies, 200)
        tasks = {t["id"]: t for t in _all(client, owner, f"/projects/{project_id}/tasks")}
        parents = (tasks[a["id"]]["parent_id"], tasks[b["id"]]["parent_id"])
        assert parents in ((b["id"], None), (None, a["id"])), parents
        moved = tasks[a["id"]] if parents[0] is not None else tasks[b["id"]]
        assert moved["path"].count(".") == 1
    _assert_schedulable(client, owner, project_id)


def test_concurrent_link_and_move_cannot_link_a_summary_to_its_subtask(
    client: TestClient, owner: User, project: dict[str, Any], servers: list[str]
) -> None:
    """One client links A -> B while another moves B under A: not both."""
    project_id = project["id"]
    for round_ in range(ROUNDS):
        a, b = _new_tasks(client, owner, project_id, f"mix{round_}x", 2)
        replies = _send_pair(
            servers,
            owner,
            [
                ("POST", f"/projects/{project_id}/dependencies", {"predecessor_id": a["id"], "successor_id": b["id"]}),
                (
                    "POST",
                    f"/projects/{project_id}/tasks/{b['id']}/move",
                    {"parent_id": a["id"], "version": b["version"]},
                ),
            ],
        )
        statuses = [status for status, _ in replies]
        assert statuses in ([201, 409], [201, 422], [409, 200], [422, 200]), replies
    _assert_schedulable(client, owner, project_id)
