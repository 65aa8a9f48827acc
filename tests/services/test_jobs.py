"""Background jobs: a levelling runs in a thread, reports its progress in the database,
stops when cancelled through any process, and records how it ended."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
import pytest

from milepost.domain.levelling import LevelParams, LevelResult, Progress
from milepost.domain.project import Project
from milepost.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from milepost.schemas.projects import MemberWrite
from milepost.schemas.scheduling import LevelRequest
from milepost.services import jobs, members, projects, scheduling
from milepost.services.workspace import Database
from milepost.storage.db import make_engine, session_factory, transaction
from milepost.storage.models import JobRecord
from tests.workspace import User, make_user

PLAN = b"""\
milepost: 1
project: {name: Jobs, start: 2027-03-01}
resources:
  - {key: alice, name: Alice}
tasks:
  - {key: api, duration: 3d, assign: [alice]}
  - {key: ui, duration: 3d, assign: [alice]}
  - {key: review, duration: 1d, after: [api, ui]}
"""


@dataclass
class Setup:
    db: Database
    other: Database
    """The same database through an engine of its own: another server process."""
    owner: User
    viewer: User
    outsider: User
    project_id: int

    def run(self, fn: Callable[..., Any], *args: Any, user: User | None = None, other: bool = False) -> Any:
        with transaction((self.other if other else self.db).sessions) as session:
            return fn(session, (user or self.owner).actor, *args)

    def start(self, request: LevelRequest | None = None) -> tuple[int, Any]:
        job = self.run(jobs.start_levelling, self.project_id, request or LevelRequest(schedules=50))
        return job["id"], jobs.launch(self.db.sessions, job["id"])

    def job(self, job_id: int) -> dict[str, Any]:
        return self.run(jobs.get_job, job_id, other=True)  # type: ignore[no-any-return]

    def until(self, job_id: int, done: Callable[[dict[str, Any]], bool], timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if done(job) or time.monotonic() > deadline:
                return job
            time.sleep(0.02)


@pytest.fixture
def setup(db: Database, database_url: str) -> Iterator[Setup]:
    owner, viewer, outsider = (make_user(db, f"{n}@jobs.test") for n in ("owner", "viewer", "outsider"))
    with transaction(db.sessions) as s:
        pid = projects.import_project(s, owner.actor, "jobs.yaml", PLAN)["project"]["id"]
        members.add_member(s, owner.actor, pid, MemberWrite(user_id=viewer.id, role="viewer"))
    engine = make_engine(database_url)
    try:
        yield Setup(db, Database(engine, session_factory(engine)), owner, viewer, outsider, pid)
    finally:
        engine.dispose()


def real_level(project: Project, params: LevelParams, progress: Progress) -> LevelResult:
    from milepost.engine.levelling.level import level

    return level(project, params, progress)


def slow_then_level(steps: int, pause: float) -> Callable[[Project, LevelParams, Progress], LevelResult]:
    """An engine that works ``steps`` times ``pause`` seconds (reporting each step) before
    levelling; it stops early when told to."""

    def engine(project: Project, params: LevelParams, progress: Progress) -> LevelResult:
        for step in range(steps):
            if not progress(step / steps / 2, f"step {step} of {steps}"):
                break
            time.sleep(pause)
        return real_level(project, params, progress)

    return engine


def test_a_levelling_job_runs_to_done_and_stores_its_result(setup: Setup) -> None:
    job_id, thread = setup.start()
    thread.join(30)
    job = setup.job(job_id)
    assert (job["status"], job["progress"], job["cancel_requested"]) == ("done", 1.0, False)
    assert job["message"].startswith("Levelled: finish ")
    assert "2 tasks delayed" in job["message"]
    assert job["result"] == f"/api/v1/projects/{setup.project_id}/level"
    assert job["started_at"] <= job["finished_at"]
    body = orjson.loads(setup.run(scheduling.last_levelling, setup.project_id, user=setup.viewer))
    delayed = {t["key"]: t for t in body["tasks"] if t["delay_minutes"]}
    assert set(delayed) in ({"ui", "review"}, {"api", "review"})
    # the same request run synchronously finds the job's result in the cache
    assert setup.run(scheduling.level_project, setup.project_id, LevelRequest(schedules=50)) == orjson.dumps(
        body, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    )


def test_progress_moves_and_is_seen_by_another_process(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_level", slow_then_level(60, 0.02))
    job_id, thread = setup.start()
    seen: list[float] = []
    job = setup.until(job_id, lambda j: seen.append(j["progress"]) is None and j["status"] not in jobs.ACTIVE)
    thread.join(10)
    assert job["status"] == "done"
    moving = [p for p in seen if 0 < p < 1]
    assert len(set(moving)) >= 2, seen
    assert seen == sorted(seen)


def test_cancel_through_another_process_stops_it_quickly(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_level", slow_then_level(3000, 0.01))  # half a minute if not stopped
    job_id, thread = setup.start()
    running = setup.until(job_id, lambda j: j["status"] == "running" and j["progress"] > 0)
    assert running["status"] == "running"
    asked = time.monotonic()
    cancelled = setup.run(jobs.cancel_job, job_id, other=True)
    assert cancelled["cancel_requested"]
    assert cancelled["status"] == "running"
    thread.join(10)
    assert time.monotonic() - asked < 3
    job = setup.job(job_id)
    assert (job["status"], job["result"]) == ("cancelled", None)
    assert job["message"].startswith("Cancelled")
    with pytest.raises(NotFoundError):
        setup.run(scheduling.last_levelling, setup.project_id)
    assert setup.run(jobs.cancel_job, job_id)["status"] == "cancelled"  # an ended job stays as it ended


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (InvalidInputError("'api' cannot be levelled"), "Failed: 'api' cannot be levelled"),
        (RuntimeError("boom"), "Failed: an internal error stopped it (see the server log)"),
    ],
)
def test_a_failure_is_recorded(setup: Setup, monkeypatch: pytest.MonkeyPatch, error: Exception, expected: str) -> None:
    def broken(project: Project, params: LevelParams, progress: Progress) -> LevelResult:
        progress(0.1, "starting")
        raise error

    monkeypatch.setattr(jobs, "_level", broken)
    job_id, thread = setup.start()
    thread.join(10)
    job = setup.job(job_id)
    assert (job["status"], job["message"]) == ("failed", expected)
    assert job["finished_at"] is not None


def test_one_levelling_of_a_project_at_a_time(setup: Setup) -> None:
    first = setup.run(jobs.start_levelling, setup.project_id, LevelRequest())
    with pytest.raises(ConflictError) as caught:
        setup.run(jobs.start_levelling, setup.project_id, LevelRequest())
    assert caught.value.code == "job_running"
    assert caught.value.current is not None
    assert caught.value.current["id"] == first["id"]
    assert setup.run(jobs.active_job, setup.project_id, user=setup.viewer)["id"] == first["id"]


def test_a_cancelled_queued_job_never_runs(setup: Setup) -> None:
    job = setup.run(jobs.start_levelling, setup.project_id, LevelRequest())
    setup.run(jobs.cancel_job, job["id"])
    jobs.run_job(setup.db.sessions, job["id"])
    assert setup.job(job["id"])["status"] == "cancelled"


def test_a_lost_job_is_failed_when_read(setup: Setup) -> None:
    job = setup.run(jobs.start_levelling, setup.project_id, LevelRequest())
    with transaction(setup.db.sessions) as s:
        record = s.get_one(JobRecord, job["id"])
        record.status = "running"
        record.updated_at -= timedelta(seconds=jobs.LOST_AFTER + 1)
    found = setup.job(job["id"])
    assert found["status"] == "failed"
    assert found["message"].startswith("Lost")
    assert setup.run(jobs.active_job, setup.project_id) is None
    setup.run(jobs.start_levelling, setup.project_id, LevelRequest())  # a new one may start


def test_who_may_see_and_cancel_a_job(setup: Setup) -> None:
    job = setup.run(jobs.start_levelling, setup.project_id, LevelRequest())
    assert setup.run(jobs.get_job, job["id"], user=setup.viewer)["status"] == "queued"
    with pytest.raises(PermissionDeniedError):
        setup.run(jobs.cancel_job, job["id"], user=setup.viewer)
    with pytest.raises(PermissionDeniedError):
        setup.run(jobs.start_levelling, setup.project_id, LevelRequest(), user=setup.viewer)
    for fn in (jobs.get_job, jobs.cancel_job):
        with pytest.raises(NotFoundError, match=f"job {job['id']} not found"):
            setup.run(fn, job["id"], user=setup.outsider)
    with pytest.raises(NotFoundError):
        setup.run(jobs.get_job, job["id"] + 1000)


def test_two_requests_at_the_same_moment_queue_one_job(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests looked before either queued its job: the database takes the first one
    and the second is told which job runs, as if it had seen it."""
    first = setup.run(jobs.start_levelling, setup.project_id, LevelRequest(schedules=50))
    looked = jobs.active_job
    calls: list[int] = []

    def before_the_first_was_queued(*args: Any, **kwargs: Any) -> dict[str, Any] | None:
        calls.append(1)
        return None if len(calls) == 1 else looked(*args, **kwargs)

    monkeypatch.setattr(jobs, "active_job", before_the_first_was_queued)
    with pytest.raises(ConflictError) as refused:
        setup.run(jobs.start_levelling, setup.project_id, LevelRequest(schedules=50))
    assert refused.value.code == "job_running"
    assert refused.value.current["id"] == first["id"]
    monkeypatch.setattr(jobs, "active_job", looked)
    with transaction(setup.db.sessions) as session:
        queued = session.query(JobRecord).filter(JobRecord.project_id == setup.project_id).count()
    assert queued == 1
