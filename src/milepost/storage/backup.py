"""Backups: every row of every table in one gzip'd JSON-lines file, and back.

A backup is read inside one snapshot (a read transaction on SQLite's WAL; REPEATABLE
READ on PostgreSQL), so it is consistent while the server keeps writing.  The format
does not depend on the database: a backup of the embedded SQLite database restores
into PostgreSQL, which is how a team moves to a shared server.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, DateTime, Engine, Table, delete, func, insert, select, text, update

from milepost.errors import ConflictError, InvalidInputError, Problem
from milepost.storage import migrate
from milepost.storage.clock import utcnow
from milepost.storage.models import Base

FORMAT = 1
BATCH = 1000


def tables() -> list[Table]:
    """The tables in dependency order (parents before the rows that refer to them)."""
    return list(Base.metadata.sorted_tables)


def write_backup(engine: Engine, path: Path) -> dict[str, int]:
    """Write the whole database to ``path``; returns the rows per table."""
    counts: dict[str, int] = {}
    with engine.connect() as connection, gzip.open(path, "wt", encoding="utf-8") as out:
        _snapshot(connection)
        revision = migrate.current_of(connection)
        header = {"milepost_backup": FORMAT, "schema": revision, "created_at": utcnow().isoformat()}
        out.write(json.dumps(header) + "\n")
        for table in tables():
            counts[table.name] = 0
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                out.write(json.dumps({"t": table.name, "r": {k: _plain(v) for k, v in row.items()}}) + "\n")
                counts[table.name] += 1
        connection.rollback()
    return counts


def _snapshot(connection: Connection) -> None:
    """Read everything that follows in one snapshot of the database."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
    else:
        connection.exec_driver_sql("BEGIN")  # the driver would not start a transaction for reads
    connection.execute(text("SELECT 1 FROM alembic_version")).all()  # the snapshot is taken at the first read


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def read_header(path: Path) -> dict[str, Any]:
    """The first line of a backup (what it is, its schema revision, when it was made)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            header = json.loads(source.readline())
    except (OSError, EOFError, ValueError) as exc:
        raise InvalidInputError(
            Problem("not_a_backup", f"{path} is not a Milepost backup ({exc})", file=str(path))
        ) from None
    if not isinstance(header, dict) or header.get("milepost_backup") != FORMAT:
        raise InvalidInputError(Problem("not_a_backup", f"{path} is not a Milepost backup", file=str(path)))
    return header


def restore_backup(engine: Engine, path: Path, *, force: bool = False) -> dict[str, int]:
    """Load a backup into a database at the same schema revision.  A database that holds
    data is only overwritten with ``force`` (everything in it is replaced)."""
    header = read_header(path)
    current = migrate.current(engine)
    if header["schema"] != current:
        raise ConflictError(
            f"the backup has schema {header['schema']}, the database {current or 'none'}: run  milepost db upgrade  "
            "(with the Milepost version that wrote the backup) first",
            code="schema_mismatch",
        )
    counts: dict[str, int] = {t.name: 0 for t in tables()}
    with engine.begin() as connection:
        present = sum(connection.execute(select(func.count()).select_from(t)).scalar() or 0 for t in tables())
        if present and not force:
            raise ConflictError(
                f"the database already holds {present} rows; restoring replaces all of them: add --force to do so",
                code="database_not_empty",
            )
        for table in reversed(tables()):
            connection.execute(delete(table))
        with gzip.open(path, "rt", encoding="utf-8") as source:
            source.readline()
            for table, rows in _batches(source):
                _insert(connection, table, rows)
                counts[table.name] += len(rows)
        _reset_sequences(connection)
    return counts


def _batches(source: IO[str]) -> Iterator[tuple[Table, list[dict[str, Any]]]]:
    by_name = {t.name: t for t in tables()}
    table: Table | None = None
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(source, start=2):
        try:
            item = json.loads(line)
            found = by_name[item["t"]]
        except (ValueError, KeyError, TypeError):
            raise InvalidInputError(Problem("damaged_backup", f"line {number} of the backup is damaged")) from None
        if found is not table or len(rows) >= BATCH:
            if table is not None and rows:
                yield table, rows
            table, rows = found, []
        rows.append(_typed(found, item["r"]))
    if table is not None and rows:
        yield table, rows


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if isinstance(value, str) and isinstance(column.type, DateTime):
            out[column.name] = datetime.fromisoformat(value)
    return out


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows; a column that refers to its own table (a task's parent) is filled in
    afterwards, so the order of the rows does not matter."""
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not own:
        connection.execute(insert(table), rows)
        return
    connection.execute(insert(table), [{**r, **dict.fromkeys(own)} for r in rows])
    key = next(iter(table.primary_key.columns))
    for row in rows:
        values = {name: row[name] for name in own if row.get(name) is not None}
        if values:
            connection.execute(update(table).where(key == row[key.name]).values(**values))


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: let new ids continue after the restored ones."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and keys[0].autoincrement in (True, "auto") and keys[0].type.python_type is int:
            name = table.name
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', '{keys[0].name}'), "
                    f"COALESCE((SELECT MAX({keys[0].name}) FROM {name}), 0) + 1, false)"
                )
            )
