"""Queries the services need, so that only ``storage`` speaks SQLAlchemy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, delete, func, insert, inspect, null, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from milepost.storage.clock import utcnow
from milepost.storage.models import (
    ApiTokenRecord,
    AuditRecord,
    Base,
    LoginAttemptRecord,
    LoginSessionRecord,
    MembershipRecord,
    ProjectRecord,
    ResultCacheRecord,
    TaskRecord,
    UserRecord,
    WorkspaceRecord,
)

R = TypeVar("R", bound=Base)

__all__ = ["IntegrityError", "StaleDataError"]


def get(session: Session, record: type[R], ident: int) -> R | None:
    """The record with primary key ``ident``."""
    return session.get(record, ident)


def add(session: Session, record: Base) -> None:
    """Add a new record and give it its id."""
    session.add(record)
    session.flush()


def remove(session: Session, record: Base) -> None:
    """Delete a record (and what cascades from it)."""
    session.delete(record)
    session.flush()


def flush(session: Session) -> None:
    """Send pending changes (raises ``StaleDataError`` on a version conflict)."""
    session.flush()


def rollback(session: Session) -> None:
    """Undo the transaction so far (after a conflict), so the current state can be read."""
    session.rollback()


def integrity_reason(exc: IntegrityError) -> str:
    """What a constraint violation was about, in words."""
    text = str(exc.orig).lower()
    if "unique" in text or "duplicate" in text:
        return "one with the same key or the same pair already exists"
    if "foreign key" in text:
        return "it refers to something that does not exist (any more)"
    return "the database refused it"


def snapshot(record: Base) -> dict[str, Any]:
    """The record's columns as JSON-ready values (for the audit log and conflict replies)."""
    out: dict[str, Any] = {}
    for column in inspect(record).mapper.column_attrs:
        value = getattr(record, column.key)
        out[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def rows(session: Session, record: type[R], *where: Any, order: Any = None, limit: int | None = None,
         offset: int = 0) -> Sequence[R]:  # fmt: skip
    """Records matching ``where`` (SQLAlchemy expressions built from the record's columns)."""
    query = select(record).where(*where)
    if order is not None:
        query = query.order_by(*order) if isinstance(order, tuple) else query.order_by(order)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return session.scalars(query).all()


def count(session: Session, record: type[R], *where: Any) -> int:
    """How many records match ``where``."""
    return int(session.scalar(select(func.count()).select_from(record).where(*where)) or 0)


def bump_revision(session: Session, project_id: int) -> None:
    """Count a change to the project (its cached schedules are now stale)."""
    session.execute(
        update(ProjectRecord).where(ProjectRecord.id == project_id).values(revision=ProjectRecord.revision + 1),
        execution_options={"synchronize_session": False},
    )


def lock_project(session: Session, project_id: int) -> None:
    """Hold the project until the transaction ends (a write that changes nothing: PostgreSQL
    locks its row, SQLite the database), so that checks of its structure run one at a time
    and each sees every change committed before it."""
    session.execute(
        update(ProjectRecord).where(ProjectRecord.id == project_id).values(revision=ProjectRecord.revision),
        execution_options={"synchronize_session": False},
    )


def revision(session: Session, project_id: int) -> int:
    """The project's current revision."""
    return int(session.scalar(select(ProjectRecord.revision).where(ProjectRecord.id == project_id)) or 0)


def default_workspace(session: Session) -> WorkspaceRecord:
    """The workspace (created on first use)."""
    found = session.scalars(select(WorkspaceRecord).order_by(WorkspaceRecord.id).limit(1)).first()
    if found is None:
        found = WorkspaceRecord(name="Milepost")
        add(session, found)
    return found


def user_by_email(session: Session, email: str) -> UserRecord | None:
    """The user with this e-mail (case-insensitive)."""
    return session.scalars(select(UserRecord).where(UserRecord.email == email.strip().lower())).first()


def all_users(session: Session) -> Sequence[UserRecord]:
    """Every user, oldest first."""
    return session.scalars(select(UserRecord).order_by(UserRecord.id)).all()


def membership(session: Session, project_id: int, user_id: int) -> MembershipRecord | None:
    """The user's role on the project, if any."""
    return session.get(MembershipRecord, (project_id, user_id))


def project_with_role(session: Session, project_id: int, user_id: int) -> tuple[ProjectRecord | None, str | None]:
    """The project and the user's role on it (``None`` for either that is missing), in
    one query: every request about a project asks for both."""
    query = (
        select(ProjectRecord, MembershipRecord.role)
        .outerjoin(
            MembershipRecord,
            (MembershipRecord.project_id == ProjectRecord.id) & (MembershipRecord.user_id == user_id),
        )
        .where(ProjectRecord.id == project_id)
    )
    found = session.execute(query).first()
    return (found[0], found[1]) if found is not None else (None, None)


def projects_of(
    session: Session, user_id: int | None, q: str, limit: int, offset: int
) -> tuple[list[tuple[ProjectRecord, str | None, int]], int]:
    """Projects the user is a member of (every project for ``None``: an admin), oldest
    first, each with the user's role on it (``None`` for an admin) and its number of
    tasks, in one query (and one more for the total)."""
    tasks = (
        select(func.count()).select_from(TaskRecord).where(TaskRecord.project_id == ProjectRecord.id).scalar_subquery()
    )
    if user_id is None:
        query = select(ProjectRecord, null(), tasks)
    else:
        query = (
            select(ProjectRecord, MembershipRecord.role, tasks)
            .join(MembershipRecord, MembershipRecord.project_id == ProjectRecord.id)
            .where(MembershipRecord.user_id == user_id)
        )
    if q:
        query = query.where(ProjectRecord.name.icontains(q, autoescape=True))
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.execute(query.order_by(ProjectRecord.id).limit(limit).offset(offset)).all()
    return [(record, role, int(count)) for record, role, count in rows], total


Credential = TypeVar("Credential", ApiTokenRecord, LoginSessionRecord)


def credential_by_hash(
    session: Session, kind: type[Credential], token_hash: str
) -> tuple[Credential, UserRecord] | None:
    """An API token or a login session by the hash of its secret, with its user (in one
    query: every request asks)."""
    query = select(kind, UserRecord).join(UserRecord, UserRecord.id == kind.user_id)
    found = session.execute(query.where(kind.token_hash == token_hash)).first()
    return (found[0], found[1]) if found is not None else None


def recent_attempts(session: Session, key: str, since: datetime) -> int:
    """Failed logins for ``key`` since ``since``."""
    return count(session, LoginAttemptRecord, LoginAttemptRecord.key == key, LoginAttemptRecord.at >= since)


def record_attempt(session: Session, key: str, at: datetime) -> None:
    """Count a failed sign-in for ``key``."""
    session.add(LoginAttemptRecord(key=key, at=at))


def forget_attempts(session: Session, key: str) -> None:
    """Drop the failed sign-ins of ``key`` (after a success)."""
    session.execute(delete(LoginAttemptRecord).where(LoginAttemptRecord.key == key))


def prune_attempts(session: Session, before: datetime) -> None:
    """Drop failed sign-ins older than ``before`` (they no longer count)."""
    session.execute(delete(LoginAttemptRecord).where(LoginAttemptRecord.at < before))


def end_sessions(session: Session, user_id: int) -> None:
    """Sign a user out everywhere."""
    session.execute(delete(LoginSessionRecord).where(LoginSessionRecord.user_id == user_id))


def siblings(session: Session, project_id: int, parent_id: int | None) -> list[TaskRecord]:
    """The tasks under ``parent_id`` (top level for ``None``), in order."""
    parent = TaskRecord.parent_id.is_(None) if parent_id is None else TaskRecord.parent_id == parent_id
    query = select(TaskRecord).where(TaskRecord.project_id == project_id, parent)
    return list(session.scalars(query.order_by(TaskRecord.position, TaskRecord.id)).all())


def search_tasks(
    session: Session, project_id: int, *, parent: int | str | None, q: str, limit: int, offset: int
) -> tuple[list[TaskRecord], int]:
    """Tasks of a project, optionally under one parent (``"all"`` for every level) or matching ``q``."""
    query = select(TaskRecord).where(TaskRecord.project_id == project_id)
    if parent != "all":
        query = query.where(TaskRecord.parent_id.is_(None) if parent is None else TaskRecord.parent_id == parent)
    if q:
        query = query.where(
            or_(TaskRecord.name.icontains(q, autoescape=True), TaskRecord.key.icontains(q, autoescape=True))
        )
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    ordered = query.order_by(TaskRecord.parent_id, TaskRecord.position, TaskRecord.id)
    return list(session.scalars(ordered.limit(limit).offset(offset)).all()), total


def task_tree(session: Session, project_id: int) -> list[tuple[int, int | None, str]]:
    """``(id, parent_id, key)`` of every task of the project (for full keys and summaries)."""
    query = select(TaskRecord.id, TaskRecord.parent_id, TaskRecord.key).where(TaskRecord.project_id == project_id)
    return [(i, p, k) for i, p, k in session.execute(query)]


def ancestry(session: Session, found: Sequence[TaskRecord]) -> dict[int, tuple[int | None, str]]:
    """``id: (parent_id, key)`` of the tasks ``found`` and of every summary above them
    (read level by level: a page of tasks needs a few rows, not the project's tree)."""
    up: dict[int, tuple[int | None, str]] = {r.id: (r.parent_id, r.key) for r in found}
    missing = {p for p, _ in up.values() if p is not None and p not in up}
    while missing:
        query = select(TaskRecord.id, TaskRecord.parent_id, TaskRecord.key).where(TaskRecord.id.in_(missing))
        rows = session.execute(query).all()
        up.update((i, (p, k)) for i, p, k in rows)
        missing = {p for _, p, _ in rows if p is not None and p not in up}
    return up


def with_subtasks(session: Session, project_id: int, ids: Sequence[int]) -> set[int]:
    """Which of the tasks ``ids`` have subtasks (are summaries)."""
    if not ids:
        return set()
    query = select(TaskRecord.parent_id).where(TaskRecord.project_id == project_id, TaskRecord.parent_id.in_(ids))
    return {p for p in session.scalars(query.distinct()) if p is not None}


def renumber(session: Session, ordered: Sequence[TaskRecord | None]) -> None:
    """Give siblings the places 0, 1, 2... in this order (``None``: a place kept free).
    Their versions stay: a place among siblings is the tree's, not an edit of the task."""
    for place, record in enumerate(ordered):
        if record is not None and record.position != place:
            session.execute(update(TaskRecord).where(TaskRecord.id == record.id).values(position=place))
            set_committed_value(record, "position", place)


def cached_result(session: Session, project_id: int, kind: str) -> ResultCacheRecord | None:
    """The last result of this kind computed for the project."""
    return session.get(ResultCacheRecord, (project_id, kind))


def result_body(session: Session, project_id: int, kind: str, revision: int, params: str = "") -> str | None:
    """The result of this kind kept for the project at ``revision`` with these
    parameters, if that is the one kept (a result kept for another revision is not read)."""
    table = ResultCacheRecord.__table__.c
    query = select(table.body).where(
        table.project_id == project_id, table.kind == kind, table.revision == revision, table.params == params
    )
    return session.scalar(query)


def store_result(session: Session, project_id: int, kind: str, revision: int, params: str, body: str) -> None:
    """Keep a result for its revision, unless one of a later revision is kept (when
    another process stored one at the same moment, theirs is as good).  The result it
    replaces is never read."""
    values = {"revision": revision, "params": params, "body": body, "created_at": utcnow()}
    try:
        with session.begin_nested():
            replaced = session.execute(
                update(ResultCacheRecord)
                .where(
                    ResultCacheRecord.project_id == project_id,
                    ResultCacheRecord.kind == kind,
                    ResultCacheRecord.revision <= revision,
                )
                .values(**values),
                execution_options={"synchronize_session": False},
            )
            kept = select(ResultCacheRecord.revision).where(
                ResultCacheRecord.project_id == project_id, ResultCacheRecord.kind == kind
            )
            if not replaced.rowcount and session.scalar(kept) is None:  # type: ignore[attr-defined]
                session.execute(insert(ResultCacheRecord).values(project_id=project_id, kind=kind, **values))
    except IntegrityError:
        pass


def assign_snapshot(record: Base, values: dict[str, Any], *, keep: set[str]) -> None:
    """Set a record's columns from a :func:`snapshot` (dates back from their text), but
    those in ``keep``."""
    for column in inspect(type(record)).column_attrs:
        name = column.key
        if name in keep or name not in values:
            continue
        value = values[name]
        if isinstance(value, str) and isinstance(column.columns[0].type, DateTime):
            value = datetime.fromisoformat(value)
        setattr(record, name, value)


def last_change(session: Session, project_id: int, user_id: int) -> int | None:
    """The id of the user's latest audit entry in the project (what Undo takes back)."""
    query = select(func.max(AuditRecord.id)).where(AuditRecord.project_id == project_id, AuditRecord.user_id == user_id)
    found = session.scalar(query)
    return int(found) if found is not None else None


def task_versions(session: Session, project_id: int) -> dict[int, int]:
    """The version of every task of the project (for the pages' edits)."""
    query = select(TaskRecord.id, TaskRecord.version).where(TaskRecord.project_id == project_id)
    return dict(session.execute(query).all())
