"""Hostile input and the sign-in machinery.

* SQL in query parameters, path ids and body text is data: refused with 422, or stored
  and read back exactly as sent; never a 500, and every table is still there afterwards.
* Bodies over the size limit get 413 with the JSON error body, however they are sent.
* A browser session needs its CSRF token for every change.
* Failed sign-ins are limited per e-mail and per client, counted in the database.
* Passwords are Argon2id hashes and API tokens SHA-256 digests: no secret is stored.
* The first admin's one-time password must be changed before anything else.
* Error replies are JSON without tracebacks; user text comes back as JSON data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select, text

from milepost.api.app import create_app
from milepost.services import accounts
from milepost.services import projects as project_service
from milepost.services.workspace import Database
from milepost.storage.backup import tables
from milepost.storage.db import transaction
from tests.workspace import PASSWORD, User, make_user, settings_for

API = "/api/v1"
PLAN = b"""\
milepost: 1
project: {name: Security, start: 2027-03-01}
resources:
  - {key: dev}
tasks:
  - {key: alpha, name: Plain words, duration: 2d, assign: [dev]}
  - {key: beta, name: Another task, duration: 3d, after: [alpha]}
"""

PAYLOADS = {
    "drop-table": "'; DROP TABLE tasks; --",
    "or-true": "1 OR 1=1",
    "quoted-or": "' OR '1'='1",
    "union": "x' UNION SELECT password_hash, email FROM users --",
    "like-wildcards": "%_%",
    "backslashes": "\\'\\\"\\\\ \\x00",
    "unicode": "Zoë ✓ 漢字 🚀 \u202eevil\u200b",
    "nul": "a\x00b",
    "script": "<script>alert(document.cookie)</script>",
}
PAYLOAD_PARAMS = [pytest.param(v, id=k) for k, v in PAYLOADS.items()]


# ---------------------------------------------------------------------------- helpers
def row_counts(db: Database) -> dict[str, int]:
    """The number of rows of every table (fails if one is gone)."""
    with transaction(db.sessions) as session:
        return {t.name: int(session.scalar(select(func.count()).select_from(t)) or 0) for t in tables()}


def all_rows_text(db: Database, *names: str) -> str:
    """Every value of every row of the tables named (all tables by default), as text."""
    chosen = [t for t in tables() if not names or t.name in names]
    with transaction(db.sessions) as session:
        return "\n".join(repr(tuple(row)) for t in chosen for row in session.execute(select(t)))


def new_project(client: TestClient, user: User) -> int:
    """A small project of the user's."""
    reply = client.post(f"{API}/projects/import", files={"file": ("plan.yaml", PLAN)}, headers=user.headers)
    assert reply.status_code == 201, reply.text
    return reply.json()["project"]["id"]  # type: ignore[no-any-return]


