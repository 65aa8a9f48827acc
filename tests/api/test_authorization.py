"""Who may call what: every role against every endpoint of the API.

:data:`EXPECTED` has one row per route of the app (method and path template) and one
column per role; a route without a row fails :func:`test_every_route_has_expectations`.
A cell is ``2xx`` (allowed), ``401`` (sign in first), ``403`` (signed in, not allowed)
or ``404`` (not a member: the project is not there for them).  Requests carry valid
bodies and current versions, so that 2xx really means "allowed" and a refusal is the
permission check, not a bad request.  A refused request must leave no trace in the
audit log, and for a non-member a project that exists must look exactly like one that
does not.  Objects of another project are not found under one's own.

The users are made once per backend (password hashing is slow on purpose).  A cell that
may change its project gets a fresh one, made through the services in one transaction;
reads and refusals share one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from milepost.api.app import API, create_app
from milepost.errors import ConflictError
from milepost.schemas.accounts import TokenCreate
from milepost.schemas.activity import CommentCreate
from milepost.schemas.projects import MemberWrite
from milepost.schemas.resources import AssignmentCreate, ResourceCreate, ResourceUpdate
from milepost.schemas.scheduling import LevelRequest
from milepost.schemas.tasks import TaskCreate
from milepost.services import activity, auth, calendars, jobs, links, members, projects, resources, scheduling, tasks
from milepost.services.access import Actor
from milepost.services.workspace import Database
from milepost.storage.db import make_engine, session_factory, transaction
from milepost.storage.models import AuditRecord, UserRecord
from tests.workspace import PASSWORD, User, make_user, settings_for, wipe

Route = tuple[str, str]

ROLES = ("anonymous", "outsider", "viewer", "member_unassigned", "member_assigned", "manager", "owner", "admin")
"""``member_unassigned`` and ``member_assigned`` are the same project member, acting on a
task assigned to someone else and on a task assigned to a resource linked to them."""

UNLISTED = frozenset({"/healthz", "/readyz", f"{API}/openapi.json", f"{API}/docs", "/docs/oauth2-redirect"})
"""Public pages that are not part of the matrix: health checks and the API's documentation."""

