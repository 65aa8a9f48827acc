"""The repository's kept results: one per project and kind, never replaced by an older one."""

from __future__ import annotations

import milepost
from milepost.services.workspace import Database
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import transaction
from tests.workspace import EXAMPLES


def test_a_kept_result_is_read_at_its_revision_and_never_replaced_by_an_older_one(db: Database) -> None:
    project = milepost.load(EXAMPLES / "web-launch.yaml")
    with transaction(db.sessions) as session:
        pid = mappers.store(session, project, repo.default_workspace(session).id).id
    with transaction(db.sessions) as session:
        assert repo.result_body(session, pid, "schedule", 1) is None
        repo.store_result(session, pid, "schedule", 5, "", "five")
    with transaction(db.sessions) as session:
        repo.store_result(session, pid, "schedule", 3, "", "three")  # a slower process, an older revision
        repo.store_result(session, pid, "level", 4, "p", "levelled")
    with transaction(db.sessions) as session:
        assert repo.result_body(session, pid, "schedule", 5) == "five"
        assert repo.result_body(session, pid, "schedule", 3) is None
        assert repo.result_body(session, pid, "level", 4, "p") == "levelled"
        assert repo.result_body(session, pid, "level", 4, "other parameters") is None
        repo.store_result(session, pid, "schedule", 7, "", "seven")
    with transaction(db.sessions) as session:
        assert repo.result_body(session, pid, "schedule", 7) == "seven"
        assert repo.result_body(session, pid, "schedule", 5) is None
