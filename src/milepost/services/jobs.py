"""Background jobs: long operations (levelling) run in a worker thread of the server
process that started them, with their state in the database (table ``jobs``), so any
server process can report or cancel them.

A job is ``queued`` until a worker takes it (each process runs :data:`WORKERS` at a
time), then ``running`` with a progress from 0 to 1 and a message, then ``done``,
``failed`` (the message says why) or ``cancelled``.  The worker writes its progress at
most every :data:`REPORT_EVERY` seconds and reads the cancel flag each time, so a cancel
asked through any process stops the engine within a fraction of a second.  A job that
has not reported for :data:`LOST_AFTER` seconds (its process stopped) is failed when it
is next read.  A levelling job stores its result in the result cache exactly as
``POST /projects/{id}/level`` does, so ``GET /projects/{id}/level`` returns it.

Starting a job (:func:`start_levelling`) only adds its row; the caller commits, then
:func:`launch` runs it in a thread with transactions of its own (never one held open
while the engine works).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from milepost.errors import ConflictError, MilepostError, NotFoundError
from milepost.schemas.scheduling import LevelRequest
from milepost.services.access import Action, Actor, project_for
from milepost.services.scheduling import LEVEL, level_params
from milepost.storage import mappers
from milepost.storage import repository as repo
from milepost.storage.clock import utcnow
from milepost.storage.db import Session, SessionFactory, transaction
from milepost.storage.models import JobRecord, ProjectRecord

if TYPE_CHECKING:
    from milepost.domain.levelling import LevelParams, LevelResult, Progress
    from milepost.domain.project import Project

log = logging.getLogger("milepost.jobs")

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
ACTIVE = (QUEUED, RUNNING)
KIND_LEVEL = "level"
WORKERS = 2
"""Jobs one server process runs at once; more wait, queued."""
REPORT_EVERY = 0.2
"""Seconds between two writes of a job's progress (and reads of its cancel flag)."""
LOST_AFTER = 120.0
"""Seconds without a report after which a queued or running job counts as lost."""

_slots = threading.BoundedSemaphore(WORKERS)


# ------------------------------------------------------------------ reading and asking
def job_view(record: JobRecord) -> dict[str, Any]:
    """A job as the API shows it (times in UTC)."""

    def utc(moment: datetime | None) -> datetime | None:
        return moment.replace(tzinfo=UTC) if moment is not None else None

    done = record.status == DONE and record.kind == KIND_LEVEL
    return {
        "id": record.id,
        "project_id": record.project_id,
        "user_id": record.user_id,
        "kind": record.kind,
        "status": record.status,
        "progress": min(max(record.progress, 0.0), 1.0),
        "message": record.message,
        "cancel_requested": record.cancel_requested,
        "params": record.params,
        "result": f"/api/v1/projects/{record.project_id}/level" if done else None,
        "created_at": utc(record.created_at),
        "started_at": utc(record.started_at),
        "finished_at": utc(record.finished_at),
        "updated_at": utc(record.updated_at),
    }


def _checked(record: JobRecord) -> JobRecord:
    """The job, failed first if its process stopped without finishing it."""
    if record.status in ACTIVE and utcnow() - record.updated_at > timedelta(seconds=LOST_AFTER):
        _end(record, FAILED, "Lost: the server process running it stopped before it finished. Start it again.")
    return record


def _job_for(session: Session, actor: Actor, job_id: int, action: Action) -> JobRecord:
    record = repo.get(session, JobRecord, job_id)
    if record is not None:
        try:
            project_for(session, actor, record.project_id, action)
        except NotFoundError:
            record = None
    if record is None:
        raise NotFoundError(f"job {job_id} not found")
    return _checked(record)


def get_job(session: Session, actor: Actor, job_id: int) -> dict[str, Any]:
    """One job of a project the caller may read."""
    return job_view(_job_for(session, actor, job_id, Action.READ))


