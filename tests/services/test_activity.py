"""The audit log says what a task's update changed, in the plan file's words."""

from __future__ import annotations

from milepost.schemas.projects import ProjectCreate
from milepost.schemas.tasks import TaskCreate, TaskMove, TaskUpdate
from milepost.services import activity, projects, tasks
from milepost.services.workspace import Database
from milepost.storage.db import transaction
from tests.workspace import make_user


def test_a_task_update_lists_its_changes_in_plan_file_notation(db: Database) -> None:
    olga = make_user(db, "olga@example.com")
    with transaction(db.sessions) as s:
        pid = projects.create_project(s, olga.actor, ProjectCreate(name="P", start="2027-03-01"))["id"]  # type: ignore[arg-type]
        a = tasks.create_task(s, olga.actor, pid, TaskCreate(key="a", duration="2d"))["id"]  # type: ignore[arg-type]
        tasks.create_task(s, olga.actor, pid, TaskCreate(key="b", duration="1d"))
    with transaction(db.sessions) as s:
        change = TaskUpdate(duration="5d", name="Longer", constraint="SNET 2027-03-08", version=1)  # type: ignore[arg-type]
        tasks.update_task(s, olga.actor, pid, a, change)
    with transaction(db.sessions) as s:
        tasks.move_task(s, olga.actor, pid, a, TaskMove(step="down", version=2))  # type: ignore[arg-type]
    with transaction(db.sessions) as s:
        moved, updated, *_ = activity.project_audit(s, olga.actor, pid, entity="task", entity_id=a)["items"]
    assert {(c["field"], c["before"], c["after"]) for c in updated["changes"]} == {
        ("duration", "2d", "5d"),
        ("name", "", "Longer"),
        ("constraint", "", "SNET 2027-03-08"),
    }
    assert moved["changes"] == [{"field": "place", "before": "", "after": "moved in the outline"}]
