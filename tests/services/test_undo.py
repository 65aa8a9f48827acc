"""Undo takes back one's own change, and never someone else's later one."""

from __future__ import annotations

import pytest

from milepost.errors import ConflictError, NotFoundError
from milepost.schemas.links import LinkCreate
from milepost.schemas.projects import MemberWrite, ProjectCreate
from milepost.schemas.tasks import TaskCreate, TaskUpdate
from milepost.services import links, members, projects, tasks, undo
from milepost.services.workspace import Database
from milepost.storage import repository as repo
from milepost.storage.db import transaction
from tests.workspace import User, make_user


@pytest.fixture
def setup(db: Database) -> tuple[User, User, int, int, int]:
    olga, max_ = make_user(db, "olga@example.com"), make_user(db, "max@example.com")
    with transaction(db.sessions) as s:
        pid = projects.create_project(s, olga.actor, ProjectCreate(name="P", start="2027-03-01"))["id"]  # type: ignore[arg-type]
        members.add_member(s, olga.actor, pid, MemberWrite(user_id=max_.id, role="manager"))
        a = tasks.create_task(s, olga.actor, pid, TaskCreate(key="a", duration="2d"))["id"]  # type: ignore[arg-type]
        b = tasks.create_task(s, olga.actor, pid, TaskCreate(key="b", duration="1d"))["id"]  # type: ignore[arg-type]
    return olga, max_, pid, a, b


def last(db: Database, user: User, pid: int) -> int:
    with transaction(db.sessions) as s:
        found = repo.last_change(s, pid, user.id)
    assert found is not None
    return found


def test_an_update_is_put_back(db: Database, setup: tuple[User, User, int, int, int]) -> None:
    olga, _, pid, a, _ = setup
    with transaction(db.sessions) as s:
        tasks.update_task(s, olga.actor, pid, a, TaskUpdate(duration="5d", name="Longer", version=1))  # type: ignore[arg-type]
    with transaction(db.sessions) as s:
        undo.undo(s, olga.actor, pid, last(db, olga, pid))
    with transaction(db.sessions) as s:
        task = tasks.get_task(s, olga.actor, pid, a)
    assert (task["duration"], task["name"], task["version"]) == ("2d", "", 3)


def test_a_new_link_is_removed_and_a_deleted_one_comes_back(
    db: Database, setup: tuple[User, User, int, int, int]
) -> None:
    olga, _, pid, a, b = setup
    with transaction(db.sessions) as s:
        links.create_link(s, olga.actor, pid, LinkCreate(predecessor_id=a, successor_id=b, lag="+1d"))
    with transaction(db.sessions) as s:
        undo.undo(s, olga.actor, pid, last(db, olga, pid))
        assert links.list_links(s, olga.actor, pid)["total"] == 0
    with transaction(db.sessions) as s:
        undo.undo(s, olga.actor, pid, last(db, olga, pid))  # undo the undo: the link is back
        back = links.list_links(s, olga.actor, pid)["items"]
    assert [(x["predecessor"], x["successor"], x["lag"]) for x in back] == [("a", "b", "+1d")]


def test_someone_elses_later_change_is_never_overwritten(db: Database, setup: tuple[User, User, int, int, int]) -> None:
    olga, max_, pid, a, _ = setup
    with transaction(db.sessions) as s:
        tasks.update_task(s, olga.actor, pid, a, TaskUpdate(name="Olga's", version=1))  # type: ignore[arg-type]
    mine = last(db, olga, pid)
    with transaction(db.sessions) as s:
        tasks.update_task(s, max_.actor, pid, a, TaskUpdate(name="Max's", version=2))  # type: ignore[arg-type]
    with pytest.raises(ConflictError) as refused, transaction(db.sessions) as s:
        undo.undo(s, olga.actor, pid, mine)
    assert refused.value.code == "changed_since"
    with pytest.raises(NotFoundError), transaction(db.sessions) as s:
        undo.undo(s, max_.actor, pid, mine)  # not his change
    with transaction(db.sessions) as s:
        assert tasks.get_task(s, olga.actor, pid, a)["name"] == "Max's"
