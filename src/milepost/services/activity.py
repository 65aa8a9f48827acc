"""Comments on tasks, and reading the audit log of a project."""

from __future__ import annotations

from typing import Any

from milepost.errors import NotFoundError, PermissionDeniedError
from milepost.schemas.activity import CommentCreate
from milepost.services import audit
from milepost.services.access import ALLOWED, Action, Actor, project_and_role, project_for
from milepost.services.tasks import changes, task_in, units_of
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import AuditRecord, CommentRecord, ProjectRecord, UserRecord


def _name(session: Session, user_id: int | None) -> str:
    user = repo.get(session, UserRecord, user_id) if user_id is not None else None
    return (user.name or user.email) if user else ""


def comment_view(session: Session, record: CommentRecord) -> dict[str, Any]:
    """A comment as the API shows it."""
    return {
        "id": record.id,
        "task_id": record.task_id,
        "user_id": record.user_id,
        "author": _name(session, record.user_id),
        "body": record.body,
        "created_at": record.created_at,
    }


def list_comments(
    session: Session, actor: Actor, project_id: int, task_id: int, *, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """A task's comments, oldest first."""
    project_for(session, actor, project_id, Action.READ)
    task_in(session, project_id, task_id)
    where = (CommentRecord.task_id == task_id,)
    found = repo.rows(session, CommentRecord, *where, order=CommentRecord.id, limit=limit, offset=offset)
    total = repo.count(session, CommentRecord, *where)
    return {"items": [comment_view(session, c) for c in found], "total": total, "limit": limit, "offset": offset}


def add_comment(session: Session, actor: Actor, project_id: int, task_id: int, body: CommentCreate) -> dict[str, Any]:
    """Comment on a task (members and up)."""
    project_for(session, actor, project_id, Action.COMMENT)
    task_in(session, project_id, task_id)
    record = CommentRecord(project_id=project_id, task_id=task_id, user_id=actor.user_id, body=body.body)
    repo.add(session, record)
    audit.record(session, actor, project_id, "comment", "create", after=record)
    return comment_view(session, record)


def delete_comment(session: Session, actor: Actor, project_id: int, comment_id: int) -> None:
    """Delete a comment: one's own, or any as a manager."""
    _, role = project_and_role(session, actor, project_id, Action.COMMENT)
    record = repo.get(session, CommentRecord, comment_id)
    if record is None or record.project_id != project_id:
        raise NotFoundError(f"comment {comment_id} not found in project {project_id}")
    if record.user_id != actor.user_id and Action.EDIT not in ALLOWED[role]:
        raise PermissionDeniedError("only its author or a project manager may delete a comment")
    before = repo.snapshot(record)
    repo.remove(session, record)
    audit.record(session, actor, project_id, "comment", "delete", before=before)


def audit_view(session: Session, record: AuditRecord) -> dict[str, Any]:
    """An audit entry as the API shows it; a task's update says what it changed, field by
    field in plan-file notation (``changes``)."""
    found: list[dict[str, str]] = []
    if record.entity == "task" and record.action == "update" and record.before and record.after and record.project_id:
        project = repo.get(session, ProjectRecord, record.project_id)
        if project is not None:
            found = changes(record.before, record.after, units_of(project))
    return {
        "id": record.id,
        "at": record.at,
        "user_id": record.user_id,
        "user": _name(session, record.user_id),
        "entity": record.entity,
        "entity_id": record.entity_id,
        "action": record.action,
        "before": record.before,
        "after": record.after,
        "changes": found,
    }


def project_audit(
    session: Session,
    actor: Actor,
    project_id: int,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """The project's changes, newest first (of one kind of entity, or of one entity)."""
    project_for(session, actor, project_id, Action.READ)
    where: list[Any] = [AuditRecord.project_id == project_id]
    if entity is not None:
        where.append(AuditRecord.entity == entity)
    if entity_id is not None:
        where.append(AuditRecord.entity_id == entity_id)
    found = repo.rows(session, AuditRecord, *where, order=AuditRecord.id.desc(), limit=limit, offset=offset)
    total = repo.count(session, AuditRecord, *where)
    return {"items": [audit_view(session, a) for a in found], "total": total, "limit": limit, "offset": offset}