#                                                        anon  out   view  m-un  m-as  mgr   own   adm
TABLE = """
POST   /auth/login                                       2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
POST   /auth/logout                                      2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
GET    /auth/me                                          401   2xx   2xx   2xx   2xx   2xx   2xx   2xx
POST   /auth/password                                    401   2xx   2xx   2xx   2xx   2xx   2xx   2xx
GET    /tokens                                           401   2xx   2xx   2xx   2xx   2xx   2xx   2xx
POST   /tokens                                           401   2xx   2xx   2xx   2xx   2xx   2xx   2xx
DELETE /tokens/{token_id}                                401   2xx   2xx   2xx   2xx   2xx   2xx   2xx
GET    /users                                            401   403   403   403   403   403   403   2xx
POST   /users                                            401   403   403   403   403   403   403   2xx
PATCH  /users/{user_id}                                  401   403   403   403   403   403   403   2xx

GET    /projects                                         401   2xx   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects                                         401   2xx   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/import                                  401   2xx   2xx   2xx   2xx   2xx   2xx   2xx
GET    /projects/{project_id}                            401   404   2xx   2xx   2xx   2xx   2xx   2xx
PATCH  /projects/{project_id}                            401   404   403   403   403   403   2xx   2xx
DELETE /projects/{project_id}                            401   404   403   403   403   403   2xx   2xx
GET    /projects/{project_id}/export                     401   404   2xx   2xx   2xx   2xx   2xx   2xx
GET    /projects/{project_id}/members                    401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/members                    401   404   403   403   403   403   2xx   2xx
PATCH  /projects/{project_id}/members/{user_id}          401   404   403   403   403   403   2xx   2xx
DELETE /projects/{project_id}/members/{user_id}          401   404   403   403   403   403   2xx   2xx
GET    /projects/{project_id}/audit                      401   404   2xx   2xx   2xx   2xx   2xx   2xx

GET    /projects/{project_id}/tasks                      401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/tasks                      401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/tasks/{task_id}            401   404   2xx   2xx   2xx   2xx   2xx   2xx
PATCH  /projects/{project_id}/tasks/{task_id}            401   404   403   403   2xx   2xx   2xx   2xx
DELETE /projects/{project_id}/tasks/{task_id}            401   404   403   403   403   2xx   2xx   2xx
POST   /projects/{project_id}/tasks/{task_id}/move       401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/tasks/{task_id}/comments   401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/tasks/{task_id}/comments   401   404   403   2xx   2xx   2xx   2xx   2xx
DELETE /projects/{project_id}/comments/{comment_id}      401   404   403   403   403   2xx   2xx   2xx

GET    /projects/{project_id}/dependencies               401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/dependencies               401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/dependencies/{item_id}     401   404   2xx   2xx   2xx   2xx   2xx   2xx
PATCH  /projects/{project_id}/dependencies/{item_id}     401   404   403   403   403   2xx   2xx   2xx
DELETE /projects/{project_id}/dependencies/{item_id}     401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/calendars                  401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/calendars                  401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/calendars/{item_id}        401   404   2xx   2xx   2xx   2xx   2xx   2xx
PATCH  /projects/{project_id}/calendars/{item_id}        401   404   403   403   403   2xx   2xx   2xx
DELETE /projects/{project_id}/calendars/{item_id}        401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/resources                  401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/resources                  401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/resources/{item_id}        401   404   2xx   2xx   2xx   2xx   2xx   2xx
PATCH  /projects/{project_id}/resources/{item_id}        401   404   403   403   403   2xx   2xx   2xx
DELETE /projects/{project_id}/resources/{item_id}        401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/assignments                401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/assignments                401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/assignments/{item_id}      401   404   2xx   2xx   2xx   2xx   2xx   2xx
PATCH  /projects/{project_id}/assignments/{item_id}      401   404   403   403   403   2xx   2xx   2xx
DELETE /projects/{project_id}/assignments/{item_id}      401   404   403   403   403   2xx   2xx   2xx

GET    /projects/{project_id}/schedule                   401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/schedule                   401   404   403   403   403   2xx   2xx   2xx
GET    /projects/{project_id}/level                      401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /projects/{project_id}/level                      401   404   403   403   403   2xx   2xx   2xx
POST   /projects/{project_id}/level/jobs                 401   404   403   403   403   2xx   2xx   2xx
GET    /jobs/{job_id}                                    401   404   2xx   2xx   2xx   2xx   2xx   2xx
POST   /jobs/{job_id}/cancel                             401   404   403   403   403   2xx   2xx   2xx
"""


def parse_table(text: str) -> dict[Route, dict[str, str]]:
    """The table as ``{(method, full path): {role: expected}}``."""
    rows: dict[Route, dict[str, str]] = {}
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        method, path, *cells = line.split()
        assert len(cells) == len(ROLES), f"{method} {path}: {len(cells)} cells for {len(ROLES)} roles"
        assert set(cells) <= {"2xx", "401", "403", "404"}, line
        assert (method, API + path) not in rows, f"{method} {path} twice"
        rows[method, API + path] = dict(zip(ROLES, cells, strict=True))
    return rows


EXPECTED = parse_table(TABLE)
ERROR_CODES = {"401": "not_authenticated", "403": "permission_denied", "404": "not_found"}

