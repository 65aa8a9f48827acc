"""PSPLIB single-mode RCPSP instances (``.sm``) as Milepost projects.

Format: Kolisch & Sprecher (1997), "PSPLIB - a project scheduling problem library",
EJOR 96(1):205-216; see ``../shared/data/psplib/README.md``.  Jobs become tasks keyed
by their job number (``"1"`` ... ``"32"``), finish-to-start links with zero lag,
renewable resources ``R1``... with their capacity as ``max_units`` and each job's
request as an assignment's ``units``.

A damaged file gives an :class:`InvalidInputError` with the line: a row that is not
whole numbers, a count of successors or requests that does not match the row, a job
number outside the file, a negative or absurd duration (more than a million periods),
a dependency cycle (naming its jobs).

Time is in periods.  A period is mapped to one minute on a round-the-clock calendar
starting at minute 0, so every date the engine computes is the period number itself
(:func:`period_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from milepost.domain.calendar import Calendar, WorkWeek, day_hours
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.project import Dependency, Project, Task
from milepost.domain.resource import Assignment, Resource
from milepost.domain.validation import validate_project
from milepost.errors import InvalidInputError, Problem

PERIOD_ORIGIN = datetime(1970, 1, 1)
"""Minute 0 of the engine: period ``p`` is the instant ``PERIOD_ORIGIN + p minutes``."""

_SECTION = re.compile(r"^\*+\s*$")


@dataclass(frozen=True)
class PsplibInstance:
    """An RCPSP instance: the project plus the raw numbers the benchmarks need."""

    name: str
    project: Project
    durations: tuple[int, ...]
    successors: tuple[tuple[int, ...], ...]
    requests: tuple[tuple[int, ...], ...]
    capacities: tuple[int, ...]


def period_of(moment: datetime) -> int:
    """The period number of an engine date for a PSPLIB project."""
    return int((moment - PERIOD_ORIGIN).total_seconds() // 60)


MAX_PERIODS = 1_000_000
"""A duration longer than this many periods is a typo (PSPLIB's are at most 10)."""
MAX_JOBS = 100_000


class _BadLineError(ValueError):
    """A problem at a line of the file (1-based)."""

    def __init__(self, message: str, line: int | None = None, code: str = "invalid_psplib") -> None:
        super().__init__(message)
        self.line = line
        self.code = code


def read_psplib(path: str | Path) -> PsplibInstance:
    """Read a PSPLIB ``.sm`` file (raises :class:`InvalidInputError` with the line)."""
    p = Path(path)
    try:
        lines = p.read_bytes().decode("latin-1").splitlines()
    except OSError as exc:
        raise InvalidInputError(
            Problem("unreadable_file", f"cannot read the file: {exc.strerror or exc}", file=str(p))
        ) from None
    rows: dict[int, int] = {}
    try:
        instance = _parse(lines, p, rows)
    except _BadLineError as exc:
        raise InvalidInputError(
            Problem(exc.code, f"not a PSPLIB single-mode file: {exc}", file=str(p), line=exc.line)
        ) from None
    problems = validate_project(instance.project)
    if problems:
        raise InvalidInputError([_placed(pr, str(p), rows) for pr in problems])
    return instance


_PATH = re.compile(r"^(?:tasks|dependencies|assignments)\[(\d+)")


def _placed(problem: Problem, file: str, rows: dict[int, int]) -> Problem:
    """A domain problem at the precedence row of the job it is about; jobs named ``job 3``."""
    m = _PATH.match(problem.path)
    line = rows.get(int(m[1])) if m else None
    message = problem.message
    if problem.code == "dependency_cycle":
        head, _, chain = message.partition(": ")
        message = f"{head}: " + " -> ".join(f"job {j}" for j in chain.split(" -> "))
    return Problem(problem.code, message, problem.path, file, line)


def _section(lines: list[str], title: str) -> tuple[int, list[str]]:
    """The 1-based line number of the first body line of section ``title``, and its lines."""
    for i, line in enumerate(lines):
        if line.strip().upper().startswith(title):
            body = []
            for row in lines[i + 1 :]:
                if _SECTION.match(row):
                    break
                body.append(row)
            return i + 2, body
    raise _BadLineError(f"no '{title}' section")


def _numbers(row: str, line: int) -> list[int]:
    """The whole numbers of a row (``_BadLineError`` with the line otherwise)."""
    try:
        numbers = [int(x) for x in row.split()]
    except ValueError:
        raise _BadLineError(f"expected whole numbers, got '{row.strip()[:60]}'", line) from None
    if any(abs(n) > 10**12 for n in numbers):
        raise _BadLineError(f"a number has more than 12 digits in '{row.strip()[:60]}'", line)
    return numbers


def _jobs(lines: list[str]) -> int:
    for i, ln in enumerate(lines, start=1):
        if ln.lower().startswith("jobs"):
            count = ln.partition(":")[2].strip()  # str.strip knows more blanks than int() (U+001F)
            if not count.isdecimal() or not 1 <= int(count) <= MAX_JOBS:
                got = repr(count) if not count.isprintable() else f"'{count}'"
                raise _BadLineError(f"the number of jobs must be a whole number from 1 to {MAX_JOBS}, got {got}", i)
            return int(count)
    raise _BadLineError("no 'jobs (incl. supersource/sink)' line")


def _precedences(lines: list[str], n: int, rows: dict[int, int]) -> dict[int, tuple[int, ...]]:
    first, prec = _section(lines, "PRECEDENCE RELATIONS")
    successors: dict[int, tuple[int, ...]] = {}
    for k, row in enumerate(prec[1:], start=first + 1):
        numbers = _numbers(row, k)
        if not numbers:
            continue
        if len(numbers) < 3:
            raise _BadLineError("a precedence row is: job, modes, number of successors, then the successors", k)
        if len(numbers) != 3 + numbers[2]:
            listed = len(numbers) - 3
            raise _BadLineError(f"job {numbers[0]} has {numbers[2]} successors, but the row lists {listed}", k)
        job, found = numbers[0], tuple(numbers[3:])
        bad = [j for j in (job, *found) if not 1 <= j <= n]
        if bad:
            raise _BadLineError(f"job {bad[0]} is not a job of this file (1 to {n})", k)
        if job in successors:
            raise _BadLineError(f"job {job} has two precedence rows", k)
        successors[job] = found
        rows[job] = k
    return successors


def _requests(lines: list[str], jobs: int, resources: int) -> tuple[dict[int, int], dict[int, tuple[int, ...]]]:
    first, req = _section(lines, "REQUESTS/DURATIONS")
    durations: dict[int, int] = {}
    requests: dict[int, tuple[int, ...]] = {}
    for k, row in enumerate(req[2:], start=first + 2):
        parts = row.split()
        if not parts or not parts[0].isdecimal():
            continue
        numbers = _numbers(row, k)
        job = numbers[0]
        if len(numbers) != 3 + resources:
            raise _BadLineError(
                f"a request row is: job, mode, duration, then {resources} requests (one per resource)", k
            )
        if not 1 <= job <= jobs:
            raise _BadLineError(f"job {job} is not a job of this file (1 to {jobs})", k)
        if job in durations:
            raise _BadLineError(f"job {job} has two request rows", k)
        if not 0 <= numbers[2] <= MAX_PERIODS:
            code = "invalid_duration" if numbers[2] < 0 else "absurd_duration"
            raise _BadLineError(f"job {job}: a duration must be 0 to {MAX_PERIODS} periods, got {numbers[2]}", k, code)
        if any(q < 0 for q in numbers[3:]):
            raise _BadLineError(f"job {job}: a resource request cannot be negative", k)
        durations[job] = numbers[2]
        requests[job] = tuple(numbers[3:])
    return durations, requests


def _capacities(lines: list[str]) -> tuple[int, ...]:
    first, avail = _section(lines, "RESOURCEAVAILABILITIES")
    if len(avail) < 2:
        raise _BadLineError("the resource availabilities have no row of capacities", first)
    capacities = tuple(_numbers(avail[1], first + 1))
    if not capacities or any(c < 0 for c in capacities):
        raise _BadLineError("expected one capacity (0 or more) per resource", first + 1)
    return capacities


def _parse(lines: list[str], path: Path, rows: dict[int, int]) -> PsplibInstance:
    """The instance; ``rows`` gets the line of each job's precedence row."""
    n = _jobs(lines)
    successors = _precedences(lines, n, rows)
    capacities = _capacities(lines)
    durations, requests = _requests(lines, n, len(capacities))
    jobs = range(1, n + 1)
    missing = [j for j in jobs if j not in durations or j not in successors]
    if missing:
        raise _BadLineError(f"jobs {missing[:5]} have no duration or successor line")
    return PsplibInstance(
        name=path.stem,
        project=_project(path.stem, jobs, durations, successors, requests, capacities),
        durations=tuple(durations[j] for j in jobs),
        successors=tuple(successors[j] for j in jobs),
        requests=tuple(requests[j] for j in jobs),
        capacities=capacities,
    )


def _project(
    name: str,
    jobs: range,
    durations: dict[int, int],
    successors: dict[int, tuple[int, ...]],
    requests: dict[int, tuple[int, ...]],
    capacities: tuple[int, ...],
) -> Project:
    clock = Calendar("periods", "Periods (1 period = 1 minute)", week=WorkWeek((day_hours((0, 1440)),) * 7))
    tasks = tuple(
        Task(key=str(j), name=f"Job {j}", duration=Duration(durations[j], TimeUnit.MINUTE), milestone=durations[j] == 0)
        for j in jobs
    )
    deps = tuple(Dependency(str(j), str(s)) for j in jobs for s in successors[j])
    resources = tuple(Resource(key=f"R{k + 1}", max_units=float(c)) for k, c in enumerate(capacities))
    assignments = tuple(Assignment(str(j), f"R{k + 1}", float(q)) for j in jobs for k, q in enumerate(requests[j]) if q)
    return Project(
        name=name,
        anchor_date=PERIOD_ORIGIN,
        calendar="periods",
        calendars=(clock,),
        tasks=tasks,
        dependencies=deps,
        resources=resources,
        assignments=assignments,
    )
