"""Projects: create, list, read, change and delete them; import and export whole plans."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import Any

from milepost.domain.calendar import builtin_calendars
from milepost.domain.project import Project
from milepost.domain.validation import validate_project
from milepost.errors import InvalidInputError, MilepostError, Problem
from milepost.io.planfile.convert import anchor_problem
from milepost.io.planfile.entries import project_entry, read_project
from milepost.schemas.projects import ProjectCreate, ProjectUpdate
from milepost.services import audit, edits, tasks
from milepost.services.access import Action, Actor, Role, project_and_role, project_for, role_in, role_of
from milepost.services.exports import MEDIA_TYPES, check_suffix, export_bytes
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import MembershipRecord, ProjectRecord, TaskRecord

MAX_IMPORT_BYTES = 50_000_000


def project_view(
    session: Session, record: ProjectRecord, actor: Actor, role: Role | None = None, tasks: int | None = None
) -> dict[str, Any]:
    """A project as the API shows it (``role``: the actor's, ``tasks``: how many it has,
    when already known)."""
    role = role or role_of(session, actor, record.id)
    if tasks is None:
        tasks = repo.count(session, TaskRecord, TaskRecord.project_id == record.id)
    return {
        "id": record.id,
        "version": record.version,
        "revision": record.revision,
        "name": record.name,
        "role": (role or Role.VIEWER).value,
        "settings": project_entry(mappers.project_settings(record)),
        "tasks": tasks,
        "created_at": record.created_at.replace(tzinfo=UTC),  # stored as naive UTC; a 409's 'current' shows it too
    }


def list_projects(session: Session, actor: Actor, *, q: str = "", limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """The projects the caller is a member of (an admin: all), oldest first."""
    found, total = repo.projects_of(session, None if actor.is_admin else actor.user_id, q, limit, offset)
    items = [project_view(session, r, actor, role_in(actor, member), count) for r, member, count in found]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def get_project(session: Session, actor: Actor, project_id: int) -> dict[str, Any]:
    """One project."""
    record, role = project_and_role(session, actor, project_id, Action.READ)
    return project_view(session, record, actor, role)


def _settings(session: Session, data: dict[str, Any], project_id: int | None) -> dict[str, Any]:
    project = read_project(data)
    known = tasks.calendar_keys(session, project_id) if project_id is not None else set(builtin_calendars())
    if project.calendar not in known:
        choices = ", ".join(sorted(known))
        raise InvalidInputError(
            Problem("unknown_calendar", f"calendar '{project.calendar}' is not defined ({choices})", "calendar")
        )
    return mappers.project_fields(project)


def _owned(session: Session, actor: Actor, record: ProjectRecord) -> None:
    repo.add(session, MembershipRecord(project_id=record.id, user_id=actor.user_id, role=Role.OWNER.value))


def create_project(session: Session, actor: Actor, body: ProjectCreate) -> dict[str, Any]:
    """A new, empty project; its creator is its owner."""
    sent = body.model_dump(exclude_unset=True, by_alias=True)
    if (wrong := anchor_problem(sent.get("start"), sent.get("finish"))) is not None:  # named by its field
        raise InvalidInputError(Problem("project_anchor", wrong[1], wrong[0]))
    fields = _settings(session, sent, None)
    record = ProjectRecord(workspace_id=repo.default_workspace(session).id, **fields)
    repo.add(session, record)
    _owned(session, actor, record)
    audit.record(session, actor, record.id, "project", "create", after=record)
    return project_view(session, record, actor)


def update_project(
    session: Session, actor: Actor, project_id: int, body: ProjectUpdate, version: int | None = None
) -> dict[str, Any]:
    """Change the settings sent (the owner's)."""
    record = project_for(session, actor, project_id, Action.ADMINISTER)
    edits.expect_version(record, body.version or version, "project", lambda: project_view(session, record, actor))
    sent = body.model_dump(exclude_unset=True, by_alias=True)
    sent.pop("version", None)
    entry = {**project_entry(mappers.project_settings(record)), **sent}
    if "finish" in sent:
        entry.pop("start", None)
    elif "start" in sent:
        entry.pop("finish", None)
    fields = _settings(session, {k: v for k, v in entry.items() if v is not None}, project_id)
    before = repo.snapshot(record)
    if edits.apply(record, fields):
        edits.write(session, "project", lambda: get_project(session, actor, project_id))
        edits.updated(session, actor, project_id, "project", before, record)
    return project_view(session, record, actor)


def delete_project(session: Session, actor: Actor, project_id: int, version: int | None) -> None:
    """Delete a project and everything in it (the owner's)."""
    record = project_for(session, actor, project_id, Action.ADMINISTER)
    edits.expect_version(record, version, "project", lambda: project_view(session, record, actor))
    before = repo.snapshot(record)
    repo.remove(session, record)
    audit.record(session, actor, None, "project", "delete", before=before)


# ------------------------------------------------------------------ whole plans
def import_project(
    session: Session, actor: Actor, filename: str, content: bytes, *, name: str | None = None
) -> dict[str, Any]:
    """A new project from a plan file, MS Project XML or another tool's file; returns the
    project and what was not mapped."""
    if len(content) > MAX_IMPORT_BYTES:
        raise InvalidInputError(Problem("too_large", f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB"))
    project, notes = read_upload(filename, content)
    if name:
        project = replace(project, name=name)
    record = mappers.store(session, project, repo.default_workspace(session).id)
    _owned(session, actor, record)
    audit.record(
        session, actor, record.id, "project", "import", after={"file": Path(filename).name, **repo.snapshot(record)}
    )
    view = project_view(session, record, actor)
    return {"project": view, "notes": [{"code": n.code, "message": n.message, "count": n.count} for n in notes]}


def read_upload(filename: str, content: bytes) -> tuple[Project, list[Any]]:
    """The project in an uploaded file (its format told by its extension), checked."""
    from milepost.io.formats import PLAN_SUFFIXES
    from milepost.io.formats import import_project as read_file
    from milepost.io.planfile import parse_plan

    name = Path(filename or "upload").name
    if name in ("", ".", "..") or "\x00" in name:  # a name the file cannot be saved under
        message = "the file needs a name that ends with its format's extension, such as plan.yaml"
        raise InvalidInputError(Problem("invalid_file_name", message, "file"))
    if Path(name).suffix.lower() in PLAN_SUFFIXES:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError(Problem("invalid_encoding", "a plan file must be UTF-8 text", file=name)) from None
        return parse_plan(text, name), []
    with tempfile.TemporaryDirectory(prefix="milepost-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            imported = read_file(path)
        except InvalidInputError as exc:
            raise InvalidInputError([_named(p, name) for p in exc.problems]) from None
        except MilepostError:
            raise
        except Exception as exc:  # a reader's own failure on a damaged file
            raise InvalidInputError(
                Problem("unreadable_file", f"'{name}' could not be read: {exc}", file=name)
            ) from None
    problems = validate_project(imported.project)
    if problems:
        raise InvalidInputError([_named(p, name) for p in problems])
    return imported.project, list(imported.notes)


def _named(problem: Problem, name: str) -> Problem:
    return replace(problem, file=name) if problem.file else problem


def export_project(
    session: Session, actor: Actor, project_id: int, fmt: str, *, resource: str | None = None
) -> tuple[bytes, str, str]:
    """The project as a file: its bytes, media type and a file name."""
    record = project_for(session, actor, project_id, Action.READ)
    suffix = check_suffix(fmt, resource)
    project = mappers.load(session, record).project
    body = export_bytes(project, suffix, resource=resource)
    return body, MEDIA_TYPES[suffix], f"{_slug(record.name)}{suffix}"


def _slug(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in name.strip().lower())
    return "-".join(part for part in cleaned.split("-") if part)[:80] or "project"
