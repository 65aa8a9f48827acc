"""Levelling in the background through the API: 202 with a job, its progress, cancel,
and the result at GET .../level; the synchronous POST .../level keeps working."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from milepost.services import jobs
from milepost.services.workspace import Database
from tests.services.test_jobs import PLAN, slow_then_level
from tests.workspace import User, make_user

API = "/api/v1"


def project(client: TestClient, user: User) -> int:
    reply = client.post(f"{API}/projects/import", files={"file": ("jobs.yaml", PLAN)}, headers=user.headers)
    assert reply.status_code == 201, reply.text
    return int(reply.json()["project"]["id"])


def until_ended(client: TestClient, user: User, job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        reply = client.get(f"{API}/jobs/{job_id}", headers=user.headers)
        assert reply.status_code == 200, reply.text
        job: dict[str, Any] = reply.json()
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return job
        time.sleep(0.02)


def test_a_background_levelling_gives_the_same_result_as_the_synchronous_one(client: TestClient, db: Database) -> None:
    olga = make_user(db, "olga@jobs.test")
    pid = project(client, olga)
    started = client.post(f"{API}/projects/{pid}/level/jobs", json={"schedules": 100}, headers=olga.headers)
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["kind"], job["project_id"], job["user_id"]) == ("level", pid, olga.id)
    assert job["status"] in ("queued", "running", "done")
    assert job["params"]["schedules"] == 100
    assert job["created_at"].endswith("Z")
    ended = until_ended(client, olga, job["id"])
    assert (ended["status"], ended["progress"], ended["result"]) == ("done", 1.0, f"{API}/projects/{pid}/level")
    result = client.get(ended["result"], headers=olga.headers)
    assert result.status_code == 200
    assert result.json()["resource_critical_path"]
    synchronous = client.post(f"{API}/projects/{pid}/level", json={"schedules": 100}, headers=olga.headers)
    assert synchronous.status_code == 200
    assert synchronous.content == result.content
    done = client.post(f"{API}/jobs/{job['id']}/cancel", headers=olga.headers)
    assert (done.status_code, done.json()["status"]) == (200, "done")


def test_cancel_and_one_levelling_at_a_time(client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_level", slow_then_level(3000, 0.01))
    olga = make_user(db, "olga@jobs.test")
    pid = project(client, olga)
    job = client.post(f"{API}/projects/{pid}/level/jobs", headers=olga.headers).json()
    second = client.post(f"{API}/projects/{pid}/level/jobs", json={"optimize": True}, headers=olga.headers)
    assert second.status_code == 409
    assert second.json()["code"] == "job_running"
    assert second.json()["current"]["id"] == job["id"]
    cancel = client.post(f"{API}/jobs/{job['id']}/cancel", headers=olga.headers)
    assert cancel.status_code == 200
    assert cancel.json()["cancel_requested"] is True
    ended = until_ended(client, olga, job["id"])
    assert (ended["status"], ended["result"]) == ("cancelled", None)
    assert client.get(f"{API}/projects/{pid}/level", headers=olga.headers).status_code == 404


def test_bad_requests_are_refused(client: TestClient, db: Database) -> None:
    olga = make_user(db, "olga@jobs.test")
    pid = project(client, olga)
    bad = client.post(f"{API}/projects/{pid}/level/jobs", json={"time_limit": 0}, headers=olga.headers)
    assert bad.status_code == 422
    assert client.get(f"{API}/jobs/999999", headers=olga.headers).json()["code"] == "not_found"