# ---------------------------------------------------------------------------- the world
PLAN = b"""\
milepost: 1
project: {name: Matrix, start: 2027-03-01}
calendars:
  spare: {week: {mon-fri: "09:00-17:00", sat-sun: off}}
resources:
  - {key: dev}
  - {key: ops}
  - {key: spare}
tasks:
  - {key: design, duration: 2d}
  - {key: mine, duration: 3d, after: [design], assign: [dev]}
  - {key: theirs, duration: 3d, after: [design], assign: [ops]}
  - {key: wrapup, duration: 1d, after: [mine, theirs]}
"""
"""Each cell's project: ``mine`` is assigned to ``dev``, the member's resource; ``theirs``
to ``ops``, linked to no one; the ``spare`` calendar and resource are not used."""


@dataclass
class World:
    """The users of one backend, and a client of an app on it."""

    db: Database
    client: TestClient
    users: dict[str, User]
    """By role: outsider, viewer, member, manager, owner, admin; and ``extra`` (a viewer
    of every project) and ``spare`` (on no project)."""
    hashes: dict[int, str]
    counter: Iterator[int] = field(default_factory=itertools.count)
    shared: Project | None = None
    """The project of the cells that cannot change it: reads, and refusals."""

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A service call as the project's owner, committed."""
        with transaction(self.db.sessions) as session:
            return fn(session, self.users["owner"].actor, *args, **kwargs)

    def audit_rows(self) -> int:
        """How many entries the audit log has."""
        with transaction(self.db.sessions) as session:
            return int(session.scalar(select(func.count()).select_from(AuditRecord)) or 0)


@pytest.fixture(scope="module")
def world(database_url: str) -> Iterator[World]:
    """Users with API tokens on one backend, made once for the module; emptied after."""
    engine = make_engine(database_url)
    db = Database(engine, session_factory(engine))
    app = create_app(settings_for(database_url))
    try:
        users = {
            role: make_user(db, f"{role}@matrix.test", admin=role == "admin")
            for role in ("outsider", "viewer", "member", "manager", "owner", "admin", "extra", "spare")
        }
        with transaction(db.sessions) as session:
            hashes = {u.id: session.get_one(UserRecord, u.id).password_hash for u in users.values()}
        yield World(db, TestClient(app), users, hashes)
    finally:
        wipe(db)
        engine.dispose()
        app.state.engine.dispose()


@dataclass
class Project:
    """A fresh project with the ids of what is in it."""

    id: int
    name: str
    version: int
    tasks: dict[str, dict[str, Any]]
    calendars: dict[str, dict[str, Any]]
    resources: dict[str, dict[str, Any]]
    links: dict[tuple[str, str], dict[str, Any]]
    assignments: dict[tuple[str, str], dict[str, Any]]
    comment_id: int


def new_project(world: World, owner: str = "owner") -> Project:
    """A project from :data:`PLAN` with every role on it, the member linked to ``dev``, and
    a comment of the owner's on ``theirs`` (one transaction: commits are what cost); with
    another ``owner``, a project of theirs alone."""
    users = world.users
    with transaction(world.db.sessions) as session:

        def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            return fn(session, users[owner].actor, *args, **kwargs)

        def listed(fn: Callable[..., Any]) -> list[dict[str, Any]]:
            return run(fn, pid)["items"]  # type: ignore[no-any-return]

        name = f"Matrix {next(world.counter)}"
        pid = run(projects.import_project, "matrix.yaml", PLAN, name=name)["project"]["id"]
        team = (("manager", "manager"), ("member", "member"), ("viewer", "viewer"), ("extra", "viewer"))
        for who, role in team if owner == "owner" else ():
            run(members.add_member, pid, MemberWrite(user_id=users[who].id, role=role))
        dev = next(r for r in listed(resources.list_resources) if r["key"] == "dev")
        run(resources.update_resource, pid, dev["id"], ResourceUpdate(user_id=users["member"].id, version=1))
        found = {t["key"]: t for t in listed(tasks.list_tasks)}
        comment = run(activity.add_comment, pid, found["theirs"]["id"], CommentCreate(body="by the owner"))
        return Project(
            id=pid,
            name=name,
            version=run(projects.get_project, pid)["version"],
            tasks=found,
            calendars={c["key"]: c for c in listed(calendars.list_calendars)},
            resources={r["key"]: r for r in listed(resources.list_resources)},
            links={(k["predecessor"], k["successor"]): k for k in listed(links.list_links)},
            assignments={(a["task"], a["resource"]): a for a in listed(resources.list_assignments)},
            comment_id=comment["id"],
        )


