"""Team workspace API under load: concurrent clients reading and updating a 2,000-task project.

For each database (a fresh SQLite file; a fresh schema in PostgreSQL) and each number of
server processes, the benchmark migrates the database, creates one user and API token
per client, starts the real server (``milepost serve --workers N``) on a free loopback
port, imports ``random_project(2000, 6000, seed=1)`` through ``POST /projects/import``
and makes every user a manager of it.  Then ``--clients`` clients, each with its own
user, token and keep-alive connection, send requests for ``--warmup`` + ``--duration``
seconds; only requests started after the warm-up count.  The mix (``--mix``):

* ``page``: ``GET /projects/{id}/tasks?limit=100&offset=<random>``;
* ``task``: ``GET /projects/{id}/tasks/{tid}`` of a random task;
* ``schedule``: ``GET /projects/{id}/schedule`` (cached per revision: under a steady
  stream of updates nearly every read finds a new revision; after a duration change
  the dates are computed again, after a rename the last dates are reused);
* ``update``: ``PATCH /projects/{id}/tasks/{tid}`` with the version this client last
  saw of the task (every client starts from one listing of all tasks and learns
  versions only from its own replies): a new duration (1-10 days) for a random
  non-summary task in a share ``--date-edits`` of updates (default 0.5), else a new
  name for a random task; a 409 is counted and retried once with the
  ``current.version`` it carries.

A client waits ``--think`` seconds on average (exponential) between requests.  With 0,
``--clients`` requests are always in flight: a saturation test, where the latency is
mostly the wait for a turn (``clients / throughput`` on average), so it measures the
throughput.  With 1 s, each client is a busy user (about one request a second).  The load generator is one
asyncio process (httpx); its CPU time, the server processes' and PostgreSQL's are
measured from ``/proc`` over the measured window, to show where the machine's cores go.

    .venv/bin/python bench/api_load.py [--backends sqlite,postgresql] [--workers 1,2]
        [--clients 50] [--duration 30] [--warmup 5] [--think 1,0] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from common import header, median, verdict
from milepost.io.planfile import write_plan
from milepost.schemas.accounts import TokenCreate
from milepost.services import accounts, auth, workspace
from milepost.services.workspace import Database
from milepost.storage.db import make_engine, session_factory, transaction
from networks import random_project

READ_TARGET_MS = 100.0
UPDATE_TARGET_MS = 200.0
OPS = ("page", "task", "schedule", "update")
READS = ("page", "task", "schedule")
DEFAULT_MIX = "page=35,task=40,schedule=5,update=20"
PAGE = 100
PASSWORD = "a long benchmark password"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/milepost_bench"
TICK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ CPU from /proc
def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "


def _cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / TICK if fields else 0.0  # utime + stime


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for children in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in children.read_text().split())
    return out


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
    return pids


def _machine_busy() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine so far (``/proc/stat``)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / TICK, sum(values) / TICK


@dataclass
class CpuSample:
    """CPU seconds used so far by the load generator, the server, PostgreSQL and the machine."""

    at: float
    client: float
    server: float
    postgres: dict[int, float]
    machine: float

    @classmethod
    def take(cls, server_pid: int) -> CpuSample:
        return cls(
            time.perf_counter(),
            time.process_time(),
            sum(_cpu_seconds(p) for p in _tree(server_pid)),
            {p: _cpu_seconds(p) for p in _postgres_pids()},
            _machine_busy()[0],
        )

    def cores_until(self, later: CpuSample) -> dict[str, float]:
        """Cores used on average between this sample and ``later``."""
        wall = later.at - self.at
        pg = sum(v - self.postgres.get(p, 0.0) for p, v in later.postgres.items())
        out = {
            "client": (later.client - self.client) / wall,
            "server": (later.server - self.server) / wall,
            "postgres": pg / wall,
            "machine": (later.machine - self.machine) / wall,
        }
        out["others"] = max(0.0, out["machine"] - out["client"] - out["server"] - out["postgres"])
        return out


# ------------------------------------------------------------------ databases and server
def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def fresh_database(backend: str, pg_base: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL schema (dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(pg_base)
    server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as c:
        if not c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": base.database}):
            c.execute(text(f'CREATE DATABASE "{base.database}"'))
    server.dispose()
    schema = f"mp_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_base)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_base else "?"
    try:
        yield f"{pg_base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_users(url: str, count: int) -> list[str]:
    """Migrate the database and create ``count`` users with an API token each; their tokens."""
    engine = make_engine(url)
    db = Database(engine, session_factory(engine))
    workspace.upgrade(db)
    tokens = []
    with transaction(db.sessions) as session:
        for i in range(count):
            user = accounts.add_user(session, f"client{i}@bench.example", PASSWORD, name=f"Client {i}")
            tokens.append(auth.create_token(session, auth.actor_of(user), TokenCreate(name="bench"))["token"])
    engine.dispose()
    return tokens


@contextlib.contextmanager
def running_server(url: str, workers: int, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``milepost serve --workers N`` on a free loopback port, until it answers ``/readyz``."""
    port = free_port()
    env = {**os.environ, "MILEPOST_DATABASE_URL": url, "MILEPOST_SECRET_KEY": "bench", "MILEPOST_SECURE_COOKIES": "0"}
    command = [str(Path(sys.executable).with_name("milepost")), "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the server stopped (exit {proc.returncode}):\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not get ready in 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the server and its workers: our own process group
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def load_project(base: str, tokens: list[str], tasks: int, folder: Path) -> tuple[int, dict[int, int], list[int]]:
    """Import the random project as the first user, make the others managers; the project's
    id, every task's id and version, and the ids of the tasks that are not summaries."""
    path = folder / f"random-{tasks}.yaml"
    write_plan(random_project(tasks, 3 * tasks, seed=1), path)
    owner = {"Authorization": f"Bearer {tokens[0]}"}
    with httpx.Client(base_url=f"{base}/api/v1", headers=owner, timeout=120) as http:
        with path.open("rb") as f:
            reply = http.post("/projects/import", files={"file": (path.name, f)})
        reply.raise_for_status()
        project = reply.json()["project"]["id"]
        for i in range(1, len(tokens)):
            body = {"email": f"client{i}@bench.example", "role": "manager"}
            http.post(f"/projects/{project}/members", json=body).raise_for_status()
        versions: dict[int, int] = {}
        leaves: list[int] = []
        for offset in itertools.count(0, 500):
            page = http.get(f"/projects/{project}/tasks", params={"limit": 500, "offset": offset}).json()
            versions.update((t["id"], t["version"]) for t in page["items"])
            leaves.extend(t["id"] for t in page["items"] if not t["summary"])
            if offset + 500 >= page["total"]:
                break
        http.get(f"/projects/{project}/schedule").raise_for_status()  # the first computation, not measured
    return project, versions, leaves


# ------------------------------------------------------------------ the load
@dataclass
class Sample:
    """One request: its class, when it started, how long it took, and its status (0: no reply)."""

    op: str
    start: float
    seconds: float
    status: int
    retry: bool = False


@dataclass
class Load:
    """What the clients share: where to send, what to do, and until when."""

    base: str
    project: int
    versions: dict[int, int]
    leaves: list[int]
    weights: dict[str, float]
    date_edits: float
    """The share of updates that change a task's duration (the others rename it)."""
    think: float
    measure_from: float
    until: float
    samples: list[Sample] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    """What the server said (or what went wrong) for each 5xx or missing reply."""


async def one_client(load: Load, token: str, seed: int) -> None:
    """Send requests until the end of the run; record each."""
    rng = random.Random(seed)
    known = dict(load.versions)  # what this client has seen of each task
    ids = sorted(known)
    ops, weights = list(load.weights), list(load.weights.values())
    prefix = f"/api/v1/projects/{load.project}"
    edits = 0
    # closed by the client after 4 s idle, before uvicorn's 5 s: else a request sent as the
    # server drops the idle connection gets no reply (and a PATCH is not retried)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=4.0)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=load.base, headers=headers, timeout=120, limits=limits) as http:

        async def send(op: str, method: str, url: str, retry: bool = False, **kw: Any) -> httpx.Response | None:
            t0 = time.perf_counter()
            try:
                reply: httpx.Response | None = await http.request(method, url, **kw)
            except httpx.HTTPError as exc:
                reply = None
                load.faults.append(f"{method} {url}: no reply ({type(exc).__name__}: {exc})")
            if reply is not None and reply.status_code >= 500:
                load.faults.append(f"{method} {url}: {reply.status_code} {reply.text[:300]}")
            load.samples.append(Sample(op, t0, time.perf_counter() - t0, reply.status_code if reply else 0, retry))
            return reply

        while time.perf_counter() < load.until:
            op = rng.choices(ops, weights)[0]
            if op == "page":
                offset = rng.randrange(0, len(ids), PAGE) if len(ids) > PAGE else 0
                reply = await send(op, "GET", f"{prefix}/tasks", params={"limit": PAGE, "offset": offset})
                if reply is not None and reply.status_code == 200:
                    known.update((t["id"], t["version"]) for t in reply.json()["items"])
            elif op == "task":
                tid = rng.choice(ids)
                reply = await send(op, "GET", f"{prefix}/tasks/{tid}")
                if reply is not None and reply.status_code == 200:
                    known[tid] = reply.json()["version"]
            elif op == "schedule":
                await send(op, "GET", f"{prefix}/schedule")
            else:
                edits += 1
                body: dict[str, Any]
                if rng.random() < load.date_edits:  # moves dates: the next schedule read computes them
                    tid = rng.choice(load.leaves)
                    body = {"duration": f"{rng.randint(1, 10)}d", "version": known[tid]}
                else:  # the dates stay: the next schedule read reuses them
                    tid = rng.choice(ids)
                    body = {"name": f"Task {tid} edited by client {seed} ({edits})", "version": known[tid]}
                reply = await send(op, "PATCH", f"{prefix}/tasks/{tid}", json=body)
                if reply is not None and reply.status_code == 409 and "current" in reply.json():
                    body["version"] = reply.json()["current"]["version"]
                    reply = await send(op, "PATCH", f"{prefix}/tasks/{tid}", retry=True, json=body)
                if reply is not None and reply.status_code == 200:
                    known[tid] = reply.json()["version"]
            if load.think > 0:
                await asyncio.sleep(rng.expovariate(1 / load.think))


async def drive(load: Load, tokens: list[str]) -> None:
    """All the clients at once."""
    await asyncio.gather(*(one_client(load, token, seed) for seed, token in enumerate(tokens)))


# ------------------------------------------------------------------ figures
def percentile(sorted_values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, int(-(-q * len(sorted_values) // 100)))  # ceil
    return sorted_values[rank - 1]


def summarise(samples: list[Sample], window: float) -> dict[str, dict[str, float]]:
    """Per class (and ``reads``, ``all``): count, p50/p95/p99 in ms, errors, 409s, requests/s."""
    groups: dict[str, list[Sample]] = {op: [s for s in samples if s.op == op] for op in OPS}
    groups["reads"] = [s for s in samples if s.op in READS]
    groups["all"] = samples
    out = {}
    for name, group in groups.items():
        ms = sorted(s.seconds * 1000 for s in group)
        out[name] = {
            "count": len(group),
            "p50": percentile(ms, 50),
            "p95": percentile(ms, 95),
            "p99": percentile(ms, 99),
            "errors": sum(1 for s in group if s.status == 0 or s.status >= 500),
            "other": sum(1 for s in group if s.status not in (0, 200, 409) and s.status < 500),
            "conflicts": sum(1 for s in group if s.status == 409),
            "retries": sum(1 for s in group if s.retry),
            "rate": len(group) / window,
        }
    return out


@dataclass
class Run:
    """The figures of one run of one set-up."""

    figures: dict[str, dict[str, float]]
    cores: dict[str, float]
    faults: list[str]


def run_once(args: argparse.Namespace, backend: str, workers: int, think: float, folder: Path) -> Run:
    """One run: fresh database, server, project; warm-up; measured load."""
    with fresh_database(backend, args.pg_url, folder) as url:
        tokens = make_users(url, args.clients)
        log = folder / f"server-{backend}-{workers}.log"
        with running_server(url, workers, log) as (base, proc):
            project, versions, leaves = load_project(base, tokens, args.tasks, folder)
            now = time.perf_counter()
            until = now + args.warmup + args.duration
            load = Load(base, project, versions, leaves, args.mix, args.date_edits, think, now + args.warmup, until)
            cpu: list[CpuSample] = []

            async def main() -> None:
                async def sampler() -> None:
                    await asyncio.sleep(max(0.0, load.measure_from - time.perf_counter()))
                    cpu.append(CpuSample.take(proc.pid))
                    await asyncio.sleep(max(0.0, load.until - time.perf_counter()))
                    cpu.append(CpuSample.take(proc.pid))

                await asyncio.gather(drive(load, tokens), sampler())

            asyncio.run(main())
    measured = [s for s in load.samples if load.measure_from <= s.start < load.until]
    if load.faults:  # the server's own account of them, without the access log
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if "127.0.0.1:" not in ln]
        print("  server log (errors), last lines:\n" + "\n".join(lines[-40:]))
    return Run(summarise(measured, args.duration), cpu[0].cores_until(cpu[1]), load.faults)


def print_run(run: Run) -> None:
    """The figures of one run, one line per class."""
    print(
        f"  {'class':<9} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'5xx/err':>7} {'409':>5} {'req/s':>7}"
    )
    for name, f in run.figures.items():
        print(
            f"  {name:<9} {f['count']:>7,} {f['p50']:>8.1f} {f['p95']:>8.1f} {f['p99']:>8.1f} "
            f"{f['errors']:>7} {f['conflicts']:>5} {f['rate']:>7.1f}"
            + (f"  (other 4xx: {f['other']})" if f["other"] else "")
        )
    c = run.cores
    print(
        f"  cores used: server {c['server']:.2f}, PostgreSQL {c['postgres']:.2f}, "
        f"load generator {c['client']:.2f}, other programs {c['others']:.2f}, whole machine {c['machine']:.2f}"
    )
    for fault in run.faults[:5]:
        print(f"  fault: {fault}")


def parse_mix(text: str) -> dict[str, float]:
    """``page=35,task=40,...`` as weights."""
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in OPS:
            raise argparse.ArgumentTypeError(f"unknown operation {name!r} (one of {', '.join(OPS)})")
        mix[name.strip()] = float(weight)
    return mix


def main(argv: list[str] | None = None) -> None:
    """Run every set-up ``--repeat`` times (interleaved) and print the medians side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--workers", default="1,2", help="server processes to try, comma-separated")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=2000, help="leaf tasks (plus one summary per 20)")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring")
    parser.add_argument("--think", default="1,0", help="mean seconds a client waits between requests (list)")
    parser.add_argument("--mix", type=parse_mix, default=parse_mix(DEFAULT_MIX), help=f"weights ({DEFAULT_MIX})")
    parser.add_argument(
        "--date-edits", type=float, default=0.5, help="share of updates that change a duration (others rename)"
    )
    parser.add_argument("--repeat", "-n", type=int, default=3, help="runs per set-up (medians reported)")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL database for the schemas (created if missing)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 tasks, 10 clients, 3 s, one run")
    args = parser.parse_args(argv)
    if args.quick:
        args.tasks, args.clients, args.duration, args.warmup, args.repeat = 200, 10, 3.0, 1.0, 1
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    workers = [int(w) for w in args.workers.split(",")]
    thinks = [float(t) for t in args.think.split(",")]

    header("Team workspace API under load: concurrent clients on one project, SQLite and PostgreSQL")
    total_tasks = args.tasks + args.tasks // 20
    print(
        f"project: random_project({args.tasks}, {3 * args.tasks}, seed=1): {total_tasks:,} tasks with the summaries, "
        "imported through the API"
    )
    mix = ", ".join(f"{k} {v / sum(args.mix.values()):.0%}" for k, v in args.mix.items())
    print(f"load: {args.clients} clients (one user and connection each); mix: {mix}")
    print(f"updates: {args.date_edits:.0%} change a duration (dates move), the others rename a task")
    print(f"runs: {args.warmup:g} s warm-up + {args.duration:g} s measured, {args.repeat} run(s) per set-up")
    print("server: `milepost serve --workers N` (uvicorn) on 127.0.0.1; latencies as the clients see them")
    print()

    setups = [(b, w, t) for t in thinks for b in backends for w in workers]
    runs: dict[tuple[str, int, float], list[Run]] = {s: [] for s in setups}
    with tempfile.TemporaryDirectory(prefix="milepost-load-") as tmp:
        for r in range(args.repeat):
            for backend, w, t in setups:
                print(f"run {r + 1}/{args.repeat}: {backend}, {w} worker(s), think time {t:g} s", flush=True)
                runs[backend, w, t].append(run := run_once(args, backend, w, t, Path(tmp)))
                print_run(run)
                print(flush=True)

    print(f"medians of {args.repeat} run(s) per set-up; latencies in ms; w: server processes")
    for t in thinks:
        print_summary(f"think time {t:g} s", {(b, w): runs[b, w, t] for b, w, _ in setups if _ == t})


def print_summary(title: str, runs: dict[tuple[str, int], list[Run]]) -> None:
    """The medians of the runs of each set-up side by side, and the verdicts."""
    setups = list(runs)
    names = [f"{b} w{w}" for b, w in setups]

    def row(label: str, values: list[str]) -> None:
        print(f"{label:<22}" + "".join(f"{v:>15}" for v in values))

    def med(setup: tuple[str, int], cls: str, key: str) -> float:
        return median([run.figures[cls][key] for run in runs[setup]])

    print()
    row(title, names)
    for cls in (*OPS, "reads", "all"):
        row(f"{cls} count", [f"{med(s, cls, 'count'):,.0f}" for s in setups])
        for key in ("p50", "p95", "p99"):
            row(f"{cls} {key}", [f"{med(s, cls, key):.1f}" for s in setups])
    row("throughput req/s", [f"{med(s, 'all', 'rate'):.1f}" for s in setups])
    row("5xx / no reply (sum)", [f"{sum(run.figures['all']['errors'] for run in runs[s]):.0f}" for s in setups])
    conflicts = [
        [r.figures["update"]["conflicts"] / max(1, r.figures["update"]["count"]) for r in runs[s]] for s in setups
    ]
    row("update 409 rate", [f"{median(c):.1%}" for c in conflicts])
    for key in ("server", "postgres", "client", "others", "machine"):
        row(f"cores: {key}", [f"{median([run.cores[key] for run in runs[s]]):.2f}" for s in setups])
    for s, name in zip(setups, names, strict=True):
        reads, updates = med(s, "reads", "p95"), med(s, "update", "p95")
        errors = sum(run.figures["all"]["errors"] for run in runs[s])
        print(
            f"{name}, {title}: reads p95 {reads:.1f} ms <= {READ_TARGET_MS:.0f}: {verdict(reads <= READ_TARGET_MS)}; "
            f"updates p95 {updates:.1f} ms <= {UPDATE_TARGET_MS:.0f}: {verdict(updates <= UPDATE_TARGET_MS)}; "
            f"5xx: {errors} ({verdict(errors == 0)})"
        )


if __name__ == "__main__":
    main()
