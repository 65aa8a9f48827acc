"""Backups: everything out in one snapshot, back in identical, on either database."""

from __future__ import annotations

import gzip
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import select

import milepost
from milepost.errors import ConflictError, InvalidInputError
from milepost.services.workspace import Database, backup_to, restore_from
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.backup import tables
from milepost.storage.db import make_engine, session_factory, transaction
from milepost.storage.models import TaskRecord
from tests.workspace import EXAMPLES, make_user, postgres_schema, postgres_url, wipe


def fill(db: Database) -> int:
    make_user(db, "olga@example.com", admin=True)
    project = milepost.load(EXAMPLES / "hardware-product.yaml")
    with transaction(db.sessions) as session:
        record = mappers.store(session, project, repo.default_workspace(session).id)
        top = repo.siblings(session, record.id, None)
        child = next(kids[0] for t in top if (kids := repo.siblings(session, record.id, t.id)))
        child.parent_id = top[-1].id  # a parent with a larger id than its child: restore must not mind
        return record.id


def everything(db: Database) -> dict[str, list[tuple[object, ...]]]:
    with db.engine.connect() as connection:
        return {
            t.name: [tuple(r) for r in connection.execute(select(t).order_by(*t.primary_key.columns))] for t in tables()
        }


def test_backup_and_restore_give_back_every_row(db: Database, tmp_path: Path) -> None:
    fill(db)
    before = everything(db)
    path = tmp_path / "workspace.jsonl.gz"
    counts = backup_to(db, path)
    assert counts["tasks"] == len(before["tasks"]) > 200
    with pytest.raises(ConflictError, match="--force"):
        restore_from(db, path)
    restore_from(db, path, force=True)
    assert everything(db) == before


def test_a_restored_workspace_keeps_working(db: Database, tmp_path: Path) -> None:
    pid = fill(db)
    path = tmp_path / "b.jsonl.gz"
    backup_to(db, path)
    wipe(db)
    restore_from(db, path)
    with transaction(db.sessions) as session:
        session.add(TaskRecord(project_id=pid, key="added-after-restore", position=999))
        loaded = mappers.load(session, repo.get(session, mappers.ProjectRecord, pid)).project
    assert "added-after-restore" in {t.key for t in loaded.tasks}


def test_a_backup_restores_into_the_other_kind_of_database(db: Database, tmp_path: Path) -> None:
    """The way a team moves from the embedded SQLite database to PostgreSQL (and back)."""
    fill(db)
    before = everything(db)
    path = tmp_path / "move.jsonl.gz"
    backup_to(db, path)
    with ExitStack() as stack:
        if db.engine.dialect.name == "sqlite":
            base = postgres_url()
            if base is None:
                pytest.skip("moving to PostgreSQL needs MILEPOST_TEST_DATABASE_URL")
            other_url = stack.enter_context(postgres_schema(base))
        else:
            other_url = f"sqlite:///{tmp_path / 'other.db'}"
        engine = make_engine(other_url)
        stack.callback(engine.dispose)
        other = Database(engine, session_factory(engine))
        restore_from(other, path)
        assert everything(other) == before


def test_a_damaged_or_foreign_file_is_refused(db: Database, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(InvalidInputError, match="not a Milepost backup"):
        restore_from(db, text)
    damaged = tmp_path / "damaged.jsonl.gz"
    backup_to(db, damaged)
    with gzip.open(damaged, "at") as out:
        out.write("{not json\n")
    with pytest.raises(InvalidInputError, match="damaged"):
        restore_from(db, damaged, force=True)
