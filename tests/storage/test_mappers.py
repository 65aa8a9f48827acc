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
