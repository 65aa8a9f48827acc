"""Alembic migrations, run from Python: ``milepost db upgrade`` and the tests use these."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for ``url`` with Milepost's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


_LOCK = 7_413_950_211  # a PostgreSQL advisory lock: one server process migrates at a time


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the latest by default).  Server processes
    starting together on PostgreSQL take turns; the later ones find nothing to do."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current(engine: Engine) -> str | None:
    """The schema revision the database is at (``None`` before the first upgrade)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def current_of(connection: Session | Connection) -> str | None:
    """The schema revision, read through an open session or connection."""
    bound = connection.connection() if isinstance(connection, Session) else connection
    return MigrationContext.configure(bound).get_current_revision()


@functools.cache
def head() -> str:
    """The latest schema revision Milepost knows."""
    config = alembic_config("sqlite://")
    head_revision = ScriptDirectory.from_config(config).get_current_head()
    assert head_revision is not None
    return head_revision