# ---------------------------------------------------------------------------- the requests
@dataclass
class Call:
    """A request to make: path parameters, query, body, and what to undo afterwards."""

    path: dict[str, int] = field(default_factory=dict)
    params: dict[str, Any] | None = None
    json: Any = None
    files: dict[str, Any] | None = None
    undo: Callable[[], None] | None = None


@dataclass
class Cell:
    """One role against one route, with its fresh project."""

    world: World
    role: str
    project: Project

    @property
    def user(self) -> User | None:
        """The caller (``None`` when anonymous)."""
        if self.role == "anonymous":
            return None
        return self.world.users["member" if self.role.startswith("member") else self.role]

    @property
    def task(self) -> dict[str, Any]:
        """The task the caller acts on: their own for ``member_assigned``, else someone else's."""
        return self.project.tasks["mine" if self.role == "member_assigned" else "theirs"]

    def at(self, **ids: int) -> dict[str, int]:
        """Path parameters in the project."""
        return {"project_id": self.project.id, **ids}

    def unique(self, stem: str) -> str:
        """A name no other cell uses."""
        return f"{stem}-{next(self.world.counter)}"


BUILDERS: dict[Route, Callable[[Cell], Call]] = {}


def builds(method: str, path: str) -> Callable[[Callable[[Cell], Call]], Callable[[Cell], Call]]:
    """Register the request for one route."""

    def register(fn: Callable[[Cell], Call]) -> Callable[[Cell], Call]:
        assert (method, API + path) not in BUILDERS
        BUILDERS[method, API + path] = fn
        return fn

    return register


# --- accounts
@builds("POST", "/auth/login")
def _login(c: Cell) -> Call:
    user = c.user or c.world.users["spare"]
    return Call(json={"email": user.email, "password": PASSWORD})


@builds("POST", "/auth/logout")
def _logout(c: Cell) -> Call:
    return Call()


@builds("GET", "/auth/me")
def _me(c: Cell) -> Call:
    return Call()


@builds("POST", "/auth/password")
def _password(c: Cell) -> Call:
    def restore() -> None:
        with transaction(c.world.db.sessions) as session:
            for user_id, hashed in c.world.hashes.items():
                session.get_one(UserRecord, user_id).password_hash = hashed

    return Call(json={"current_password": PASSWORD, "new_password": f"{PASSWORD} changed"}, undo=restore)


@builds("GET", "/tokens")
def _tokens(c: Cell) -> Call:
    return Call()


@builds("POST", "/tokens")
def _create_token(c: Cell) -> Call:
    return Call(json={"name": "matrix"})


@builds("DELETE", "/tokens/{token_id}")
def _revoke_token(c: Cell) -> Call:
    owner = c.user or c.world.users["spare"]
    with transaction(c.world.db.sessions) as session:
        token = auth.create_token(session, Actor(owner.id, False, owner.email), TokenCreate(name="to revoke"))
    return Call({"token_id": token["id"]})


@builds("GET", "/users")
def _users(c: Cell) -> Call:
    return Call(params={"q": "matrix"})


@builds("POST", "/users")
def _create_user(c: Cell) -> Call:
    return Call(json={"email": f"{c.unique('new')}@matrix.test", "password": PASSWORD})


@builds("PATCH", "/users/{user_id}")
def _update_user(c: Cell) -> Call:
    return Call({"user_id": c.world.users["spare"].id}, json={"name": c.unique("Spare")})


