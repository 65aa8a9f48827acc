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


def test_loading_again_from_changed_rows_equals_loading_every_row(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each kind of change, the project loaded again (from the rows that changed,
    where that is safe) is the project read from all of its rows."""
    from dataclasses import replace

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from milepost.domain.resource import Assignment, Resource
    from milepost.storage.models import AssignmentRecord, DependencyRecord, ResourceRecord, TaskRecord

    project = milepost.load(EXAMPLES / "hardware-product.yaml")
    leaves = [t.key for t in project.tasks if t.key not in project.children]
    project = replace(
        project,
        resources=(Resource(key="ana", name="Ana"), Resource(key="rig", name="Test rig")),
        assignments=tuple(Assignment(k, ("ana", "rig")[i % 2]) for i, k in enumerate(leaves[:20])),
    )
    with transaction(db.sessions) as session:
        ident = mappers.store(session, project, repo.default_workspace(session).id).id

    read_all = mappers.load_all
    every_row: list[int] = []
    monkeypatch.setattr(mappers, "load_all", lambda *a: every_row.append(1) or read_all(*a))

    def check(reads_all: bool = False) -> None:
        with transaction(db.sessions) as session:
            record = repo.get(session, mappers.ProjectRecord, ident)
            every_row.clear()
            again = mappers.load(session, record)
            assert bool(every_row) == reads_all, "read again from every row" if every_row else "from changed rows"
            fresh, _ = read_all(session, record)
        assert again.project == fresh.project
        assert (again.task_ids, again.task_keys, again.resource_ids) == (
            fresh.task_ids,
            fresh.task_keys,
            fresh.resource_ids,
        )

    def change(edit: object, reads_all: bool = False) -> None:
        with transaction(db.sessions) as session:
            loaded = mappers.load(session, repo.get(session, mappers.ProjectRecord, ident))
            edit(session, loaded)  # type: ignore[operator]
            repo.bump_revision(session, ident)
        check(reads_all)

    def task(session: Session, loaded: mappers.Loaded, n: int) -> TaskRecord:
        leaves = [t.key for t in loaded.project.tasks if t.key not in loaded.project.children]
        return repo.get(session, TaskRecord, loaded.task_ids[leaves[n]])

    check(reads_all=True)  # the first time
    change(lambda s, lo: setattr(task(s, lo, 3), "name", "Renamed in place"))
    change(lambda s, lo: setattr(task(s, lo, 5), "duration_minutes", 4321))
    change(lambda s, lo: (setattr(task(s, lo, 5), "priority", 900), setattr(task(s, lo, 7), "notes", "n")))
    change(lambda s, lo: setattr(task(s, lo, 9), "key", "new_key"), reads_all=True)  # its full key changes
    summary = next(t.key for t in project.tasks if project.children.get(t.key) and t.parent)
    change(
        lambda s, lo: setattr(repo.get(s, TaskRecord, lo.task_ids[summary]), "key", "new_summary_key"), reads_all=True
    )
    change(lambda s, lo: setattr(task(s, lo, 11), "parent_id", None), reads_all=True)  # moved in the WBS
    change(lambda s, lo: repo.renumber(s, list(reversed(repo.siblings(s, ident, None)))), reads_all=True)
    change(lambda s, lo: s.delete(task(s, lo, 2)), reads_all=True)
    change(
        lambda s, lo: s.delete(s.scalars(select(DependencyRecord).where(DependencyRecord.project_id == ident)).first()),
        reads_all=True,
    )
    change(
        lambda s, lo: setattr(
            s.scalars(select(DependencyRecord).where(DependencyRecord.project_id == ident)).first(), "lag_minutes", 960
        ),
        reads_all=True,
    )
    change(
        lambda s, lo: setattr(
            s.scalars(select(ResourceRecord).where(ResourceRecord.project_id == ident)).first(), "max_units", 3.0
        )
    )
    change(
        lambda s, lo: s.delete(s.scalars(select(AssignmentRecord).where(AssignmentRecord.project_id == ident)).first())
    )
    change(lambda s, lo: setattr(s.get(mappers.ProjectRecord, ident), "name", "Renamed project"))
