"""Undo: take back one of one's own changes, from its entry in the audit log.

An update is undone by putting back the values it replaced, a link or assignment that
was added by deleting it, one that was deleted by adding it again.  Only the person who
made a change can undo it, and only while nobody has changed that object since: undoing
over someone else's later edit would overwrite it silently, so that is refused with a
conflict instead.  The undo is itself a change (audited, a new revision), so it can be
undone too.
"""

from __future__ import annotations

from typing import Any

from milepost.errors import ConflictError, NotFoundError
from milepost.services import edits
from milepost.services.access import Action, Actor, project_for
from milepost.services.tasks import check_structure
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import AssignmentRecord, AuditRecord, Base, DependencyRecord, TaskRecord

RECORDS: dict[str, type[Base]] = {"task": TaskRecord, "link": DependencyRecord, "assignment": AssignmentRecord}
KEEP = {"id", "project_id", "version"}
"""Columns an undo never puts back."""


def undo(session: Session, actor: Actor, project_id: int, audit_id: int) -> str:
    """Undo the change logged as ``audit_id``; returns what was undone, in words."""
    project_for(session, actor, project_id, Action.EDIT)
    entry = repo.get(session, AuditRecord, audit_id)
    if entry is None or entry.project_id != project_id or entry.user_id != actor.user_id:
        raise NotFoundError(f"change {audit_id} is not one of yours in this project")
    record_type = RECORDS.get(entry.entity)
    if record_type is None or entry.action not in ("create", "update", "delete"):
        raise ConflictError(f"a {entry.action} of a {entry.entity} cannot be undone here", code="cannot_undo")
    if entry.action == "delete":
        return _add_again(session, actor, project_id, entry, record_type)
    current = repo.get(session, record_type, entry.entity_id or 0)
    after = entry.after or {}
    if current is None or getattr(current, "version", None) != after.get("version"):
        raise ConflictError(
            f"the {entry.entity} was changed (or deleted) after this change, so undoing it would overwrite "
            "that: reload to see it as it is now",
            code="changed_since",
        )
    before = repo.snapshot(current)
    if entry.action == "create":
        if isinstance(current, TaskRecord) and repo.count(session, TaskRecord, TaskRecord.parent_id == current.id):
            raise ConflictError("the task has subtasks now: delete them first", code="changed_since")
        repo.remove(session, current)
        edits.deleted(session, actor, project_id, entry.entity, before)
        return f"the new {entry.entity} was removed"
    repo.assign_snapshot(current, entry.before or {}, keep=KEEP)
    edits.write(session, entry.entity, lambda: repo.snapshot(current))
    if record_type in (TaskRecord, DependencyRecord):
        check_structure(session, project_id)
    edits.updated(session, actor, project_id, entry.entity, before, current)
    return f"the {entry.entity} is back as it was"


def _add_again(session: Session, actor: Actor, project_id: int, entry: AuditRecord, record_type: type[Base]) -> str:
    if record_type is TaskRecord:
        raise ConflictError("a deleted task (with its subtasks and links) cannot be undone", code="cannot_undo")
    values: dict[str, Any] = dict(entry.before or {})
    values.pop("id", None)
    values.pop("version", None)
    record = record_type()
    repo.assign_snapshot(record, values, keep=set())
    try:
        repo.add(session, record)
    except repo.IntegrityError:
        repo.rollback(session)
        raise ConflictError(
            f"the {entry.entity} cannot come back: what it joined was deleted, or it exists again", code="changed_since"
        ) from None
    if record_type is DependencyRecord:
        check_structure(session, project_id)
    edits.created(session, actor, project_id, entry.entity, record)
    return f"the deleted {entry.entity} is back"