# --- projects
@builds("GET", "/projects")
def _projects(c: Cell) -> Call:
    return Call()


@builds("POST", "/projects")
def _create_project(c: Cell) -> Call:
    return Call(json={"name": "New", "start": "2027-03-01"})


@builds("POST", "/projects/import")
def _import(c: Cell) -> Call:
    return Call(files={"file": ("plan.yaml", PLAN)})


@builds("GET", "/projects/{project_id}")
def _project(c: Cell) -> Call:
    return Call(c.at())


@builds("PATCH", "/projects/{project_id}")
def _update_project(c: Cell) -> Call:
    return Call(c.at(), json={"description": "changed", "version": c.project.version})


@builds("DELETE", "/projects/{project_id}")
def _delete_project(c: Cell) -> Call:
    return Call(c.at(), params={"version": c.project.version})


@builds("GET", "/projects/{project_id}/export")
def _export(c: Cell) -> Call:
    return Call(c.at(), params={"format": "yaml"})


@builds("GET", "/projects/{project_id}/members")
def _members(c: Cell) -> Call:
    return Call(c.at())


@builds("POST", "/projects/{project_id}/members")
def _add_member(c: Cell) -> Call:
    return Call(c.at(), json={"user_id": c.world.users["spare"].id, "role": "viewer"})


@builds("PATCH", "/projects/{project_id}/members/{user_id}")
def _update_member(c: Cell) -> Call:
    return Call(c.at(user_id=c.world.users["extra"].id), json={"role": "member"})


@builds("DELETE", "/projects/{project_id}/members/{user_id}")
def _remove_member(c: Cell) -> Call:
    return Call(c.at(user_id=c.world.users["extra"].id))


@builds("GET", "/projects/{project_id}/audit")
def _audit(c: Cell) -> Call:
    return Call(c.at(), params={"entity": "task"})


# --- tasks and comments
@builds("GET", "/projects/{project_id}/tasks")
def _tasks(c: Cell) -> Call:
    return Call(c.at(), params={"q": "e"})


@builds("POST", "/projects/{project_id}/tasks")
def _create_task(c: Cell) -> Call:
    return Call(c.at(), json={"key": "new", "name": "A new task", "duration": "2d"})


@builds("GET", "/projects/{project_id}/tasks/{task_id}")
def _task(c: Cell) -> Call:
    return Call(c.at(task_id=c.task["id"]))


@builds("PATCH", "/projects/{project_id}/tasks/{task_id}")
def _update_task(c: Cell) -> Call:
    body = {"progress": "50%", "actual_start": "2027-03-03", "version": c.task["version"]}
    return Call(c.at(task_id=c.task["id"]), json=body)


@builds("DELETE", "/projects/{project_id}/tasks/{task_id}")
def _delete_task(c: Cell) -> Call:
    return Call(c.at(task_id=c.task["id"]), params={"version": c.task["version"]})


@builds("POST", "/projects/{project_id}/tasks/{task_id}/move")
def _move_task(c: Cell) -> Call:
    return Call(c.at(task_id=c.task["id"]), json={"step": "up", "version": c.task["version"]})


@builds("GET", "/projects/{project_id}/tasks/{task_id}/comments")
def _comments(c: Cell) -> Call:
    return Call(c.at(task_id=c.task["id"]))


@builds("POST", "/projects/{project_id}/tasks/{task_id}/comments")
def _add_comment(c: Cell) -> Call:
    return Call(c.at(task_id=c.task["id"]), json={"body": "a comment"})


@builds("DELETE", "/projects/{project_id}/comments/{comment_id}")
def _delete_comment(c: Cell) -> Call:
    return Call(c.at(comment_id=c.project.comment_id))  # the owner's


