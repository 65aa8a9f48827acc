"""Schemathesis against the API's own OpenAPI schema: generated requests, in process.

For every operation of ``/api/v1/openapi.json`` Hypothesis generates requests that fit
the schema (positive) and requests that break it (negative), sends them to the app
through the ASGI transport (no network), signed in as a workspace admin who owns an
imported example project, and checks that

* no request gets a 5xx (``not_a_server_error``);
* every reply fits the schema documented for its status (``response_schema_conformance``);
* every status is one the operation documents (``status_code_conformance``) and every
  body has the content type documented (``content_type_conformance``).

Path parameters name the real project, task, link... (random ids only find 404s), and
random ones in a few examples; a change that names no version is sent with the current
one in ``If-Match``, so that it is made rather than refused with 428.  Examples are
bounded and derandomised: the same run every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from milepost.api.app import API, create_app
from milepost.services.workspace import Database
from milepost.storage.db import make_engine, session_factory
from tests.workspace import User, import_example, make_user, settings_for, wipe

POSITIVE_EXAMPLES = 16  # path ids of real objects
RANDOM_ID_EXAMPLES = 4  # random path ids
NEGATIVE_EXAMPLES = 8  # requests that break the schema
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
SPEC = create_app(settings_for("sqlite://")).openapi()
OPERATIONS = sorted(
    ((method.upper(), path) for path, methods in SPEC["paths"].items() for method in methods),
    key=lambda op: (op[0] == "DELETE", op[1] == f"{API}/projects/{{project_id}}"),
)  # deletions last, and the project's the very last: they take away what the others are sent to
KINDS = ("dependencies", "calendars", "resources", "assignments")  # the entities under .../{item_id}


@dataclass
class Workspace:
    """The app under test and what is in its database."""

    app: FastAPI
    schema: Any
    url: str
    admin: User = field(init=False)
    ids: dict[str, int] = field(default_factory=dict)

    def fill(self) -> None:
        """Empty the database, then: an admin, a manager, an imported project with one
        of everything (tasks, a link, a calendar, a resource, an assignment, a comment)."""
        engine = make_engine(self.url)
        db = Database(engine, session_factory(engine))
        wipe(db)
        self.admin = make_user(db, "admin@example.com", admin=True)
        manager = make_user(db, "manager@example.com")
        engine.dispose()
        with TestClient(self.app) as client:
            project = import_example(client, self.admin)
            p = f"/projects/{project['id']}"
            tasks = client.get(f"{API}{p}/tasks?limit=500", headers=self.admin.headers).json()["items"]
            leaf = next(t for t in tasks if not t["summary"] and not t["milestone"])
            links = client.get(f"{API}{p}/dependencies", headers=self.admin.headers).json()["items"]
            resource = self._made(client, f"{p}/resources", {"key": "alice", "name": "Alice", "units": "100%"})
            self.ids = {
                "project_id": project["id"],
                "task_id": leaf["id"],
                "dependencies": links[0]["id"],
                "calendars": self._made(client, f"{p}/calendars", {"key": "spare", "week": {"sat": "09:00-13:00"}}),
                "resources": resource,
                "assignments": self._made(
                    client, f"{p}/assignments", {"task_id": leaf["id"], "resource_id": resource, "units": "50%"}
                ),
                "comment_id": self._made(client, f"{p}/tasks/{leaf['id']}/comments", {"body": "a comment"}),
                "token_id": self._made(client, "/tokens", {"name": "spare"}),
                "user_id": manager.id,
            }
            self._made(client, f"{p}/members", {"user_id": manager.id, "role": "manager"}, key="user_id")

    def _made(self, client: TestClient, path: str, body: dict[str, Any], key: str = "id") -> int:
        reply = client.post(f"{API}{path}", json=body, headers=self.admin.headers)
        assert reply.status_code == 201, reply.text
        return int(reply.json()[key])

    def heal(self) -> None:
        """Check that what the earlier operations left can still be read and scheduled (no
        5xx), then fill again if they took away something the next ones are sent to (a
        deletion that named the right version; a revoked token of the admin)."""
        p = f"/projects/{self.ids['project_id']}"
        paths = ["/auth/me", p, f"{p}/tasks/{self.ids['task_id']}", *(f"{p}/{k}/{self.ids[k]}" for k in KINDS)]
        with TestClient(self.app, raise_server_exceptions=False) as client:
            replies = {path: client.get(f"{API}{path}", headers=self.admin.headers) for path in [*paths, f"{p}/tasks"]}
            replies[f"{p}/schedule"] = client.get(f"{API}{p}/schedule", headers=self.admin.headers)
        for path, reply in replies.items():
            assert reply.status_code < 500, f"GET {path} after the earlier operations: {reply.status_code} {reply.text}"
        if any(replies[path].status_code != 200 for path in paths):
            self.fill()

    def path_ids(self, path: str) -> dict[str, int]:
        """The real objects that an operation's path names."""
        out = {name: self.ids[name] for name in ("project_id", "task_id", "comment_id", "token_id", "user_id")}
        out = {name: value for name, value in out.items() if f"{{{name}}}" in path}
        if path.endswith("{item_id}"):
            out["item_id"] = self.ids[path.split("/")[-2]]
        return out


