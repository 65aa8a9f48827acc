"""The database schema as SQLAlchemy 2 typed ORM records.

Every record a user can edit carries a ``version`` (SQLAlchemy's version counter): an
update made from a stale version fails instead of overwriting someone else's change.
A project's ``revision`` goes up with every change to anything in it; computed
schedules are cached per revision.  Domain dates are naive local times of the project's
time zone; timestamps (``created_at``, audit ``at``) are naive UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from milepost.storage.clock import utcnow


class Base(DeclarativeBase):
    """Base of every record."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Versioned:
    """A record with an optimistic-concurrency version."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class WorkspaceRecord(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class UserRecord(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiTokenRecord(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginSessionRecord(Base):
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class LoginAttemptRecord(Base):
    """Failed logins, shared by every server process (rate limiting)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ProjectRecord(Versioned, Base):
    __tablename__ = "projects"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    name: Mapped[str] = mapped_column(String(300))
    anchor_date: Mapped[datetime] = mapped_column(DateTime)
    from_finish: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    calendar: Mapped[str] = mapped_column(String(100), default="standard")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    hours_per_day: Mapped[float] = mapped_column(Float, default=8.0)
    days_per_week: Mapped[float] = mapped_column(Float, default=5.0)
    days_per_month: Mapped[float] = mapped_column(Float, default=20.0)
    description: Mapped[str] = mapped_column(Text, default="")
    honor_constraints: Mapped[bool] = mapped_column(Boolean, default=True)
    status_date: Mapped[datetime | None] = mapped_column(DateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list[MembershipRecord]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class MembershipRecord(Base):
    __tablename__ = "memberships"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))


class CalendarRecord(Versioned, Base):
    """A calendar, stored as its plan-file definition (a value: week, exceptions...)."""

    __tablename__ = "calendars"
    __table_args__ = (UniqueConstraint("project_id", "key"),)
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class TaskRecord(Versioned, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("project_id", "parent_id", "key"),
        Index("ix_tasks_tree", "project_id", "parent_id", "position"),
    )
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500), default="")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    duration_unit: Mapped[str] = mapped_column(String(2), default="d")
    duration_elapsed: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    milestone: Mapped[bool] = mapped_column(Boolean, default=False)
    deliverable: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=500)
    notes: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str | None] = mapped_column(String(100))
    calendar: Mapped[str | None] = mapped_column(String(100))
    constraint_type: Mapped[str | None] = mapped_column(String(4))
    constraint_date: Mapped[datetime | None] = mapped_column(DateTime)
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    manual_start: Mapped[datetime | None] = mapped_column(DateTime)
    manual_finish: Mapped[datetime | None] = mapped_column(DateTime)
    percent_complete: Mapped[int] = mapped_column(Integer, default=0)
    actual_start: Mapped[datetime | None] = mapped_column(DateTime)
    actual_finish: Mapped[datetime | None] = mapped_column(DateTime)
    task_type: Mapped[str] = mapped_column(String(20), default="fixed_units")
    effort_driven: Mapped[bool] = mapped_column(Boolean, default=False)


class DependencyRecord(Versioned, Base):
    __tablename__ = "dependencies"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    successor_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(2), default="FS")
    lag_minutes: Mapped[int] = mapped_column(Integer, default=0)
    lag_unit: Mapped[str] = mapped_column(String(2), default="d")
    lag_elapsed: Mapped[bool] = mapped_column(Boolean, default=False)
    lag_percent: Mapped[float | None] = mapped_column(Float)


class ResourceRecord(Versioned, Base):
    __tablename__ = "resources"
    __table_args__ = (UniqueConstraint("project_id", "key"),)
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(10), default="work")
    max_units: Mapped[float] = mapped_column(Float, default=1.0)
    calendar: Mapped[str | None] = mapped_column(String(100))
    rates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    availability: Mapped[list[Any]] = mapped_column(JSON, default=list)
    skills: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    role: Mapped[str | None] = mapped_column(String(100))
    generic: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class AssignmentRecord(Versioned, Base):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("task_id", "resource_id"),)
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    units: Mapped[float] = mapped_column(Float, default=1.0)
    work_minutes: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[float | None] = mapped_column(Float)
    external_id: Mapped[str | None] = mapped_column(String(100))


class RequestRecord(Versioned, Base):
    __tablename__ = "requests"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    count: Mapped[float] = mapped_column(Float, default=1.0)
    role: Mapped[str | None] = mapped_column(String(100))
    skill: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer, default=1)


class CommentRecord(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditRecord(Base):
    """Who changed what, when, with the state before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_project", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ResultCacheRecord(Base):
    """A computed schedule (or levelling) of one project revision, as its JSON document."""

    __tablename__ = "result_cache"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    params: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class JobRecord(Base):
    """A long operation (levelling) run in the background by one server process; its
    status, progress and cancel flag live here, so any process can report or cancel it."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_project", "project_id", "id"),
        Index(  # one queued or running job of a kind per project, even when two ask at once
            "ux_jobs_one_active",
            "project_id",
            "kind",
            unique=True,
            postgresql_where=text("status IN ('queued', 'running')"),
            sqlite_where=text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(500), default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