# --- dependencies, calendars, resources, assignments
def _entity_routes(
    path: str, create: Callable[[Cell], Any], item: Callable[[Cell], dict[str, Any]], change: Any
) -> None:
    base, one = f"/projects/{{project_id}}/{path}", f"/projects/{{project_id}}/{path}/{{item_id}}"
    builds("GET", base)(lambda c: Call(c.at()))
    builds("POST", base)(lambda c: Call(c.at(), json=create(c)))
    builds("GET", one)(lambda c: Call(c.at(item_id=item(c)["id"])))
    builds("PATCH", one)(lambda c: Call(c.at(item_id=item(c)["id"]), json={**change, "version": item(c)["version"]}))
    builds("DELETE", one)(lambda c: Call(c.at(item_id=item(c)["id"]), params={"version": item(c)["version"]}))


_entity_routes(
    "dependencies",
    lambda c: {"predecessor_id": c.project.tasks["design"]["id"], "successor_id": c.project.tasks["wrapup"]["id"]},
    lambda c: c.project.links["design", "mine"],
    {"type": "SS", "lag": "1d"},
)
_entity_routes(
    "calendars", lambda c: {"key": "extra", "base": "standard"}, lambda c: c.project.calendars["spare"], {"name": "S"}
)
_entity_routes(
    "resources", lambda c: {"key": "extra", "name": "Extra"}, lambda c: c.project.resources["spare"], {"name": "S"}
)
_entity_routes(
    "assignments",
    lambda c: {"task_id": c.project.tasks["design"]["id"], "resource_id": c.project.resources["spare"]["id"]},
    lambda c: c.project.assignments["theirs", "ops"],
    {"units": "50%"},
)


# --- scheduling
@builds("GET", "/projects/{project_id}/schedule")
def _schedule(c: Cell) -> Call:
    return Call(c.at())


@builds("POST", "/projects/{project_id}/schedule")
def _run_schedule(c: Cell) -> Call:
    return Call(c.at())


@builds("GET", "/projects/{project_id}/level")
def _levelled(c: Cell) -> Call:
    c.world.run(scheduling.level_project, c.project.id, LevelRequest(schedules=10))
    return Call(c.at())


@builds("POST", "/projects/{project_id}/level")
def _level(c: Cell) -> Call:
    return Call(c.at(), json={"schedules": 10})


@builds("POST", "/projects/{project_id}/level/jobs")
def _level_job(c: Cell) -> Call:
    return Call(c.at(), json={"schedules": 10})


def _a_job(c: Cell) -> int:
    """A levelling job of the cell's project, queued (no worker runs it here)."""
    try:
        return int(c.world.run(jobs.start_levelling, c.project.id, LevelRequest(schedules=10))["id"])
    except ConflictError as exc:  # the shared project's, made by an earlier cell
        return int((exc.current or {})["id"])


@builds("GET", "/jobs/{job_id}")
def _job(c: Cell) -> Call:
    return Call({"job_id": _a_job(c)})


@builds("POST", "/jobs/{job_id}/cancel")
def _cancel_job(c: Cell) -> Call:
    return Call({"job_id": _a_job(c)})


# ---------------------------------------------------------------------------- the tests
def served_routes(app: FastAPI) -> set[Route]:
    """Every (method, path) the app answers, from its routes and its OpenAPI document."""
    found: set[Route] = set()
    flatten = getattr(fastapi_routing, "iter_route_contexts", list)  # FastAPI 0.165 nests included routers
    for route in flatten(app.routes):
        methods = getattr(route, "methods", None) or ()
        found.update((m, route.path) for m in methods if m not in ("HEAD", "OPTIONS"))
    for path, operations in app.openapi()["paths"].items():
        found.update((m.upper(), path) for m in operations)
    return {(m, p) for m, p in found if p not in UNLISTED}


def test_every_route_has_expectations() -> None:
    """A new endpoint fails here until the table says who may call it."""
    app = create_app(settings_for("sqlite://"))
    served = served_routes(app)
    app.state.engine.dispose()
    assert len(served) > 50
    assert sorted(served - set(EXPECTED)) == [], "routes without a row in TABLE"
    assert sorted(set(EXPECTED) - served) == [], "rows in TABLE for routes the app does not have"
    assert set(BUILDERS) == set(EXPECTED)


