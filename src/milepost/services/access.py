"""Who may do what: workspace admins, and per project owner, manager, member, viewer.

A user who is not a member of a project is told it does not exist (404, not 403), so
its existence is not leaked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from milepost.errors import NotFoundError, PermissionDeniedError
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import ProjectRecord


class Role(StrEnum):
    """A project role, strongest first."""

    OWNER = "owner"
    MANAGER = "manager"
    MEMBER = "member"
    VIEWER = "viewer"


class Action(StrEnum):
    """What a request wants to do with a project."""

    READ = "read"
    COMMENT = "comment"
    PROGRESS = "progress"
    """Update progress of one's own assignments (a member); managers may update any."""
    EDIT = "edit"
    """Change the plan: tasks, links, calendars, resources, assignments; schedule and level."""
    ADMINISTER = "administer"
    """Project settings, members, deletion."""


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.READ}),
    Role.MEMBER: frozenset({Action.READ, Action.COMMENT, Action.PROGRESS}),
    Role.MANAGER: frozenset({Action.READ, Action.COMMENT, Action.PROGRESS, Action.EDIT}),
    Role.OWNER: frozenset(Action),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user making a request."""

    user_id: int
    is_admin: bool = False
    email: str = ""
    must_change_password: bool = False


def role_of(session: Session, actor: Actor, project_id: int) -> Role | None:
    """The actor's role on the project (an admin counts as owner everywhere)."""
    found = None if actor.is_admin else repo.membership(session, project_id, actor.user_id)
    return role_in(actor, found.role if found else None)


def role_in(actor: Actor, member: str | None) -> Role | None:
    """The actor's role, given the role of their membership (if any)."""
    return Role.OWNER if actor.is_admin else Role(member) if member else None


def project_for(session: Session, actor: Actor, project_id: int, action: Action) -> ProjectRecord:
    """The project, if the actor may do ``action`` on it (else not found / permission denied)."""
    return project_and_role(session, actor, project_id, action)[0]


def project_and_role(session: Session, actor: Actor, project_id: int, action: Action) -> tuple[ProjectRecord, Role]:
    """:func:`project_for`, with the actor's role on the project (read in the same query)."""
    record, member = repo.project_with_role(session, project_id, actor.user_id)
    role = role_in(actor, member)
    if record is None or role is None:
        raise NotFoundError(f"project {project_id} not found")
    require(role, action)
    return record, role


def require(role: Role, action: Action) -> None:
    """Refuse ``action`` to a project ``role`` that may not do it."""
    if action not in ALLOWED[role]:
        raise PermissionDeniedError(f"a project {role.value} may not {action.value} here")


def require_admin(actor: Actor) -> None:
    """Only workspace admins."""
    if not actor.is_admin:
        raise PermissionDeniedError("only a workspace admin may do this")
