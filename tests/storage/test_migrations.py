"""The migrations build exactly the schema of the records, and go down and up again, on
SQLite and PostgreSQL (the schema is built by migrations only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from milepost.services.workspace import Database
from milepost.storage import migrate
from milepost.storage.db import make_engine
from milepost.storage.models import Base
from tests.workspace import postgres_schema, postgres_url


def test_the_migrated_schema_is_the_schema_of_the_records(db: Database) -> None:
    assert migrate.current(db.engine) == migrate.head()
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


@contextmanager
def fresh(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of its own (its schema is changed by the test)."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        migrate.upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    base = postgres_url()
    if base is None:
        pytest.skip("the PostgreSQL migration test needs MILEPOST_TEST_DATABASE_URL")
    with postgres_schema(base) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_jobs_table_comes_and_goes_with_its_migration(backend: str, tmp_path: Path) -> None:
    with fresh(backend, tmp_path) as engine:
        assert "jobs" in inspect(engine).get_table_names()
        downgrade(engine, "0001")
        assert migrate.current(engine) == "0001"
        assert "jobs" not in inspect(engine).get_table_names()
        migrate.upgrade(engine)
        assert migrate.current(engine) == migrate.head()
        columns = {c["name"] for c in inspect(engine).get_columns("jobs")}
        assert {"project_id", "user_id", "kind", "status", "progress", "message", "cancel_requested", "params",
                "created_at", "started_at", "finished_at", "updated_at"} <= columns  # fmt: skip


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_one_active_job_per_project_ends_the_doubles_already_there(backend: str, tmp_path: Path) -> None:
    with fresh(backend, tmp_path) as engine:
        downgrade(engine, "0002")
        with engine.begin() as connection:
            connection.execute(text(WORKSPACE))
            connection.execute(text(PROJECT))
            for ident, status in ((1, "running"), (2, "queued"), (3, "done"), (4, "queued")):
                connection.execute(text(JOB), {"id": ident, "status": status, "kind": "level" if ident < 4 else "x"})
        migrate.upgrade(engine)
        with engine.connect() as connection:
            found = dict(connection.execute(text("SELECT id, status FROM jobs ORDER BY id")).all())
            assert found == {1: "running", 2: "failed", 3: "done", 4: "queued"}
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(JOB), {"id": 5, "status": "queued", "kind": "level"})
        with engine.begin() as connection:  # a finished one is no obstacle
            connection.execute(text(JOB), {"id": 6, "status": "cancelled", "kind": "level"})


WORKSPACE = "INSERT INTO workspaces (id, name, created_at) VALUES (100, 'w', '2026-11-22 00:00:00')"
PROJECT = (
    "INSERT INTO projects (id, workspace_id, name, anchor_date, from_finish, timezone, calendar, currency,"
    " hours_per_day, days_per_week, days_per_month, description, honor_constraints, version, revision, created_at)"
    " VALUES (7, 100, 'p', '2027-01-04 08:00:00', false, 'UTC', 'standard', 'USD', 8, 5, 20, '', true, 1, 1,"
    " '2026-11-22 00:00:00')"
)
JOB = (
    "INSERT INTO jobs (id, project_id, kind, status, progress, message, cancel_requested, params, created_at,"
    " updated_at) VALUES (:id, 7, :kind, :status, 0, '', false, '{}', '2026-11-22 00:00:00', '2026-11-22 00:00:00')"
)


def test_kept_results_are_compressed_with_lz4_on_postgresql(tmp_path: Path) -> None:
    with fresh("postgresql", tmp_path) as engine:
        query = text(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = 'result_cache'::regclass AND attname = 'body'"
        )
        with engine.connect() as connection:
            lz4 = connection.execute(text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                                          "WHERE name = 'default_toast_compression'")).scalar()  # fmt: skip
            assert connection.execute(query).scalar() == ("l" if lz4 else "")
        downgrade(engine, "0003")
        with engine.connect() as connection:
            assert connection.execute(query).scalar() in ("p", "")
