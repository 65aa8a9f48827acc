"""Scheduling and levelling a stored project, with results cached per revision.

A project's revision goes up with every change, so a result stored with the revision
it was computed from is current exactly while the revision is unchanged: reads of an
unchanged project cost one row.  The revision is read before the project is loaded, so
a change that lands meanwhile makes the result look older, never newer, than it is.
Several server processes share the cache through the database.  Within one process,
the last results are kept in memory for a few seconds (a read then costs no transfer
of the document from the database), and requests that find the same revision uncached
wait for one computation instead of each running their own (a burst of reads after an
edit computes once).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import orjson

from milepost.domain.levelling import LevelParams, Objective
from milepost.errors import NotFoundError
from milepost.schemas.scheduling import LevelRequest
from milepost.services import planning
from milepost.services.access import Action, Actor, project_for
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.db import Session

SCHEDULE, LEVEL = "schedule", "level"


class SingleFlight:
    """Compute a body once per key in this process: callers of the same key wait for the
    first, and get its body for a few seconds after.  Keys name immutable inputs (a
    project at a revision); the short life only guards against a key meaning something
    else later (a workspace restored from a backup, whose revisions start again)."""

    def __init__(self, keep: int = 8, seconds: float = 10.0, stripes: int = 16) -> None:
        self._keep, self._seconds = keep, seconds
        self._bodies: OrderedDict[tuple[object, ...], tuple[float, bytes]] = OrderedDict()
        self._stripes = [threading.Lock() for _ in range(stripes)]  # a lock per key, bounded
        self._guard = threading.Lock()

    def get(self, key: tuple[object, ...], compute: Callable[[], bytes]) -> bytes:
        """The body for ``key``, computed at most once at a time."""
        with self._stripes[hash(key) % len(self._stripes)]:
            with self._guard:
                kept = self._bodies.get(key)
                if kept is not None:
                    self._bodies.move_to_end(key)  # the least recently used go first
            if kept is not None and time.monotonic() - kept[0] < self._seconds:
                return kept[1]
            body = compute()
            with self._guard:
                self._bodies[key] = (time.monotonic(), body)
                self._bodies.move_to_end(key)
                while len(self._bodies) > self._keep:
                    self._bodies.popitem(last=False)
        return body


_schedules = SingleFlight()


def schedule_project(session: Session, actor: Actor, project_id: int, *, action: Action = Action.READ) -> bytes:
    """The critical-path schedule as the CLI's JSON (``milepost schedule -f json``)."""
    from milepost.io.results import schedule_to_json

    record = project_for(session, actor, project_id, action)
    revision = repo.revision(session, project_id)

    def kept_or_computed() -> bytes:
        kept = repo.result_body(session, project_id, SCHEDULE, revision)
        if kept is not None:
            return kept.encode()
        body = schedule_to_json(planning.scheduled(session, record, revision)[1])
        repo.store_result(session, project_id, SCHEDULE, revision, "", body.decode())
        return body

    # the database, the project (ids are reused by a new database) and its revision
    return _schedules.get(
        (str(session.get_bind().engine.url), project_id, record.created_at, revision), kept_or_computed
    )


def level_project(session: Session, actor: Actor, project_id: int, request: LevelRequest) -> bytes:
    """Level the project's resources; the levelled schedule with every delay explained."""
    from milepost.engine.levelling.level import level
    from milepost.io.results import level_to_dict

    record = project_for(session, actor, project_id, Action.EDIT)
    revision = repo.revision(session, project_id)
    params = request.model_dump_json()
    kept = repo.result_body(session, project_id, LEVEL, revision, params)
    if kept is not None:
        return kept.encode()
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