def assert_clean_error(reply: Response, status: int | tuple[int, ...]) -> dict[str, Any]:
    """A JSON error reply with the status, a code and a message, and no traceback."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert reply.status_code in statuses, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert isinstance(body["code"], str)
    assert isinstance(body["message"], str)
    assert body["code"]
    assert body["message"]
    for leak in ("Traceback", 'File "', "sqlalchemy", "psycopg", "sqlite3", ".py"):
        assert leak not in reply.text, reply.text
    return body  # type: ignore[no-any-return]


def stored(reply: Response, status: int, payload: str) -> bool:
    """Whether the text was accepted (``status``); else it must be a clean 422, and only
    for a NUL, which PostgreSQL cannot store in text."""
    if reply.status_code == status:
        return True
    body = assert_clean_error(reply, 422)
    assert "\x00" in payload, reply.text
    assert body["code"] == "invalid_value"
    return False


@pytest.fixture
def owner(db: Database) -> User:
    """A workspace admin (so that user names can be changed too)."""
    return make_user(db, "owner@security.test", admin=True)


# ---------------------------------------------------------------------------- SQL injection
@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_body_text_is_stored_verbatim(client: TestClient, db: Database, owner: User, payload: str) -> None:
    """Free text in bodies comes back exactly as sent (or a NUL is refused cleanly)."""
    pid = new_project(client, owner)
    base, h = f"{API}/projects/{pid}", owner.headers
    before = row_counts(db)

    task = client.post(
        f"{base}/tasks",
        json={"key": "t", "name": payload, "notes": payload, "duration": "1d", "external_id": payload},
        headers=h,
    )
    task_stored = stored(task, 201, payload)
    if task_stored:
        read = client.get(f"{base}/tasks/{task.json()['id']}", headers=h).json()
        assert (read["name"], read["notes"], read["external_id"]) == (payload, payload, payload)
        found = client.get(f"{base}/tasks", params={"parent": "top"}, headers=h).json()["items"]
        assert [t["name"] for t in found if t["key"] == "t"] == [payload]
    alpha = client.get(f"{base}/tasks", params={"q": "alpha"}, headers=h).json()["items"][0]

    comment = client.post(f"{base}/tasks/{alpha['id']}/comments", json={"body": payload}, headers=h)
    if stored(comment, 201, payload):
        listed = client.get(f"{base}/tasks/{alpha['id']}/comments", headers=h).json()["items"]
        assert [c["body"] for c in listed] == [payload]

    changed = client.patch(base, json={"name": payload, "description": payload, "version": 1}, headers=h)
    if stored(changed, 200, payload):
        read = client.get(base, headers=h).json()
        assert (read["name"], read["settings"]["description"]) == (payload, payload)

    resource = client.post(f"{base}/resources", json={"key": "r", "name": payload, "notes": payload}, headers=h)
    if stored(resource, 201, payload):
        read = client.get(f"{base}/resources/{resource.json()['id']}", headers=h).json()
        assert (read["definition"]["name"], read["definition"]["notes"]) == (payload, payload)

    calendar = client.post(f"{base}/calendars", json={"key": "c", "name": payload}, headers=h)
    if stored(calendar, 201, payload):
        read = client.get(f"{base}/calendars/{calendar.json()['id']}", headers=h).json()
        assert read["definition"]["name"] == payload

    token = client.post(f"{API}/tokens", json={"name": payload}, headers=h)
    if stored(token, 201, payload):
        assert payload in [t["name"] for t in client.get(f"{API}/tokens", headers=h).json()]

    user = client.post(
        f"{API}/users", json={"email": "new@security.test", "name": payload, "password": PASSWORD}, headers=h
    )
    user_stored = stored(user, 201, payload)
    renamed = client.patch(f"{API}/users/{owner.id}", json={"name": payload}, headers=h)
    if stored(renamed, 200, payload):
        assert client.get(f"{API}/auth/me", headers=h).json()["name"] == payload

    after = row_counts(db)  # every table is still there
    assert set(after) == set(before)
    assert after["tasks"] == before["tasks"] + task_stored
    assert after["users"] == before["users"] + user_stored
    assert client.get(f"{base}/tasks", headers=h).json()["total"] == 2 + task_stored


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_search_terms_are_data(client: TestClient, db: Database, owner: User, payload: str) -> None:
    """``q=`` and other text filters find what contains the text, literally, and nothing
    else (no SQL, no LIKE wildcards); a NUL is refused."""
    pid = new_project(client, owner)
    base, h = f"{API}/projects/{pid}", owner.headers
    named = client.post(f"{base}/tasks", json={"key": "named", "name": f"x{payload}y", "duration": "1d"}, headers=h)
    named_stored = stored(named, 201, payload)
    before = row_counts(db)

    def contains(*values: str) -> bool:
        return any(payload.lower() in v.lower() for v in values)

    for url, fields in (
        (f"{base}/tasks", ("key", "name")),
        (f"{API}/projects", ("name",)),
        (f"{API}/users", ("email", "name")),
    ):
        reply = client.get(url, params={"q": payload}, headers=h)
        if "\x00" in payload:
            problems = assert_clean_error(reply, 422)["problems"]
            assert [(p["code"], p["path"]) for p in problems] == [("string_pattern_mismatch", "query.q")]
            continue
        assert reply.status_code == 200, reply.text
        items = reply.json()["items"]
        assert all(contains(*(item[f] for f in fields)) for item in items), (url, items)
        if url.endswith("/tasks"):
            assert [t["key"] for t in items] == (["named"] if named_stored else [])
    audit = client.get(f"{base}/audit", params={"entity": payload}, headers=h)
    if audit.status_code == 200:
        assert audit.json()["items"] == []
    else:
        assert_clean_error(audit, 422)
    assert row_counts(db) == before


INVALID_NUMBERS = [
    pytest.param("GET", "/projects/{pid}/dependencies?task_id=1 OR 1=1", None, (422,), id="filter-or"),
    pytest.param("GET", "/projects/{pid}/assignments?resource_id=1;DROP TABLE tasks", None, (422,), id="filter-drop"),
    pytest.param("GET", "/projects/{pid}/tasks?parent=1 OR 1=1", None, (422,), id="parent-or"),
    pytest.param("GET", "/projects/{pid}/audit?entity_id=1' OR '1'='1", None, (422,), id="audit-or"),
    pytest.param("GET", "/projects/{pid}/tasks?limit=1;DROP TABLE tasks", None, (422,), id="limit-drop"),
    pytest.param("GET", "/projects/1 OR 1=1", None, (422,), id="path-or"),
    pytest.param("GET", "/projects/{pid}/tasks/1'; DROP TABLE tasks; --", None, (422,), id="path-drop"),
    pytest.param("GET", "/projects/{pid}/tasks/1%00", None, (422,), id="path-nul"),
    pytest.param("GET", "/projects/{pid}/tasks/\u0661", None, (422,), id="path-arabic-digit"),
    pytest.param("GET", "/projects/-1", None, (404,), id="path-negative"),
    pytest.param("GET", "/projects/2147483648", None, (404, 422), id="path-over-int32"),
    pytest.param("GET", "/projects/99999999999999999999", None, (404, 422), id="path-over-int64"),
    pytest.param("GET", "/projects/{pid}/tasks/99999999999999999999", None, (404, 422), id="task-over-int64"),
    pytest.param("DELETE", "/projects/{pid}/members/99999999999999999999", None, (404, 422), id="member-over-int64"),
    pytest.param(
        "GET", "/projects/{pid}/dependencies?task_id=99999999999999999999", None, (200, 422), id="filter-over-int64"
    ),
    pytest.param("DELETE", "/projects/{pid}?version=1 OR 1=1", None, (422,), id="version-or"),
    pytest.param(
        "POST",
        "/projects/{pid}/dependencies",
        {"predecessor_id": "1 OR 1=1", "successor_id": 1},
        (422,),
        id="body-id-or",
    ),
    pytest.param(
        "POST",
        "/projects/{pid}/dependencies",
        {"predecessor_id": 2**70, "successor_id": 2**70},
        (422,),
        id="body-id-over-int64",
    ),
    pytest.param("POST", "/projects/{pid}/members", {"user_id": 2**70, "role": "viewer"}, (422,), id="member-id-huge"),
    pytest.param(
        "POST",
        "/projects/{pid}/tasks",
        {"key": "x", "duration": "1d", "parent_id": 2**40},
        (404, 422),
        id="parent-id-huge",
    ),
    pytest.param(
        "POST", "/projects/{pid}/assignments", {"task_id": 2**63, "resource_id": 1}, (422,), id="assignment-id-huge"
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "statuses"), INVALID_NUMBERS)
def test_numbers_must_be_numbers(
    client: TestClient, db: Database, owner: User, method: str, path: str, body: Any, statuses: tuple[int, ...]
) -> None:
    """Ids, versions and numeric filters that are not (storable) numbers: 422 or 404, never a 500."""
    pid = new_project(client, owner)
    before = row_counts(db)
    reply = client.request(method, API + path.format(pid=pid), json=body, headers=owner.headers)
    if reply.status_code == 200:
        assert 200 in statuses
        assert reply.json()["items"] == []
    else:
        assert_clean_error(reply, statuses)
    assert row_counts(db) == before


# ---------------------------------------------------------------------------- sizes
@pytest.fixture
def small_app(db: Database, database_url: str) -> Iterator[TestClient]:
    """A client of an app that takes bodies of at most 10,000 bytes."""
    app = create_app(settings_for(database_url, max_body_bytes=10_000))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _chunks(data: bytes, size: int = 4096) -> Iterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at : at + size]


def _multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "milepost-test-boundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'
    return head.encode() + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("route", ["project", "import", "login"])
def test_oversized_bodies_get_413(small_app: TestClient, db: Database, route: str, chunked: bool) -> None:
    """A body over the limit is refused with 413 and the JSON error body, whether or not it
    says its length up front, and nothing is stored."""
    user = make_user(db, "big@security.test")
    padding = "x" * 20_000
    media = "application/json"
    if route == "project":
        url, data = "/projects", json.dumps({"name": "big", "description": padding, "start": "2027-03-01"}).encode()
    elif route == "import":
        url, (data, media) = "/projects/import", _multipart("plan.yaml", PLAN + f"# {padding}\n".encode())
    else:
        url, data = "/auth/login", json.dumps({"email": "big@security.test", "password": padding}).encode()
    before = row_counts(db)
    headers = {**user.headers, "Content-Type": media}
    reply = small_app.post(API + url, content=_chunks(data) if chunked else data, headers=headers)
    assert reply.request.headers.get("transfer-encoding") == ("chunked" if chunked else None)
    body = assert_clean_error(reply, 413)
    message = "the request body is larger than 10,000 bytes"
    assert body == {"code": "payload_too_large", "message": message, "problems": []}
    assert row_counts(db) == before


def test_body_within_the_limit_is_taken(small_app: TestClient, db: Database) -> None:
    """Just under the limit, chunked or not, a body is read as usual."""
    user = make_user(db, "small@security.test")
    data = b'{"name": "small", "start": "2027-03-01"}'
    for content in (data, _chunks(data, 8)):
        headers = {**user.headers, "Content-Type": "application/json"}
        reply = small_app.post(f"{API}/projects", content=content, headers=headers)
        assert reply.status_code == 201, reply.text


def test_import_over_the_import_limit_is_refused(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file within the body limit but over the import limit: 422 too_large, no project."""
    monkeypatch.setattr(project_service, "MAX_IMPORT_BYTES", 1_000)
    user = make_user(db, "importer@security.test")
    content = PLAN + b"#" * 2_000 + b"\n"
    reply = client.post(f"{API}/projects/import", files={"file": ("plan.yaml", content)}, headers=user.headers)
    assert assert_clean_error(reply, 422)["code"] == "too_large"
    assert row_counts(db)["projects"] == 0


