"""Dependencies between the tasks of a project."""

from __future__ import annotations

from typing import Any

from milepost.domain.notation import format_lag, parse_lag
from milepost.domain.project import Dependency, LinkType, Project, Task
from milepost.errors import InvalidInputError, Problem
from milepost.io.planfile.entries import after_text, read_after
from milepost.schemas.links import LinkCreate, LinkUpdate
from milepost.services import edits, entities, tasks
from milepost.services.access import Action, Actor, project_for
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import DependencyRecord, ProjectRecord


def link_view(session: Session, record: DependencyRecord, project: ProjectRecord) -> dict[str, Any]:
    """A link as the API shows it."""
    pred = tasks.task_in(session, project.id, record.predecessor_id)
    succ = tasks.task_in(session, project.id, record.successor_id)
    dep = mappers.dependency_from_record(record, {pred.id: "p", succ.id: "s"})
    return {
        "id": record.id,
        "version": record.version,
        "predecessor_id": record.predecessor_id,
        "successor_id": record.successor_id,
        "predecessor": tasks.full_key(session, pred),
        "successor": tasks.full_key(session, succ),
        "type": record.type,
        "lag": format_lag(dep.lag, tasks.units_of(project)),
    }


LINK = entities.Kind("link", DependencyRecord, link_view, order=DependencyRecord.id)


def list_links(
    session: Session, actor: Actor, project_id: int, *, task_id: int | None = None, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """The project's links, or those into and out of one task."""
    where = []
    if task_id is not None:
        where.append((DependencyRecord.predecessor_id == task_id) | (DependencyRecord.successor_id == task_id))
    return entities.page(session, actor, project_id, LINK, *where, limit=limit, offset=offset)


def get_link(session: Session, actor: Actor, project_id: int, link_id: int) -> dict[str, Any]:
    """One link."""
    return entities.one(session, actor, project_id, LINK, link_id)


def _columns(project: ProjectRecord, type_: str, lag_text: str) -> dict[str, Any]:
    try:
        lag = parse_lag(lag_text, tasks.units_of(project))
    except ValueError as exc:
        raise InvalidInputError(Problem("invalid_lag", str(exc), "lag")) from None
    return mappers.dependency_fields(Dependency("p", "s", LinkType(type_), lag))


def create_link(session: Session, actor: Actor, project_id: int, body: LinkCreate) -> dict[str, Any]:
    """Make ``successor`` depend on ``predecessor`` (a cycle is refused, and named)."""
    project = project_for(session, actor, project_id, Action.EDIT)
    entities.referenced("predecessor_id", lambda: tasks.task_in(session, project_id, body.predecessor_id))
    entities.referenced("successor_id", lambda: tasks.task_in(session, project_id, body.successor_id))
    if body.predecessor_id == body.successor_id:
        raise InvalidInputError(Problem("self_link", "a task cannot depend on itself", "successor_id"))
    pair = (DependencyRecord.predecessor_id == body.predecessor_id, DependencyRecord.successor_id == body.successor_id)
    if repo.count(session, DependencyRecord, *pair):
        raise InvalidInputError(Problem("duplicate_link", "these tasks are already linked this way", "predecessor_id"))
    record = DependencyRecord(
        project_id=project_id,
        predecessor_id=body.predecessor_id,
        successor_id=body.successor_id,
        **_columns(project, body.type, body.lag),
    )
    return entities.add(session, actor, project, LINK, record, lambda: tasks.check_structure(session, project_id))


def update_link(
    session: Session, actor: Actor, project_id: int, link_id: int, body: LinkUpdate, version: int | None = None
) -> dict[str, Any]:
    """Change the type or lag."""
    project = project_for(session, actor, project_id, Action.EDIT)
    record = entities.record_in(session, LINK, project_id, link_id)

    def columns() -> dict[str, Any]:
        current = link_view(session, record, project)
        return _columns(project, body.type or current["type"], body.lag if body.lag is not None else current["lag"])

    check = lambda: tasks.check_structure(session, project_id)  # noqa: E731
    return entities.change(session, actor, project, LINK, record, columns, body.version or version, check)


def delete_link(session: Session, actor: Actor, project_id: int, link_id: int, version: int | None) -> None:
    """Remove a link."""
    entities.delete(session, actor, project_id, LINK, link_id, version)


# ------------------------------------------------------------------ by key, as in a plan file
def outline(session: Session, project_id: int) -> tuple[dict[str, Task], dict[str, int]]:
    """Every task of the project by full key (key and parent only), and its id."""
    rows = repo.task_tree(session, project_id)
    own = {i: (p, k) for i, p, k in rows}

    def full(ident: int) -> str:
        parent, key = own[ident]
        return key if parent is None or parent not in own else f"{full(parent)}.{key}"

    ids = {full(i): i for i in own}
    keys = {i: k for k, i in ids.items()}
    outline_tasks = {}
    for key, ident in ids.items():
        parent = own[ident][0]
        outline_tasks[key] = Task(key=key, parent=keys[parent] if parent is not None and parent in keys else None)
    return outline_tasks, ids


def predecessor_texts(project: Project) -> dict[str, list[str]]:
    """Each task's predecessors as its ``after`` entries in a plan file, by full key."""
    by_key = {t.key: t for t in project.tasks}
    out: dict[str, list[str]] = {}
    for dep in project.dependencies:
        out.setdefault(dep.successor, []).append(after_text(dep, by_key, project.units))
    return out


def set_predecessors(session: Session, actor: Actor, project_id: int, task_id: int, texts: list[str]) -> None:
    """Make the task's predecessors exactly those written (``design +2d, review SS``):
    links no longer named are removed, changed ones updated, new ones added."""
    project = project_for(session, actor, project_id, Action.EDIT)
    tasks.task_in(session, project_id, task_id)
    outline_tasks, ids = outline(session, project_id)
    keys = {i: k for k, i in ids.items()}
    wanted = read_after(texts, keys[task_id], outline_tasks, tasks.units_of(project))
    current = {
        r.predecessor_id: r
        for r in repo.rows(
            session,
            DependencyRecord,
            DependencyRecord.project_id == project_id,
            DependencyRecord.successor_id == task_id,
        )
    }
    seen: set[int] = set()
    for dep in wanted:
        pred = ids[dep.predecessor]
        if pred in seen:
            raise InvalidInputError(Problem("duplicate_link", f"'{dep.predecessor}' is named twice", "after"))
        seen.add(pred)
        columns = mappers.dependency_fields(dep)
        record = current.get(pred)
        if record is None:
            made = DependencyRecord(project_id=project_id, predecessor_id=pred, successor_id=task_id, **columns)
            repo.add(session, made)
            edits.created(session, actor, project_id, LINK.name, made)
            continue
        _change(session, actor, project_id, record, columns)
    for pred, record in current.items():
        if pred not in seen:
            before = repo.snapshot(record)
            repo.remove(session, record)
            edits.deleted(session, actor, project_id, LINK.name, before)
    tasks.check_structure(session, project_id)


def _change(session: Session, actor: Actor, project_id: int, record: DependencyRecord, columns: dict[str, Any]) -> None:
    before = repo.snapshot(record)
    if edits.apply(record, columns):
        edits.write(session, LINK.name, lambda: repo.snapshot(record))
        edits.updated(session, actor, project_id, LINK.name, before, record)
