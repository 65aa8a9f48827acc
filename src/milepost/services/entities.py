"""What calendars, resources, links and assignments have in common: they belong to one
project, are listed a page at a time, and are created, changed and deleted the same way
(versions checked, changes audited, the revision counted)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from milepost.errors import InvalidInputError, NotFoundError, Problem
from milepost.services import edits
from milepost.services.access import Action, Actor, project_for
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import Base, ProjectRecord

R = TypeVar("R", bound=Base)
ViewFn = Callable[[Session, Any, ProjectRecord], dict[str, Any]]


@dataclass(frozen=True)
class Kind(Generic[R]):
    """One kind of project entity: its name in messages, its record, how it is shown."""

    name: str
    record: type[R]
    view: ViewFn
    order: Any = None


def record_in(session: Session, kind: Kind[R], project_id: int, ident: int) -> R:
    """The entity, if it belongs to the project."""
    record = repo.get(session, kind.record, ident)
    if record is None or getattr(record, "project_id", None) != project_id:
        raise NotFoundError(f"{kind.name} {ident} not found in project {project_id}")
    return record


def referenced(field: str, lookup: Callable[[], Any]) -> None:
    """A body's reference to another entity must resolve (else a 422 on that field)."""
    try:
        lookup()
    except NotFoundError as exc:
        raise InvalidInputError(Problem("unknown_reference", exc.message, field)) from None


def page(
    session: Session, actor: Actor, project_id: int, kind: Kind[R], *where: Any, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """A page of the project's entities of this kind."""
    project = project_for(session, actor, project_id, Action.READ)
    condition = (kind.record.project_id == project_id, *where)  # type: ignore[attr-defined]
    found = repo.rows(session, kind.record, *condition, order=kind.order, limit=limit, offset=offset)
    total = repo.count(session, kind.record, *condition)
    items = [kind.view(session, r, project) for r in found]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def one(session: Session, actor: Actor, project_id: int, kind: Kind[R], ident: int) -> dict[str, Any]:
    """One entity."""
    project = project_for(session, actor, project_id, Action.READ)
    return kind.view(session, record_in(session, kind, project_id, ident), project)


def add(
    session: Session, actor: Actor, project: ProjectRecord, kind: Kind[R], record: R, check: Callable[[], None] | None
) -> dict[str, Any]:
    """Store a new entity (``check``: what must still hold once it is there)."""
    repo.add(session, record)
    if check is not None:
        check()
    edits.created(session, actor, project.id, kind.name, record)
    return kind.view(session, record, project)


def change(
    session: Session,
    actor: Actor,
    project: ProjectRecord,
    kind: Kind[R],
    record: R,
    columns: Callable[[], Mapping[str, Any]],
    version: int | None,
    check: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Change an entity from the version the caller read (``columns``: the new values,
    computed once the version is known to be current)."""
    current = lambda: kind.view(session, record, project)  # noqa: E731
    edits.expect_version(record, version, kind.name, current)
    before = repo.snapshot(record)
    if edits.apply(record, columns()):
        ident = before["id"]
        edits.write(
            session, kind.name, lambda: kind.view(session, record_in(session, kind, project.id, ident), project)
        )
        if check is not None:
            check()
        edits.updated(session, actor, project.id, kind.name, before, record)
    return kind.view(session, record, project)


def delete(
    session: Session,
    actor: Actor,
    project_id: int,
    kind: Kind[R],
    ident: int,
    version: int | None,
    guard: Callable[[R], None] | None = None,
) -> None:
    """Delete an entity (``guard`` refuses when something still needs it)."""
    project = project_for(session, actor, project_id, Action.EDIT)
    record = record_in(session, kind, project_id, ident)
    edits.expect_version(record, version, kind.name, lambda: kind.view(session, record, project))
    if guard is not None:
        guard(record)
    before = repo.snapshot(record)
    repo.remove(session, record)
    edits.deleted(session, actor, project_id, kind.name, before)