@pytest.mark.parametrize("filename", ["..", "a/..", "/", "a\x00b.xml"], ids=["dotdot", "dir-dotdot", "root", "nul"])
def test_import_file_names_that_cannot_be_saved(client: TestClient, db: Database, filename: str) -> None:
    """A file name that names no file is refused with 422, not a server error."""
    user = make_user(db, "namer@security.test")
    data, media = _multipart(filename, b"<Project/>")
    reply = client.post(f"{API}/projects/import", content=data, headers={**user.headers, "Content-Type": media})
    assert assert_clean_error(reply, 422)["code"] == "invalid_file_name"


# ---------------------------------------------------------------------------- sessions and CSRF
def login(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    """Sign in with the browser session (the client keeps the cookie)."""
    return client.post(f"{API}/auth/login", json={"email": email, "password": password})


def test_cookie_session_changes_need_the_csrf_token(client: TestClient, db: Database) -> None:
    """With the session cookie, POST, PATCH and DELETE need X-CSRF-Token; GET does not."""
    user = make_user(db, "browser@security.test")
    signed = login(client, user.email)
    assert signed.status_code == 200, signed.text
    csrf = signed.json()["csrf_token"]
    cookie = signed.headers["set-cookie"].lower()
    assert "milepost_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    good, wrong = {"X-CSRF-Token": csrf}, {"X-CSRF-Token": csrf[:-2] + "xx"}
    new = {"name": "By cookie", "start": "2027-03-01"}

    for headers in ({}, wrong):
        refused = client.post(f"{API}/projects", json=new, headers=headers)
        assert assert_clean_error(refused, 403)["code"] == "csrf_failed"
    assert row_counts(db)["projects"] == 0
    made = client.post(f"{API}/projects", json=new, headers=good)
    assert made.status_code == 201, made.text
    url = f"{API}/projects/{made.json()['id']}"

    assert client.get(url).status_code == 200
    assert client.get(f"{API}/projects").json()["total"] == 1
    for headers in ({}, wrong):
        refused = client.patch(url, json={"description": "x", "version": 1}, headers=headers)
        assert assert_clean_error(refused, 403)["code"] == "csrf_failed"
        refused = client.delete(url, params={"version": 1}, headers=headers)
        assert assert_clean_error(refused, 403)["code"] == "csrf_failed"
    assert client.get(url).json()["version"] == 1
    assert client.patch(url, json={"description": "x", "version": 1}, headers=good).status_code == 200
    assert client.delete(url, params={"version": 2}, headers=good).status_code == 204
    assert client.get(url).status_code == 404

    assert assert_clean_error(client.post(f"{API}/auth/logout"), 403)["code"] == "csrf_failed"
    assert client.post(f"{API}/auth/logout", headers=good).status_code == 204
    assert assert_clean_error(client.get(f"{API}/auth/me"), 401)["code"] == "not_authenticated"


def test_api_tokens_need_no_csrf_token(client: TestClient, db: Database) -> None:
    """A bearer token is not sent by browsers on their own, so it needs no CSRF token."""
    user = make_user(db, "script@security.test")
    reply = client.post(f"{API}/projects", json={"name": "By token", "start": "2027-03-01"}, headers=user.headers)
    assert reply.status_code == 201, reply.text


# ---------------------------------------------------------------------------- sign-in limits
def test_failed_sign_ins_are_limited_across_servers(db: Database, database_url: str) -> None:
    """After ``login_attempts`` failures: 429 with Retry-After, even with the right password
    and on another server process (the count is in the database)."""
    make_user(db, "victim@security.test")
    first, second = (create_app(settings_for(database_url, login_attempts=3)) for _ in range(2))
    try:
        with TestClient(first) as one, TestClient(second) as two:
            for _ in range(3):
                wrong = login(one, "victim@security.test", "not the password")
                assert assert_clean_error(wrong, 401)["code"] == "not_authenticated"
            for client, password in ((one, "not the password"), (one, PASSWORD), (two, PASSWORD)):
                limited = login(client, "VICTIM@security.test ", password)
                assert assert_clean_error(limited, 429)["code"] == "too_many_attempts"
                assert int(limited.headers["Retry-After"]) > 0
                assert "milepost_session" not in limited.cookies
    finally:
        first.state.engine.dispose()
        second.state.engine.dispose()
    with transaction(db.sessions) as session:
        keys = set(session.scalars(text("SELECT key FROM login_attempts")))
    assert keys == {"email:victim@security.test", "client:testclient"}


def test_failed_sign_ins_are_limited_per_client(db: Database, database_url: str) -> None:
    """Guessing across many e-mails from one client is limited too."""
    make_user(db, "someone@security.test")
    app = create_app(settings_for(database_url, login_attempts=3))
    try:
        with TestClient(app) as client:
            for n in range(3):
                assert login(client, f"guess{n}@security.test", "password123").status_code == 401
            assert login(client, "someone@security.test").status_code == 429
    finally:
        app.state.engine.dispose()


def test_a_good_sign_in_clears_the_email_count(db: Database, database_url: str) -> None:
    """Failures under the limit are forgotten for the e-mail once its owner signs in."""
    make_user(db, "forgetful@security.test")
    app = create_app(settings_for(database_url, login_attempts=3))
    try:
        with TestClient(app) as client:
            assert login(client, "forgetful@security.test", "wrong password").status_code == 401
            assert login(client, "forgetful@security.test").status_code == 200
        with transaction(db.sessions) as session:
            keys = set(session.scalars(text("SELECT key FROM login_attempts")))
        assert keys == {"client:testclient"}
    finally:
        app.state.engine.dispose()


# ---------------------------------------------------------------------------- stored secrets
def test_passwords_are_stored_as_argon2id_hashes(client: TestClient, db: Database) -> None:
    """Every password (set by the CLI, by an admin, by the user) is an Argon2id hash, and the
    password itself is nowhere in the database (not in the audit log either)."""
    admin = make_user(db, "admin@security.test", admin=True)
    chosen, changed = "the admin chose this one", "and then the user changed it"
    made = client.post(f"{API}/users", json={"email": "staff@security.test", "password": chosen}, headers=admin.headers)
    assert made.status_code == 201, made.text
    assert "hash" not in made.text
    assert chosen not in made.text
    assert login(client, "staff@security.test", "a wrong password guess").status_code == 401
    signed = login(client, "staff@security.test", chosen)
    assert signed.status_code == 200, signed.text
    body = {"current_password": chosen, "new_password": changed}
    reply = client.post(f"{API}/auth/password", json=body, headers={"X-CSRF-Token": signed.json()["csrf_token"]})
    assert reply.status_code == 200, reply.text

    with transaction(db.sessions) as session:
        hashes = list(session.scalars(text("SELECT password_hash FROM users")))
    assert len(hashes) == 2
    assert all(h.startswith("$argon2id$") for h in hashes), hashes
    everything = all_rows_text(db)
    for secret in (PASSWORD, chosen, changed, "a wrong password guess"):
        assert secret not in everything


def test_api_tokens_are_stored_as_digests(client: TestClient, db: Database) -> None:
    """A token's secret is shown once and stored only as its SHA-256; the session cookie too."""
    user = make_user(db, "tokens@security.test")
    created = client.post(f"{API}/tokens", json={"name": "CI"}, headers=user.headers)
    assert created.status_code == 201, created.text
    secret = created.json()["token"]
    assert secret.startswith("mp_")
    assert len(secret) > 40
    assert client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert "token" not in client.get(f"{API}/tokens", headers=user.headers).json()[0]

    signed = login(client, user.email)
    cookie = signed.cookies["milepost_session"]
    everything = all_rows_text(db)
    for stored_secret in (secret, user.token, cookie):
        assert stored_secret not in everything
        assert stored_secret[12:] not in everything
    assert hashlib.sha256(secret.encode()).hexdigest() in all_rows_text(db, "api_tokens")
    assert hashlib.sha256(cookie.encode()).hexdigest() in all_rows_text(db, "login_sessions")


def test_revoked_token_is_refused(client: TestClient, db: Database) -> None:
    """A revoked token signs no one in, at once."""
    user = make_user(db, "revoker@security.test")
    created = client.post(f"{API}/tokens", json={"name": "short-lived"}, headers=user.headers).json()
    bearer = {"Authorization": f"Bearer {created['token']}"}
    assert client.get(f"{API}/projects", headers=bearer).status_code == 200
    assert client.delete(f"{API}/tokens/{created['id']}", headers=user.headers).status_code == 204
    refused = client.get(f"{API}/projects", headers=bearer)
    assert assert_clean_error(refused, 401)["code"] == "not_authenticated"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"{API}/projects", headers=user.headers).status_code == 200  # the others still work