@pytest.fixture(scope="module")
def workspace(database_url: str) -> Iterator[Workspace]:
    """One workspace per backend for the whole module (emptied at the end)."""
    app = create_app(settings_for(database_url))
    space = Workspace(app, schemathesis.openapi.from_asgi(f"{API}/openapi.json", app), database_url)
    space.fill()
    try:
        yield space
    finally:
        engine = make_engine(database_url)
        wipe(Database(engine, session_factory(engine)))
        engine.dispose()
        app.state.engine.dispose()


def _versioned(case: Case) -> bool:
    """Whether the operation changes an object that has a version."""
    path = case.operation.path
    if case.method == "POST":
        return path.endswith("/move")
    ends = ("{project_id}", "{task_id}", *(f"{k}/{{item_id}}" for k in KINDS))
    return case.method in ("PATCH", "DELETE") and path.endswith(ends)


def _prepared(space: Workspace, case: Case, fixed: dict[str, int]) -> Case:
    """The generated request, with two changes that keep it valid.

    * A change of a real object that names no version (body, query) is sent with the
      version the object has now in ``If-Match``, so that it is made, not refused with
      428 (versions themselves are tested in test_validation and test_concurrency).
    * Levelling with CP-SAT may search for up to two minutes (``time_limit``), and the
      heuristic build up to 100,000 schedules: both are capped, so a request takes a moment.
    """
    body = case.body if isinstance(case.body, dict) else {}
    if (
        fixed
        and _versioned(case)
        and all(case.path_parameters.get(k) == v for k, v in fixed.items())
        and "version" not in body
        and "version" not in (case.query or {})
    ):
        path = case.operation.path.format(**fixed).removesuffix("/move")
        with TestClient(space.app) as client:
            reply = client.get(path, headers=space.admin.headers)
        if reply.status_code == 200:
            case.headers = {**(case.headers or {}), "If-Match": f'"{reply.json()["version"]}"'}
    if case.method == "POST" and case.operation.path.endswith("/level"):
        if isinstance(body.get("time_limit"), int | float) and body["time_limit"] > 0.2:
            body["time_limit"] = 0.2
        if isinstance(body.get("schedules"), int) and body["schedules"] > 50:
            body["schedules"] = 50
    return case


def _run(space: Workspace, strategy: Any, examples: int, fixed: dict[str, int]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Case) -> None:
        case = _prepared(space, case, fixed)
        response = case.call(headers=space.admin.headers)
        case.validate_response(response, checks=CHECKS, headers=space.admin.headers)

    check()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation(method: str, path: str, workspace: Workspace) -> None:
    workspace.heal()
    operation = workspace.schema[path][method]
    fixed = workspace.path_ids(path)
    positive = operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed)
    _run(workspace, positive, POSITIVE_EXAMPLES, fixed)
    if fixed:
        _run(workspace, operation.as_strategy(GenerationMode.POSITIVE), RANDOM_ID_EXAMPLES, {})
    try:
        negative = operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed)
        _run(workspace, negative, NEGATIVE_EXAMPLES, fixed)
    except Unsatisfiable:  # nothing in it to break: no body, no query, and its path is fixed (GET /auth/me)
        pass
