"""Databases, apps and users for the storage, service and API tests.

Every such test runs on SQLite and, when ``MILEPOST_TEST_DATABASE_URL`` names a
PostgreSQL database, on PostgreSQL too (each run in a schema of its own, dropped at the
end).  In CI (``CI=true``) a missing PostgreSQL is a failure, not a skip.  The schema is
built by the real migrations; between tests every table is emptied.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from milepost.api.app import create_app
from milepost.config import Settings
from milepost.services import accounts, auth
from milepost.services.access import Actor
from milepost.services.workspace import Database
from milepost.storage import migrate
from milepost.storage.backup import tables
from milepost.storage.db import make_engine, session_factory, transaction

PG_ENV = "MILEPOST_TEST_DATABASE_URL"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PASSWORD = "a good long password"


def in_ci() -> bool:
    """Whether this is the CI run (where every backend must be there)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_url() -> str | None:
    """The PostgreSQL database for tests, if any (fails in CI when there is none)."""
    url = os.environ.get(PG_ENV)
    if not url and in_ci():
        pytest.fail(f"{PG_ENV} is not set: CI must run the PostgreSQL tests (.ci/run sets it)")
    return url or None


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database of each backend for the whole test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'milepost.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
        return
    base = postgres_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    with postgres_schema(base) as url:
        yield url


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A migrated, empty schema of its own in the PostgreSQL database ``base`` (dropped after)."""
    schema = f"mp_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def wipe(db: Database) -> None:
    """Empty every table (DELETE: far quicker than TRUNCATE on the small tables of a test)."""
    with db.engine.begin() as connection:
        for table in reversed(tables()):
            connection.execute(table.delete())


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing() -> Iterator[None]:
    """Argon2id with small costs, so that tests making many users stay quick (the hash is
    still Argon2id; production uses argon2-cffi's recommended costs)."""
    saved = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = saved


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The test database, emptied after the test."""
    engine = make_engine(database_url)
    database = Database(engine, session_factory(engine))
    try:
        yield database
    finally:
        wipe(database)
        engine.dispose()


def settings_for(url: str, **overrides: Any) -> Settings:
    """Settings for a test app on ``url``."""
    return Settings(database_url=url, secure_cookies=False, **overrides)


@pytest.fixture
def client(db: Database, database_url: str) -> Iterator[TestClient]:
    """A client of the API app on the test database."""
    app = create_app(settings_for(database_url))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@dataclass
class User:
    """A test user, with an API token and the headers that carry it."""

    id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """``Authorization: Bearer ...``"""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def actor(self) -> Actor:
        """The actor, for calling services directly."""
        return Actor(self.id, False, self.email)


def make_user(db: Database, email: str, *, admin: bool = False, name: str = "") -> User:
    """A user with a personal API token."""
    from milepost.schemas.accounts import TokenCreate

    with transaction(db.sessions) as session:
        user = accounts.add_user(session, email, PASSWORD, name=name or email.split("@")[0], is_admin=admin)
        token = auth.create_token(session, auth.actor_of(user), TokenCreate(name="tests"))["token"]
        return User(user.id, user.email, token)


def import_example(client: TestClient, user: User, name: str = "web-launch.yaml") -> dict[str, Any]:
    """Import an example plan through the API; returns the new project."""
    with (EXAMPLES / name).open("rb") as f:
        reply = client.post("/api/v1/projects/import", files={"file": (name, f)}, headers=user.headers)
    assert reply.status_code == 201, reply.text
    return reply.json()["project"]  # type: ignore[no-any-return]
