"""Calendars of a project: working weeks, holidays and exceptions, as plan entries."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from milepost.domain.calendar import builtin_calendars
from milepost.domain.project import Project
from milepost.domain.validation import validate_project
from milepost.domain.wording import plural
from milepost.errors import ConflictError, InvalidInputError, Problem
from milepost.io.planfile.entries import calendar_entry, read_calendar
from milepost.schemas.calendars import CalendarCreate, CalendarUpdate
from milepost.services import entities
from milepost.services.access import Action, Actor, project_for
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import CalendarRecord, ProjectRecord, ResourceRecord, TaskRecord
from milepost.storage.values import calendar_from_json, calendar_to_json


def calendar_view(_session: Session, record: CalendarRecord, _project: ProjectRecord) -> dict[str, Any]:
    """A calendar as the API shows it: its plan-file entry."""
    return {
        "id": record.id,
        "version": record.version,
        "key": record.key,
        "definition": calendar_entry(calendar_from_json(record.definition)),
    }


CALENDAR = entities.Kind("calendar", CalendarRecord, calendar_view, order=(CalendarRecord.position, CalendarRecord.id))


def list_calendars(
    session: Session, actor: Actor, project_id: int, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """The project's own calendars (the built-in standard, 24h and night need none)."""
    return entities.page(session, actor, project_id, CALENDAR, limit=limit, offset=offset)


def get_calendar(session: Session, actor: Actor, project_id: int, calendar_id: int) -> dict[str, Any]:
    """One calendar."""
    return entities.one(session, actor, project_id, CALENDAR, calendar_id)


def _check_calendars(session: Session, project: ProjectRecord, key: str) -> None:
    """Every calendar still valid together: bases known, no base cycle, some working time
    (the problems of calendar ``key``, the one sent, on the fields of its body)."""
    calendars = dict(builtin_calendars())
    for record in repo.rows(session, CalendarRecord, CalendarRecord.project_id == project.id):
        calendars[record.key] = calendar_from_json(record.definition)
    check = Project(
        name="", anchor_date=project.anchor_date, calendar=project.calendar, calendars=tuple(calendars.values())
    )
    problems = validate_project(check, cycles=False)
    if problems:
        own = f"calendars[{key}]."
        raise InvalidInputError([replace(p, path=p.path.removeprefix(own)) for p in problems])


def _clash(session: Session, project_id: int, key: str, ident: int | None) -> None:
    found = repo.rows(session, CalendarRecord, CalendarRecord.project_id == project_id, CalendarRecord.key == key)
    if any(r.id != ident for r in found):
        raise InvalidInputError(Problem("duplicate_calendar", f"a calendar with key '{key}' already exists", "key"))


def create_calendar(session: Session, actor: Actor, project_id: int, body: CalendarCreate) -> dict[str, Any]:
    """Add a calendar."""
    project = project_for(session, actor, project_id, Action.EDIT)
    entry = body.model_dump(exclude={"key"}, exclude_unset=True, by_alias=True)
    calendar = read_calendar(body.key, entry)
    _clash(session, project_id, body.key, None)
    position = repo.count(session, CalendarRecord, CalendarRecord.project_id == project_id)
    record = CalendarRecord(
        project_id=project_id, key=body.key, position=position, definition=calendar_to_json(calendar)
    )
    return entities.add(
        session, actor, project, CALENDAR, record, lambda: _check_calendars(session, project, record.key)
    )


def update_calendar(
    session: Session, actor: Actor, project_id: int, calendar_id: int, body: CalendarUpdate, version: int | None = None
) -> dict[str, Any]:
    """Change the fields sent; a calendar in use keeps its key."""
    project = project_for(session, actor, project_id, Action.EDIT)
    record = entities.record_in(session, CALENDAR, project_id, calendar_id)

    def columns() -> dict[str, Any]:
        sent = body.model_dump(exclude_unset=True, by_alias=True)
        sent.pop("version", None)
        key = sent.pop("key", None) or record.key
        if key != record.key:
            _clash(session, project_id, key, record.id)
            _not_in_use(session, project, record, "renamed")
        entry = {**calendar_entry(calendar_from_json(record.definition)), **sent}
        calendar = read_calendar(key, {k: v for k, v in entry.items() if v is not None})
        return {"key": key, "definition": calendar_to_json(calendar)}

    check = lambda: _check_calendars(session, project, record.key)  # noqa: E731
    return entities.change(session, actor, project, CALENDAR, record, columns, body.version or version, check)


def delete_calendar(session: Session, actor: Actor, project_id: int, calendar_id: int, version: int | None) -> None:
    """Delete a calendar nothing uses."""
    project = project_for(session, actor, project_id, Action.EDIT)
    entities.delete(
        session, actor, project_id, CALENDAR, calendar_id, version,
        guard=lambda record: _not_in_use(session, project, record, "deleted"),
    )  # fmt: skip


def _not_in_use(session: Session, project: ProjectRecord, record: CalendarRecord, what: str) -> None:
    users: list[str] = []
    if project.calendar == record.key:
        users.append("the project")
    key = record.key
    tasks = repo.count(session, TaskRecord, TaskRecord.project_id == project.id, TaskRecord.calendar == key)
    resources = repo.count(
        session, ResourceRecord, ResourceRecord.project_id == project.id, ResourceRecord.calendar == key
    )
    based = [
        c.key
        for c in repo.rows(session, CalendarRecord, CalendarRecord.project_id == project.id)
        if c.definition.get("base") == key
    ]
    if tasks:
        users.append(plural(tasks, "task"))
    if resources:
        users.append(plural(resources, "resource"))
    if based:
        users.append("calendar " + ", ".join(based))
    if users:
        raise ConflictError(f"calendar '{key}' is used by {', '.join(users)}, so it cannot be {what}", code="in_use")
