"""Scheduling and levelling a stored project, with results cached per revision.

A project's revision goes up with every change, so a result stored with the revision
it was computed from is current exactly while the revision is unchanged: reads of an
unchanged project cost one row.  The revision is read before the project is loaded, so
a change that lands meanwhile makes the result look older, never newer, than it is.
Several server processes share the cache through the database.
"""

from __future__ import annotations

import orjson

from milepost.domain.levelling import LevelParams, Objective
from milepost.errors import NotFoundError
from milepost.schemas.scheduling import LevelRequest
from milepost.services.access import Action, Actor, project_for
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import Session

SCHEDULE, LEVEL = "schedule", "level"


def schedule_project(session: Session, actor: Actor, project_id: int, *, action: Action = Action.READ) -> bytes:
    """The critical-path schedule as the CLI's JSON (``milepost schedule -f json``)."""
    from milepost.engine import schedule
    from milepost.io.results import schedule_to_json

    record = project_for(session, actor, project_id, action)
    revision = repo.revision(session, project_id)
    cached = repo.cached_result(session, project_id, SCHEDULE)
    if cached is not None and cached.revision == revision:
        return cached.body.encode()
    body = schedule_to_json(schedule(mappers.load(session, record).project))
    repo.store_result(session, project_id, SCHEDULE, revision, "", body.decode())
    return body


def level_project(session: Session, actor: Actor, project_id: int, request: LevelRequest) -> bytes:
    """Level the project's resources; the levelled schedule with every delay explained."""
    from milepost.engine.levelling.level import level
    from milepost.io.results import level_to_dict

    record = project_for(session, actor, project_id, Action.EDIT)
    revision = repo.revision(session, project_id)
    params = request.model_dump_json()
    cached = repo.cached_result(session, project_id, LEVEL)
    if cached is not None and (cached.revision, cached.params) == (revision, params):
        return cached.body.encode()
    result = level(mappers.load(session, record).project, level_params(request))
    body = orjson.dumps(level_to_dict(result), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    repo.store_result(session, project_id, LEVEL, revision, params, body.decode())
    return body


def level_params(request: LevelRequest) -> LevelParams:
    """The engine's parameters for a levelling request."""
    return LevelParams(
        optimize=request.optimize,
        time_limit=request.time_limit,
        schedules=request.schedules,
        seed=request.seed,
        within_float=request.within_float,
        objective=Objective(request.objective),
    )


def last_levelling(session: Session, actor: Actor, project_id: int) -> bytes:
    """The levelling of the project as it is now, if one was run since its last change."""
    project_for(session, actor, project_id, Action.READ)
    cached = repo.cached_result(session, project_id, LEVEL)
    if cached is None or cached.revision != repo.revision(session, project_id):
        raise NotFoundError("the project has not been levelled since its last change: POST .../level to level it")
    return cached.body.encode()
