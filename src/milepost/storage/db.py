"""Connecting to the database: SQLite (embedded default) or PostgreSQL (psycopg 3).

SQLite runs in WAL mode with foreign keys on and a busy timeout, so a server and a
command-line backup can use one file at once.  The schema is built by the Alembic
migrations (:mod:`milepost.storage.migrate`), never by ``create_all``.  A value the
database cannot take (a number out of range, a NUL character on PostgreSQL) is invalid
input, not a server fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from milepost.errors import DatabaseUnavailableError, InvalidInputError, Problem

__all__ = [
    "Engine",
    "Session",
    "SessionFactory",
    "make_engine",
    "session_factory",
    "transaction",
]  # types for the layers above

SessionFactory = sessionmaker[Session]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with Milepost's connection settings."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "handle_error")
        def _out_of_range(context: ExceptionContext) -> None:
            # sqlite3 refuses an int beyond 64 bits with a bare OverflowError; PostgreSQL's
            # driver reports a number out of range as a DataError: make them alike.
            if isinstance(context.original_exception, OverflowError):
                raise DataError(context.statement, context.parameters, context.original_exception)

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def ping(engine: Engine) -> None:
    """Connect once, so that a wrong URL or a server that is down is reported clearly."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseUnavailableError(f"cannot open the database {where}: {reason}") from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed at the end, or rolled back on an error (the
    boundary: services flush, the command or request commits)."""
    session = factory()
    try:
        yield session
        session.commit()
    except DataError as exc:
        session.rollback()
        reason = next(iter(str(exc.orig).strip().splitlines()), "out of range")
        raise InvalidInputError(Problem("invalid_value", f"the database cannot take a value sent: {reason}")) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
