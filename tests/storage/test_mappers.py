"""A plan stored in the database and read back is the same plan (and its plan file the same text)."""

from __future__ import annotations

from pathlib import Path

import pytest

import milepost
from milepost.io.planfile import dump_plan
from milepost.services.workspace import Database
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import transaction
from tests.workspace import EXAMPLES

PLANS = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_a_plan_stored_and_loaded_is_the_same_plan(db: Database, plan: Path) -> None:
    project = milepost.load(plan)
    with transaction(db.sessions) as session:
        ident = mappers.store(session, project, repo.default_workspace(session).id).id
    with transaction(db.sessions) as session:
        loaded = mappers.load(session, repo.get(session, mappers.ProjectRecord, ident)).project
    assert loaded == project
    assert dump_plan(loaded) == dump_plan(project)


def test_the_skeleton_holds_the_structure_only(db: Database) -> None:
    project = milepost.load(EXAMPLES / "web-launch.yaml")
    with transaction(db.sessions) as session:
        ident = mappers.store(session, project, repo.default_workspace(session).id).id
        skeleton = mappers.skeleton(session, ident)
    assert {t.key for t in skeleton.tasks} == {t.key for t in project.tasks}
    assert {(d.predecessor, d.successor, d.type) for d in skeleton.dependencies} == {
        (d.predecessor, d.successor, d.type) for d in project.dependencies
    }


def test_a_project_loaded_again_after_changes_shows_them(db: Database) -> None:
    """Loading reuses the tasks and links made from unchanged rows: a changed row, or a
    summary's new key (which changes its subtasks' full keys), must still show."""
    project = milepost.load(EXAMPLES / "web-launch.yaml")
    with transaction(db.sessions) as session:
        record = mappers.store(session, project, repo.default_workspace(session).id)
        ident = record.id
        first = mappers.load(session, record).project
    summary = next(t for t in first.tasks if t.key in first.children and t.parent is None)
    leaf = next(t for t in first.tasks if t.key not in first.children)
    with transaction(db.sessions) as session:
        loaded = mappers.load(session, repo.get(session, mappers.ProjectRecord, ident))
        repo.get(session, mappers.TaskRecord, loaded.task_ids[leaf.key]).duration_minutes += 480
        repo.get(session, mappers.TaskRecord, loaded.task_ids[summary.key]).key = "renamed"
    with transaction(db.sessions) as session:
        again = mappers.load(session, repo.get(session, mappers.ProjectRecord, ident)).project
    moved = {t.key.replace(summary.key, "renamed", 1) if t.key.startswith(summary.key) else t.key for t in first.tasks}
    assert {t.key for t in again.tasks} == moved
    assert again.task("renamed").name == summary.name
    new_key = leaf.key.replace(summary.key, "renamed", 1) if leaf.key.startswith(summary.key + ".") else leaf.key
    assert again.task(new_key).duration.minutes == leaf.duration.minutes + 480
    renamed_links = [
        d for d in again.dependencies if "renamed" in (d.predecessor.split(".")[0], d.successor.split(".")[0])
    ]
    assert renamed_links, "the summary's subtasks have links in the example"
    assert all(d.predecessor in {t.key for t in again.tasks} for d in again.dependencies)


def test_rows_with_unhashable_values_are_built_every_time() -> None:
    """A row the memo cannot hash (a JSON column's dict, say) is still converted."""
    from typing import Any, NamedTuple

    class LinkRow(NamedTuple):
        predecessor_id: int
        successor_id: int
        type: str
        lag_percent: float | None
        lag_minutes: int
        lag_unit: str
        lag_elapsed: bool
        extra: dict[str, Any]

    converted = mappers.Converted()
    row = LinkRow(1, 2, "FS", None, 480, "d", False, {"note": "unhashable"})
    first = converted.dependency(row, {1: "a", 2: "b"})  # type: ignore[arg-type]
    again = converted.dependency(row, {1: "a", 2: "b"})  # type: ignore[arg-type]
    assert (first.predecessor, first.successor, first.lag.minutes) == ("a", "b", 480)
    assert again == first
