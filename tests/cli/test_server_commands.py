"""The workspace commands: db, user, backup, restore, and serve (as a user runs it)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from milepost.cli.app import app
from milepost.config import get_settings

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty embedded database of its own (``MILEPOST_DATABASE_URL``)."""
    url = f"sqlite:///{tmp_path / 'milepost.db'}"
    monkeypatch.setenv("MILEPOST_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_db_upgrade_and_current(workspace: str) -> None:
    assert invoke("db", "current")[0] == 1
    code, output = invoke("db", "upgrade")
    assert code == 0
    assert "→" in output
    assert invoke("db", "upgrade")[1].strip().endswith("already up to date")
    assert invoke("db", "current")[0] == 0


def test_users_backup_and_restore(workspace: str, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    code, output = invoke(
        "user", "create", "Ann@Example.com", "--name", "Ann", "--admin", "--password", "long enough pw"
    )
    assert code == 0, output
    assert "ann@example.com (admin)" in output
    code, output = invoke("user", "create", "ann@example.com", "--password", "long enough pw")
    assert code == 1
    assert "already exists" in output
    assert "at least 10" in invoke("user", "create", "bo@example.com", "--password", "short")[1]
    target = tmp_path / "b.jsonl.gz"
    code, output = invoke("backup", "-o", str(target))
    assert code == 0, output
    assert "1 users" in output
    assert invoke("backup", "-o", str(target))[0] == 1  # refuses to overwrite
    code, output = invoke("restore", str(target))
    assert code == 1
    assert "--force" in output
    assert invoke("restore", str(target), "--force")[0] == 0
    assert invoke("user", "password", "ann@example.com", "--password", "another long one")[0] == 0


def test_an_unreachable_database_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MILEPOST_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    get_settings.cache_clear()
    try:
        code, output = invoke("db", "current")
    finally:
        get_settings.cache_clear()
    assert code == 1
    assert "error[database_unavailable]: cannot open the database" in output
    assert "Traceback" not in output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_demo_is_ready_to_use(tmp_path: Path) -> None:
    """``milepost serve --demo`` on a fresh machine: migrate, first admin, demo projects, API."""
    port = free_port()
    env = {**os.environ, "MILEPOST_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "MILEPOST_SECURE_COOKIES": "false"}
    command = [sys.executable, "-m", "milepost.cli", "serve", "--demo", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        lines = []
        for _ in range(200):
            assert server.stdout is not None
            line = server.stdout.readline()
            lines.append(line)
            if "Milepost is at" in line:
                break
        output = "".join(lines)
        password = re.search(r"password: (\S+)", output)
        assert password, output
        assert "demo workspace: loaded" in output
        for _ in range(100):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=base) as client:
            login = client.post("/api/v1/auth/login", json={"email": "admin@localhost", "password": password[1]})
            assert login.status_code == 200, login.text
            csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
            blocked = client.get("/api/v1/projects")
            assert blocked.json()["code"] == "password_change_required"
            changed = client.post(
                "/api/v1/auth/password",
                json={"current_password": password[1], "new_password": "my own long password"},
                headers=csrf,
            )
            assert changed.status_code == 200, changed.text
            projects = client.get("/api/v1/projects").json()
            assert projects["total"] == 3
    finally:
        server.terminate()
        server.wait(timeout=20)
