"""Who is on a project, and with which role."""

from __future__ import annotations

from typing import Any

from milepost.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from milepost.schemas.projects import MemberUpdate, MemberWrite
from milepost.services import audit
from milepost.services.access import Action, Actor, Role, project_for
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import MembershipRecord, UserRecord


def member_view(session: Session, record: MembershipRecord) -> dict[str, Any]:
    """A membership as the API shows it."""
    user = repo.get(session, UserRecord, record.user_id)
    return {
        "user_id": record.user_id,
        "email": user.email if user else "",
        "name": user.name if user else "",
        "role": record.role,
    }


def list_members(session: Session, actor: Actor, project_id: int) -> list[dict[str, Any]]:
    """Everyone on the project."""
    project_for(session, actor, project_id, Action.READ)
    found = repo.rows(
        session, MembershipRecord, MembershipRecord.project_id == project_id, order=MembershipRecord.user_id
    )
    return [member_view(session, m) for m in found]


def add_member(session: Session, actor: Actor, project_id: int, body: MemberWrite) -> dict[str, Any]:
    """Give a user a role on the project (or change it)."""
    project_for(session, actor, project_id, Action.ADMINISTER)
    user = _user(session, body)
    found = repo.membership(session, project_id, user.id)
    if found is not None:
        return update_member(session, actor, project_id, user.id, MemberUpdate(role=body.role))
    record = MembershipRecord(project_id=project_id, user_id=user.id, role=body.role)
    repo.add(session, record)
    audit.record(session, actor, project_id, "member", "create", after={"user_id": user.id, "role": body.role})
    return member_view(session, record)


def update_member(session: Session, actor: Actor, project_id: int, user_id: int, body: MemberUpdate) -> dict[str, Any]:
    """Change a member's role (a project always keeps an owner)."""
    project_for(session, actor, project_id, Action.ADMINISTER)
    record = _membership(session, project_id, user_id)
    if record.role == Role.OWNER.value and body.role != Role.OWNER.value:
        _keep_an_owner(session, project_id)
    before = {"user_id": user_id, "role": record.role}
    record.role = body.role
    repo.flush(session)
    audit.record(
        session, actor, project_id, "member", "update", before=before, after={"user_id": user_id, "role": body.role}
    )
    return member_view(session, record)


def remove_member(session: Session, actor: Actor, project_id: int, user_id: int) -> None:
    """Take a user off the project (a member may leave on their own)."""
    if user_id != actor.user_id:
        project_for(session, actor, project_id, Action.ADMINISTER)
    else:
        project_for(session, actor, project_id, Action.READ)
    record = _membership(session, project_id, user_id)
    if record.role == Role.OWNER.value:
        _keep_an_owner(session, project_id)
    repo.remove(session, record)
    audit.record(session, actor, project_id, "member", "delete", before={"user_id": user_id, "role": record.role})


def _user(session: Session, body: MemberWrite) -> UserRecord:
    if (body.user_id is None) == (body.email is None):
        raise InvalidInputError(Problem("invalid_member", "give either user_id or email", "user_id"))
    user = repo.get(session, UserRecord, body.user_id) if body.user_id is not None else None
    if body.email is not None:
        user = repo.user_by_email(session, body.email)
    if user is None or not user.active:
        field = "user_id" if body.user_id is not None else "email"
        raise InvalidInputError(
            Problem("unknown_user", "no active user with this id or e-mail in the workspace", field)
        )
    return user


def _membership(session: Session, project_id: int, user_id: int) -> MembershipRecord:
    found = repo.membership(session, project_id, user_id)
    if found is None:
        raise NotFoundError(f"user {user_id} is not a member of project {project_id}")
    return found


def _keep_an_owner(session: Session, project_id: int) -> None:
    owners = repo.count(
        session, MembershipRecord, MembershipRecord.project_id == project_id, MembershipRecord.role == Role.OWNER.value
    )
    if owners <= 1:
        raise ConflictError("a project needs an owner: make someone else owner first", code="last_owner")