def test_others_cannot_revoke_a_token(client: TestClient, db: Database) -> None:
    """Someone else's token is not found (not: forbidden)."""
    user, other = make_user(db, "mine@security.test"), make_user(db, "theirs@security.test", admin=True)
    token_id = client.get(f"{API}/tokens", headers=user.headers).json()[0]["id"]
    assert assert_clean_error(client.delete(f"{API}/tokens/{token_id}", headers=other.headers), 404)
    assert client.get(f"{API}/auth/me", headers=user.headers).status_code == 200


@pytest.mark.parametrize("header", ["Bearer mp_not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer ' OR '1'='1"])
def test_bad_credentials_are_refused(client: TestClient, db: Database, header: str) -> None:
    """Unknown tokens and other schemes: 401."""
    make_user(db, "someone@security.test")
    reply = client.get(f"{API}/projects", headers={"Authorization": header})
    assert assert_clean_error(reply, 401)["code"] == "not_authenticated"


def test_deactivated_users_are_signed_out_everywhere(client: TestClient, db: Database) -> None:
    """A deactivated user's token and session stop working, and they cannot sign in."""
    admin, user = make_user(db, "boss@security.test", admin=True), make_user(db, "leaver@security.test")
    browser = TestClient(client.app)
    assert login(browser, user.email).status_code == 200
    assert browser.get(f"{API}/auth/me").status_code == 200
    reply = client.patch(f"{API}/users/{user.id}", json={"active": False}, headers=admin.headers)
    assert reply.status_code == 200, reply.text
    assert assert_clean_error(client.get(f"{API}/auth/me", headers=user.headers), 401)["code"] == "not_authenticated"
    assert assert_clean_error(browser.get(f"{API}/auth/me"), 401)["code"] == "not_authenticated"
    assert assert_clean_error(login(client, user.email), 401)["code"] == "not_authenticated"