def active_job(session: Session, actor: Actor, project_id: int, kind: str = KIND_LEVEL) -> dict[str, Any] | None:
    """The project's queued or running job of this kind, if any."""
    project_for(session, actor, project_id, Action.READ)
    found = repo.rows(
        session, JobRecord, JobRecord.project_id == project_id, JobRecord.kind == kind,
        JobRecord.status.in_(ACTIVE), order=JobRecord.id.desc(), limit=1,
    )  # fmt: skip
    record = _checked(found[0]) if found else None
    return job_view(record) if record is not None and record.status in ACTIVE else None


def start_levelling(session: Session, actor: Actor, project_id: int, request: LevelRequest) -> dict[str, Any]:
    """Queue a levelling of the project (managers); :func:`launch` it once committed.
    One levelling runs per project at a time (``job_running``, with the one running)."""
    project_for(session, actor, project_id, Action.EDIT)
    _not_running(session, actor, project_id)
    now = utcnow()
    record = JobRecord(
        project_id=project_id, user_id=actor.user_id, kind=KIND_LEVEL, status=QUEUED, progress=0.0,
        message="Waiting for a worker", cancel_requested=False, params=request.model_dump(mode="json"),
        created_at=now, updated_at=now,
    )  # fmt: skip
    try:
        repo.add(session, record)
    except repo.IntegrityError:  # someone else's request queued one a moment ago
        repo.rollback(session)
        _not_running(session, actor, project_id)
        raise
    return job_view(record)


def _not_running(session: Session, actor: Actor, project_id: int) -> None:
    running = active_job(session, actor, project_id)
    if running is not None:
        message = f"the project is being levelled already (job {running['id']}): wait for it or cancel it"
        raise ConflictError(message, current=running, code="job_running")


def cancel_job(session: Session, actor: Actor, job_id: int) -> dict[str, Any]:
    """Ask a job to stop (managers); it stops at its next report.  A finished job stays as it is."""
    record = _job_for(session, actor, job_id, Action.EDIT)
    if record.status in ACTIVE and not record.cancel_requested:
        record.cancel_requested = True
        record.message = "Cancelling…"
        repo.flush(session)
    return job_view(record)


# ------------------------------------------------------------------ running
def launch(factory: SessionFactory, job_id: int) -> threading.Thread:
    """Run the (committed) job in a new thread of this process."""
    thread = threading.Thread(target=run_job, args=(factory, job_id), name=f"milepost-job-{job_id}", daemon=True)
    thread.start()
    return thread


def run_job(factory: SessionFactory, job_id: int) -> None:
    """Run a queued job to its end in this thread; every outcome is written to its row."""
    worker = Worker(factory, job_id)
    try:
        if not worker.take():
            return
    except Exception:
        log.exception("job %s could not start", job_id)
        return
    try:
        _run(worker)
    except Exception as exc:
        if not isinstance(exc, MilepostError):
            log.exception("job %s failed", job_id)
        reason = exc.message if isinstance(exc, MilepostError) else "an internal error stopped it (see the server log)"
        worker.finish(FAILED, f"Failed: {reason}")
    finally:
        _slots.release()