def send(world: World, method: str, path: str, user: User | None, call: Call) -> Any:
    """Make the request as ``user`` (no cookies: the API token or nothing)."""
    world.client.cookies.clear()
    url = path.format(**call.path)
    headers = user.headers if user else {}
    return world.client.request(method, url, params=call.params, json=call.json, files=call.files, headers=headers)


CELLS = [
    pytest.param(route, role, id=f"{route[0]} {route[1].removeprefix(API)} as {role}")
    for route in EXPECTED
    for role in ROLES
]


@pytest.mark.parametrize(("route", "role"), CELLS)
def test_matrix(world: World, route: Route, role: str) -> None:
    """One cell of the table."""
    method, path = route
    expected = EXPECTED[route][role]
    if expected == "2xx" and method != "GET" and "{project_id}" in path:
        project = new_project(world)
    else:
        world.shared = world.shared or new_project(world)
        project = world.shared
    cell = Cell(world, role, project)
    call = BUILDERS[route](cell)
    audited = world.audit_rows()
    try:
        reply = send(world, method, path, cell.user, call)
    finally:
        if call.undo is not None:
            call.undo()
    if expected == "2xx":
        assert 200 <= reply.status_code < 300, reply.text
        return
    assert reply.status_code == int(expected), reply.text
    assert reply.json()["code"] == ERROR_CODES[expected]
    assert world.audit_rows() == audited, "a refused request changed something"
    if role == "outsider" and "project_id" in call.path:  # a hidden project looks like a missing one
        elsewhere = replace(call, path={**call.path, "project_id": cell.project.id + 10_000})
        missing = send(world, method, path, cell.user, elsewhere)
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


ITEM_ROUTES = [
    pytest.param(route, id=f"{route[0]} {route[1].removeprefix(API)}")
    for route in EXPECTED
    if route[1].startswith(f"{API}/projects/{{project_id}}/")
    and set(re.findall(r"\{(\w+)\}", route[1])) - {"project_id", "user_id"}  # names an object of the project
]


@pytest.mark.parametrize("route", ITEM_ROUTES)
def test_objects_of_another_project_are_not_found(world: World, route: Route) -> None:
    """The owner of one project names a task, comment, link... of another project (of
    someone else's) under their own: not found, and nothing changes there."""
    method, path = route
    world.shared = world.shared or new_project(world)
    elsewhere = new_project(world, owner="spare")
    call = BUILDERS[route](Cell(world, "owner", elsewhere))
    call = replace(call, path={**call.path, "project_id": world.shared.id})
    audited = world.audit_rows()
    reply = send(world, method, path, world.users["owner"], call)
    assert reply.status_code == 404, reply.text
    assert reply.json()["code"] == "not_found"
    assert world.audit_rows() == audited


def test_references_to_another_projects_objects_are_refused(world: World) -> None:
    """A body naming tasks or resources of someone else's project is refused."""
    world.shared = world.shared or new_project(world)
    here, there = world.shared, new_project(world, owner="spare")
    base = f"{API}/projects/{here.id}"
    design, alien = here.tasks["design"], there.tasks["design"]["id"]
    owner = world.users["owner"]
    world.client.cookies.clear()
    for url, body in (
        ("/dependencies", {"predecessor_id": alien, "successor_id": here.tasks["wrapup"]["id"]}),
        ("/dependencies", {"predecessor_id": design["id"], "successor_id": alien}),
        ("/assignments", {"task_id": alien, "resource_id": here.resources["spare"]["id"]}),
        ("/assignments", {"task_id": design["id"], "resource_id": there.resources["spare"]["id"]}),
        ("/tasks", {"key": "stray", "duration": "1d", "parent_id": alien}),
        (f"/tasks/{design['id']}/move", {"parent_id": alien, "version": design["version"]}),
    ):
        audited = world.audit_rows()
        reply = world.client.post(base + url, json=body, headers=owner.headers)
        assert reply.status_code in (404, 422), (url, body, reply.text)
        assert world.audit_rows() == audited