# ---------------------------------------------------------------------------- the first admin
def test_first_admin_must_change_the_one_time_password(client: TestClient, db: Database) -> None:
    """The first run's admin signs in with the printed one-time password, and can do nothing
    but read themselves, sign out or change it (403 password_change_required) until then."""
    with transaction(db.sessions) as session:
        first = accounts.ensure_first_admin(session)
    assert first is not None
    email, password = first
    with transaction(db.sessions) as session:
        assert accounts.ensure_first_admin(session) is None  # only on the first run

    signed = login(client, email, password)
    assert signed.status_code == 200, signed.text
    assert signed.json()["user"]["must_change_password"] is True
    csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
    assert client.get(f"{API}/auth/me").json()["email"] == email
    for method, url, body in (
        ("GET", "/projects", None),
        ("GET", "/users", None),
        ("POST", "/projects", {"name": "Too soon", "start": "2027-03-01"}),
        ("POST", "/tokens", {"name": "sneaky"}),
    ):
        refused = client.request(method, API + url, json=body, headers=csrf)
        assert assert_clean_error(refused, 403)["code"] == "password_change_required", url

    weak = client.post(
        f"{API}/auth/password", json={"current_password": password, "new_password": "short"}, headers=csrf
    )
    assert_clean_error(weak, 422)
    new = "a brand new admin password"
    changed = client.post(
        f"{API}/auth/password", json={"current_password": password, "new_password": new}, headers=csrf
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["must_change_password"] is False
    assert client.get(f"{API}/users").status_code == 200
    assert client.post(f"{API}/tokens", json={"name": "now"}, headers=csrf).status_code == 201

    client.cookies.clear()
    assert login(client, email, password).status_code == 401
    assert login(client, email, new).status_code == 200


# ---------------------------------------------------------------------------- replies
def test_user_text_comes_back_as_json_data(client: TestClient, db: Database) -> None:
    """Markup in user text is returned unchanged, as JSON (escaping is the web pages' job)."""
    user = make_user(db, "markup@security.test")
    pid = new_project(client, user)
    script = PAYLOADS["script"]
    made = client.post(
        f"{API}/projects/{pid}/tasks", json={"key": "x", "name": script, "duration": "1d"}, headers=user.headers
    )
    assert made.status_code == 201, made.text
    read = client.get(f"{API}/projects/{pid}/tasks/{made.json()['id']}", headers=user.headers)
    assert read.headers["content-type"] == "application/json"
    assert read.headers["x-content-type-options"] == "nosniff"
    assert read.json()["name"] == script
    assert script in read.text  # JSON text, not HTML-escaped
    schedule = client.get(f"{API}/projects/{pid}/schedule", headers=user.headers)
    assert schedule.headers["content-type"] == "application/json"


def test_error_replies_carry_no_traceback(client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of error reply is the JSON error body, and a server fault says nothing of
    what went wrong inside."""
    user = make_user(db, "errors@security.test")
    pid = new_project(client, user)
    h, base = user.headers, f"{API}/projects/{pid}"
    json_type = {**h, "Content-Type": "application/json"}
    task = f"{base}/tasks/{client.get(f'{base}/tasks', headers=h).json()['items'][0]['id']}"
    cases = [
        (client.get(f"{API}/nowhere", headers=h), 404),
        (client.put(f"{API}/projects", headers=h), 405),
        (client.get(f"{API}/projects"), 401),
        (client.get(f"{API}/users", headers=h), 403),
        (client.get(f"{API}/projects/{pid + 1}", headers=h), 404),
        (client.post(f"{API}/projects", content=b"{not json", headers=json_type), 422),
        (client.post(f"{API}/projects", json={"name": 3, "bogus": True}, headers=h), 422),
        (client.post(f"{base}/tasks", json={"key": "x", "duration": "soon"}, headers=h), 422),
        (client.patch(task, json={"name": "x"}, headers=h), 428),
        (client.patch(task, json={"name": "x", "version": 7}, headers=h), 409),
        (client.patch(task, json={"name": "x"}, headers={**h, "If-Match": "'; DROP TABLE tasks; --"}), 422),
        (client.post(f"{API}/projects/import", files={"file": ("x.xml", b"<Project")}, headers=h), 422),
    ]
    for reply, status in cases:
        assert_clean_error(reply, status)

    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret internals: /srv/milepost/db.py line 42")

    monkeypatch.setattr(project_service, "list_projects", fail)
    faulty = TestClient(client.app, raise_server_exceptions=False)
    reply = faulty.get(f"{API}/projects", headers=h)
    assert assert_clean_error(reply, 500)["code"] == "internal_error"
    assert "secret" not in reply.text
    assert "RuntimeError" not in reply.text
