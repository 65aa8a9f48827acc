"""Scheduling and levelling a stored project, with results cached per revision.

A project's revision goes up with every change, so a result stored with the revision
it was computed from is current exactly while the revision is unchanged: reads of an
unchanged project cost one row.  The revision is read before the project is loaded, so
a change that lands meanwhile makes the result look older, never newer, than it is.
Several server processes share the cache through the database.  Within one process,
the last results are kept in memory for a few seconds (a read then costs no transfer
of the document from the database), and requests that find the same revision uncached
wait for one computation instead of each running their own (a burst of reads after an
edit computes once).  For projects whose schedule is being read, the schedule of each
new revision is computed ahead of the next read (:class:`Ahead`).
"""

from __future__ import annotations

import logging
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
from milepost.storage.db import Session, SessionFactory, on_changes, transaction
from milepost.storage.models import ProjectRecord

SCHEDULE, LEVEL = "schedule", "level"
log = logging.getLogger(__name__)


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
    record = project_for(session, actor, project_id, action)
    ahead.watch(session, project_id)
    return schedule_body(session, record, repo.revision(session, project_id))


def schedule_body(session: Session, record: ProjectRecord, revision: int) -> bytes:
    """The schedule's JSON at ``revision``: kept by this process, else by the database,
    else computed (and kept by both)."""
    from milepost.io.results import schedule_to_json

    def kept_or_computed() -> bytes:
        kept = repo.result_body(session, record.id, SCHEDULE, revision)
        if kept is not None:
            return kept.encode()
        body = schedule_to_json(planning.scheduled(session, record, revision)[1])
        repo.store_result(session, record.id, SCHEDULE, revision, "", body.decode())
        return body

    # the database, the project (ids are reused by a new database) and its revision
    return _schedules.get((_database(session), record.id, record.created_at, revision), kept_or_computed)


def _database(session: Session) -> str:
    return str(session.get_bind().engine.url)


class Ahead:
    """Schedules computed ahead of their reads, for the projects being watched.

    A project whose schedule was read in the last :attr:`watch_seconds` is watched.  After
    a commit that changes it, one thread of this process computes its new schedule (and
    keeps it here and in the database), so that the next read finds it ready instead of
    computing it while the reader waits.  Changes that land while it computes are taken
    together: the thread then computes the latest revision once.  A read that comes first
    still computes (or waits for the computation under way), so nothing is ever stale.
    """

    def __init__(self, watch_seconds: float = 30.0) -> None:
        self.watch_seconds = watch_seconds
        self._watched: dict[tuple[str, int], float] = {}
        self._pending: dict[tuple[str, int], SessionFactory] = {}
        self._busy = False
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()

    def watch(self, session: Session, project_id: int) -> None:
        """Someone reads this project's schedule now."""
        with self._cond:
            self._watched[(_database(session), project_id)] = time.monotonic()

    def install(self, factory: SessionFactory) -> None:
        """Compute ahead after the commits of sessions from ``factory``."""
        url = str(factory.kw["bind"].url)
        on_changes(factory, lambda ids: self.changed(factory, url, ids))

    def changed(self, factory: SessionFactory, url: str, project_ids: set[int]) -> None:
        """These projects changed (committed): compute the watched ones' schedules."""
        now = time.monotonic()
        with self._cond:
            for pid in project_ids:
                seen = self._watched.get((url, pid))
                if seen is not None and now - seen < self.watch_seconds:
                    self._pending[(url, pid)] = factory
                elif seen is not None:
                    del self._watched[(url, pid)]
            if self._pending:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, name="milepost-schedules-ahead", daemon=True)
                    self._thread.start()
                self._cond.notify()

    def forget(self) -> None:
        """Watch nothing (a workspace emptied or restored: its ids mean other projects now)."""
        with self._cond:
            self._watched.clear()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is pending or being computed (for tests and shutdown)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._cond.wait_for(lambda: bool(self._pending), timeout=60.0):
                    self._thread = None
                    return  # idle for a minute: the thread ends, the next change starts one
                (_, project_id), factory = self._pending.popitem()
                self._busy = True
            try:
                self._compute(factory, project_id)
            except Exception:  # a project deleted meanwhile, a database going away...
                log.warning("computing project %s's schedule ahead failed", project_id, exc_info=True)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    @staticmethod
    def _compute(factory: SessionFactory, project_id: int) -> None:
        with transaction(factory) as session:
            record = repo.get(session, ProjectRecord, project_id)
            if record is not None:
                schedule_body(session, record, repo.revision(session, project_id))


ahead = Ahead()


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
