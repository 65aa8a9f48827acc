"""Resources of a project and their assignments to tasks."""

from __future__ import annotations

from typing import Any

from milepost.domain.duration import Duration, TimeUnit, format_duration
from milepost.domain.money import format_units
from milepost.domain.resource import ResourceKind
from milepost.errors import InvalidInputError, Problem
from milepost.io.planfile.entries import read_assignment, read_resource, resource_entry
from milepost.schemas.resources import AssignmentCreate, AssignmentUpdate, ResourceCreate, ResourceUpdate
from milepost.services import entities, tasks
from milepost.services.access import Action, Actor, project_for
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import AssignmentRecord, ProjectRecord, ResourceRecord, TaskRecord, UserRecord


# ------------------------------------------------------------------ resources
def resource_view(_session: Session, record: ResourceRecord, project: ProjectRecord) -> dict[str, Any]:
    """A resource as the API shows it: its plan-file entry."""
    return {
        "id": record.id,
        "version": record.version,
        "key": record.key,
        "user_id": record.user_id,
        "definition": resource_entry(mappers.resource_from_record(record), project.currency),
    }


RESOURCE = entities.Kind("resource", ResourceRecord, resource_view, order=(ResourceRecord.position, ResourceRecord.id))


def list_resources(
    session: Session, actor: Actor, project_id: int, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """The project's resources."""
    return entities.page(session, actor, project_id, RESOURCE, limit=limit, offset=offset)


def get_resource(session: Session, actor: Actor, project_id: int, resource_id: int) -> dict[str, Any]:
    """One resource."""
    return entities.one(session, actor, project_id, RESOURCE, resource_id)


def _resource_columns(
    session: Session, project: ProjectRecord, entry: dict[str, Any], ident: int | None
) -> dict[str, Any]:
    resource = read_resource(entry, currency=project.currency, units=tasks.units_of(project))
    clash = repo.rows(
        session, ResourceRecord, ResourceRecord.project_id == project.id, ResourceRecord.key == resource.key
    )
    if any(r.id != ident for r in clash):
        message = f"a resource with key '{resource.key}' already exists"
        raise InvalidInputError(Problem("duplicate_resource", message, "key"))
    if resource.calendar is not None and resource.calendar not in tasks.calendar_keys(session, project.id):
        raise InvalidInputError(
            Problem("unknown_calendar", f"calendar '{resource.calendar}' is not defined", "calendar")
        )
    return mappers.resource_fields(resource)


def _quantities(session: Session, resource_id: int) -> int:
    """How many of the resource's assignments give a quantity."""
    return repo.count(
        session, AssignmentRecord, AssignmentRecord.resource_id == resource_id, AssignmentRecord.quantity.is_not(None)
    )


def _user(session: Session, user_id: int | None) -> int | None:
    if user_id is not None and repo.get(session, UserRecord, user_id) is None:
        raise InvalidInputError(Problem("unknown_user", f"user {user_id} does not exist", "user_id"))
    return user_id


def create_resource(session: Session, actor: Actor, project_id: int, body: ResourceCreate) -> dict[str, Any]:
    """Add a resource."""
    project = project_for(session, actor, project_id, Action.EDIT)
    entry = body.model_dump(exclude={"user_id"}, exclude_unset=True, by_alias=True)
    columns = _resource_columns(session, project, entry, None)
    position = repo.count(session, ResourceRecord, ResourceRecord.project_id == project_id)
    record = ResourceRecord(project_id=project_id, position=position, user_id=_user(session, body.user_id), **columns)
    return entities.add(session, actor, project, RESOURCE, record, None)


def update_resource(
    session: Session, actor: Actor, project_id: int, resource_id: int, body: ResourceUpdate, version: int | None = None
) -> dict[str, Any]:
    """Change the fields sent."""
    project = project_for(session, actor, project_id, Action.EDIT)
    record = entities.record_in(session, RESOURCE, project_id, resource_id)

    def columns() -> dict[str, Any]:
        sent = body.model_dump(exclude_unset=True, by_alias=True)
        sent.pop("version", None)
        user_id = _user(session, sent.pop("user_id", record.user_id))
        entry = {**resource_entry(mappers.resource_from_record(record), project.currency), **sent}
        columns = _resource_columns(session, project, {k: v for k, v in entry.items() if v is not None}, record.id)
        if columns["kind"] != ResourceKind.MATERIAL.value and _quantities(session, record.id):
            message = f"'{record.key}' has quantities on tasks, which only a material can have: take them off first"
            raise InvalidInputError(Problem("quantity_not_material", message, "kind"))
        return {**columns, "user_id": user_id}

    return entities.change(session, actor, project, RESOURCE, record, columns, body.version or version)


def delete_resource(session: Session, actor: Actor, project_id: int, resource_id: int, version: int | None) -> None:
    """Delete a resource and its assignments."""
    entities.delete(session, actor, project_id, RESOURCE, resource_id, version)


# ------------------------------------------------------------------ assignments
def assignment_view(session: Session, record: AssignmentRecord, project: ProjectRecord) -> dict[str, Any]:
    """An assignment as the API shows it."""
    task = tasks.task_in(session, project.id, record.task_id)
    resource = entities.record_in(session, RESOURCE, project.id, record.resource_id)
    work = record.work_minutes
    return {
        "id": record.id,
        "version": record.version,
        "task_id": record.task_id,
        "resource_id": record.resource_id,
        "task": tasks.full_key(session, task),
        "resource": resource.key,
        "units": format_units(record.units, counts=False),
        "work": format_duration(Duration(work, TimeUnit.HOUR), tasks.units_of(project)) if work is not None else None,
        "quantity": record.quantity,
    }


ASSIGNMENT = entities.Kind("assignment", AssignmentRecord, assignment_view, order=AssignmentRecord.id)


def list_assignments(
    session: Session,
    actor: Actor,
    project_id: int,
    *,
    task_id: int | None = None,
    resource_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """The project's assignments, of one task or one resource."""
    where = []
    if task_id is not None:
        where.append(AssignmentRecord.task_id == task_id)
    if resource_id is not None:
        where.append(AssignmentRecord.resource_id == resource_id)
    return entities.page(session, actor, project_id, ASSIGNMENT, *where, limit=limit, offset=offset)


def get_assignment(session: Session, actor: Actor, project_id: int, assignment_id: int) -> dict[str, Any]:
    """One assignment."""
    return entities.one(session, actor, project_id, ASSIGNMENT, assignment_id)


def _amounts(project: ProjectRecord, entry: dict[str, Any]) -> dict[str, Any]:
    found = read_assignment(entry, units=tasks.units_of(project))
    return {"units": found.units, "work_minutes": found.work, "quantity": found.quantity}


def _check_assignment(session: Session, project: ProjectRecord, record: AssignmentRecord) -> None:
    """Refuse an assignment the schedule cannot use (the rules of a plan file's assignments):
    on a summary task, without units, or with a quantity of what is not a material."""
    problems = []
    if repo.count(session, TaskRecord, TaskRecord.parent_id == record.task_id):
        message = "the task is a summary task: assign resources to its subtasks"
        problems.append(Problem("summary_assignment", message, "task_id"))
    if record.units <= 0:
        problems.append(Problem("invalid_units", "assignment units must be above 0%", "units"))
    resource = entities.record_in(session, RESOURCE, project.id, record.resource_id)
    if record.quantity is not None and resource.kind != ResourceKind.MATERIAL.value:
        message = f"'{resource.key}' is not a material; give units or work"
        problems.append(Problem("quantity_not_material", message, "quantity"))
    if problems:
        raise InvalidInputError(problems)


def create_assignment(session: Session, actor: Actor, project_id: int, body: AssignmentCreate) -> dict[str, Any]:
    """Put a resource on a task."""
    project = project_for(session, actor, project_id, Action.EDIT)
    entities.referenced("task_id", lambda: tasks.task_in(session, project_id, body.task_id))
    entities.referenced("resource_id", lambda: entities.record_in(session, RESOURCE, project_id, body.resource_id))
    pair = (AssignmentRecord.task_id == body.task_id, AssignmentRecord.resource_id == body.resource_id)
    if repo.count(session, AssignmentRecord, *pair):
        raise InvalidInputError(Problem("duplicate_assignment", "this resource is already on this task", "resource_id"))
    entry = body.model_dump(include={"units", "work", "quantity"}, exclude_none=True)
    record = AssignmentRecord(
        project_id=project_id, task_id=body.task_id, resource_id=body.resource_id, **_amounts(project, entry)
    )
    _check_assignment(session, project, record)
    return entities.add(session, actor, project, ASSIGNMENT, record, None)


def update_assignment(
    session: Session,
    actor: Actor,
    project_id: int,
    assignment_id: int,
    body: AssignmentUpdate,
    version: int | None = None,
) -> dict[str, Any]:
    """Change units, work or quantity."""
    project = project_for(session, actor, project_id, Action.EDIT)
    record = entities.record_in(session, ASSIGNMENT, project_id, assignment_id)

    def columns() -> dict[str, Any]:
        view = assignment_view(session, record, project)
        entry = {k: view[k] for k in ("units", "work", "quantity")}
        entry.update(body.model_dump(include={"units", "work", "quantity"}, exclude_unset=True))
        return _amounts(project, {k: v for k, v in entry.items() if v is not None})

    check = lambda: _check_assignment(session, project, record)  # noqa: E731
    return entities.change(session, actor, project, ASSIGNMENT, record, columns, body.version or version, check)


def delete_assignment(session: Session, actor: Actor, project_id: int, assignment_id: int, version: int | None) -> None:
    """Take a resource off a task."""
    entities.delete(session, actor, project_id, ASSIGNMENT, assignment_id, version)
