"""Changing a project: version checks, the audit trail and the revision, in one place.

Every change to a project goes through here: an update names the version it is based
on and is refused with the current state when that is stale (no lost updates, even
when two servers race: the database compares versions on write); every change is
written to the audit log with the state before and after, and counts as a new
revision of the project (so cached schedules are recomputed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from milepost.errors import ConflictError, PreconditionRequiredError
from milepost.services import audit
from milepost.services.access import Actor
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import Base

View = Callable[[], Mapping[str, Any]]


def expect_version(record: Any, sent: int | None, entity: str, view: View) -> None:
    """Refuse an update that names no version, or a stale one (with the current state)."""
    if sent is None:
        raise PreconditionRequiredError(
            f"say which version of the {entity} this change is based on (the 'version' field, or an "
            "If-Match header), so that a change made meanwhile is not overwritten"
        )
    if sent != record.version:
        raise ConflictError(
            f"the {entity} was changed by someone else: you sent version {sent}, it is now version "
            f"{record.version}; 'current' holds it as it is now",
            current=view(),
        )


def write(session: Session, entity: str, reload: View) -> None:
    """Send the pending change; a write that lost a race becomes a conflict."""
    try:
        repo.flush(session)
    except repo.StaleDataError:
        repo.rollback(session)
        raise ConflictError(
            f"the {entity} was changed by someone else at the same moment; 'current' holds it as it is now",
            current=reload(),
        ) from None
    except repo.IntegrityError as exc:
        repo.rollback(session)
        raise ConflictError(f"the {entity} clashes with another one: {repo.integrity_reason(exc)}") from None


def apply(record: Any, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Set the columns that change; returns them (empty when nothing changes)."""
    changed = {k: v for k, v in changes.items() if getattr(record, k) != v}
    for name, value in changed.items():
        setattr(record, name, value)
    return changed


def created(session: Session, actor: Actor, project_id: int, entity: str, record: Base) -> None:
    """Log a new record and count the change."""
    audit.record(session, actor, project_id, entity, "create", after=record)
    repo.bump_revision(session, project_id)


def updated(session: Session, actor: Actor, project_id: int, entity: str, before: dict[str, Any], record: Base) -> None:
    """Log an update and count the change."""
    audit.record(session, actor, project_id, entity, "update", before=before, after=record)
    repo.bump_revision(session, project_id)


def deleted(session: Session, actor: Actor, project_id: int, entity: str, before: dict[str, Any]) -> None:
    """Log a deletion and count the change."""
    audit.record(session, actor, project_id, entity, "delete", before=before)
    repo.bump_revision(session, project_id)