def _run(worker: Worker) -> None:
    with transaction(worker.factory) as session:
        record = worker.row(session)
        if record is None or record.status != QUEUED:
            return
        if record.cancel_requested:
            _end(record, CANCELLED, "Cancelled before it started.")
            return
        record.status, record.message = RUNNING, "Loading the plan"
        record.started_at = record.updated_at = utcnow()
        request = LevelRequest.model_validate(record.params)
        project_id = record.project_id
    with transaction(worker.factory) as session:  # reads only: the database stays free meanwhile
        revision = repo.revision(session, project_id)  # before loading: a change meanwhile makes it older
        stored = repo.get(session, ProjectRecord, project_id)
        if stored is None:  # deleted meanwhile, with its jobs
            return
        project = mappers.load(session, stored).project
    result = _level(project, level_params(request), worker)
    if worker.cancelled:
        worker.finish(CANCELLED, "Cancelled: nothing was stored.")
        return
    from milepost.io.results import level_to_dict

    body = orjson.dumps(level_to_dict(result), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    with transaction(worker.factory) as session:
        record = worker.row(session)
        if record is None or record.status != RUNNING:
            return
        if record.cancel_requested:
            _end(record, CANCELLED, "Cancelled: nothing was stored.")
            return
        repo.store_result(session, project_id, LEVEL, revision, request.model_dump_json(), body.decode())
        changed = repo.revision(session, project_id) != revision
        _end(record, DONE, _summary(result) + (" The plan changed meanwhile: level it again." if changed else ""))


def _level(project: Project, params: LevelParams, progress: Progress) -> LevelResult:
    """The levelling engine (imported on first use: the API starts quicker without it)."""
    from milepost.engine.levelling.level import level

    return level(project, params, progress)


def _summary(result: LevelResult) -> str:
    before, after = result.unlevelled.finish_date, result.schedule.finish_date
    delayed = len(result.delays)
    return (
        f"Levelled: finish {after:%a %d %b %Y %H:%M} (unlevelled {before:%a %d %b %Y %H:%M}); "
        f"{delayed} task{'' if delayed == 1 else 's'} delayed."
    )


def _end(record: JobRecord, status: str, message: str) -> None:
    if record.status not in ACTIVE:
        return
    record.status, record.message = status, message[:500]
    record.finished_at = record.updated_at = utcnow()
    if status == DONE:
        record.progress = 1.0


class Worker:
    """One job as the thread running it sees it, and the engine's progress callback: it
    writes the progress (at most every :data:`REPORT_EVERY` seconds) and answers ``False``
    once the job is to stop.  It only ever touches its own row (the one with the id *and*
    the creation time it took, so an id used again after a restore is not mistaken for it)."""

    def __init__(self, factory: SessionFactory, job_id: int) -> None:
        self.factory = factory
        self.job_id = job_id
        self.created_at: datetime | None = None
        self.cancelled = False
        self._last = -REPORT_EVERY

    def row(self, session: Session) -> JobRecord | None:
        """The job's row, if it is still this job's."""
        record = repo.get(session, JobRecord, self.job_id)
        if record is None or (self.created_at is not None and record.created_at != self.created_at):
            return None
        return record

    def take(self) -> bool:
        """Wait for a worker slot (reporting meanwhile, so a queued job is not taken for
        lost); ``False``, without a slot, when the job is cancelled or gone before its turn."""
        with transaction(self.factory) as session:
            record = self.row(session)
            if record is None or record.status != QUEUED:
                return False
            self.created_at = record.created_at
        while not _slots.acquire(timeout=min(LOST_AFTER / 4, 5.0)):
            with transaction(self.factory) as session:
                record = self.row(session)
                if record is None or record.status != QUEUED:
                    return False
                if record.cancel_requested:
                    _end(record, CANCELLED, "Cancelled before it started.")
                    return False
                record.updated_at = utcnow()
        return True

    def finish(self, status: str, message: str) -> None:
        """End the job (when it is still running)."""
        with transaction(self.factory) as session:
            record = self.row(session)
            if record is not None:
                _end(record, status, message)

    def __call__(self, fraction: float, message: str) -> bool:
        """Report; ``False`` when cancelled (or the job is gone, or failed as lost)."""
        if self.cancelled:
            return False
        now = time.monotonic()
        if now - self._last < REPORT_EVERY:
            return True
        self._last = now
        try:
            with transaction(self.factory) as session:
                record = self.row(session)
                if record is None or record.status != RUNNING or record.cancel_requested:
                    self.cancelled = True
                else:
                    record.progress = max(record.progress, min(max(fraction, 0.0), 1.0))
                    record.message = message[:500]
                    record.updated_at = utcnow()
        except Exception:  # the database busy or away for a moment: keep working, report later
            log.warning("job %s could not report its progress", self.job_id, exc_info=True)
        return not self.cancelled