# ---------------------------------------------------------------------------- the rules' details
def test_member_reports_only_progress_on_their_task(world: World) -> None:
    """A member's own task: progress fields yes, the plan's fields no."""
    project = new_project(world)
    member = world.users["member"]
    mine = project.tasks["mine"]
    url = f"{API}/projects/{project.id}/tasks/{mine['id']}"
    world.client.cookies.clear()
    for body in ({"name": "Renamed"}, {"duration": "9d"}, {"progress": "10%", "notes": "sneaky"}):
        reply = world.client.patch(url, json={**body, "version": mine["version"]}, headers=member.headers)
        assert reply.status_code == 403, body
        assert reply.json()["code"] == "permission_denied"
    body = {"progress": "100%", "actual_start": "2027-03-03", "actual_finish": "2027-03-05", "version": 1}
    reply = world.client.patch(url, json=body, headers=member.headers)
    assert reply.status_code == 200, reply.text
    assert reply.json()["progress"] == "100%"
    assert reply.json()["name"] == mine["name"]


def test_member_linked_by_email_reports_progress(world: World) -> None:
    """A resource with the member's e-mail (and no user) counts as theirs."""
    project = new_project(world)
    member = world.users["member"]
    resource = world.run(resources.create_resource, project.id, ResourceCreate(key="mail", email=member.email.upper()))
    task = world.run(tasks.create_task, project.id, TaskCreate(key="mailed", duration="1d"))
    world.run(resources.create_assignment, project.id, AssignmentCreate(task_id=task["id"], resource_id=resource["id"]))
    world.client.cookies.clear()
    reply = world.client.patch(
        f"{API}/projects/{project.id}/tasks/{task['id']}",
        json={"progress": "20%", "version": 1},
        headers=member.headers,
    )
    assert reply.status_code == 200, reply.text


def test_member_deletes_own_comment_only(world: World) -> None:
    """A member may delete their own comment, not the owner's."""
    project = new_project(world)
    member = world.users["member"]
    base = f"{API}/projects/{project.id}"
    world.client.cookies.clear()
    added = world.client.post(f"{base}/tasks/{project.tasks['mine']['id']}/comments", json={"body": "mine"},
                              headers=member.headers)  # fmt: skip
    assert added.status_code == 201, added.text
    assert world.client.delete(f"{base}/comments/{project.comment_id}", headers=member.headers).status_code == 403
    assert world.client.delete(f"{base}/comments/{added.json()['id']}", headers=member.headers).status_code == 204


def test_anyone_may_leave_a_project(world: World) -> None:
    """A viewer may take themselves off a project, which then disappears for them."""
    project = new_project(world)
    viewer = world.users["viewer"]
    world.client.cookies.clear()
    base = f"{API}/projects/{project.id}"
    assert world.client.delete(f"{base}/members/{viewer.id}", headers=viewer.headers).status_code == 204
    assert world.client.get(base, headers=viewer.headers).status_code == 404


def test_project_lists_show_only_ones_projects(world: World) -> None:
    """Non-members do not see a project in their list; an admin sees every project."""
    project = new_project(world)
    world.client.cookies.clear()

    def listed(role: str) -> set[int]:
        params = {"q": project.name}
        reply = world.client.get(f"{API}/projects", params=params, headers=world.users[role].headers)
        assert reply.status_code == 200, reply.text
        return {p["id"] for p in reply.json()["items"]}

    assert project.id not in listed("outsider")
    assert project.id in listed("viewer")
    assert project.id in listed("admin")
