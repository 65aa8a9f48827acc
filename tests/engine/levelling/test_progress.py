"""Levelling tells its progress and stops when asked, keeping the best schedule so far."""

from __future__ import annotations

import time

import milepost
from milepost.domain.levelling import LevelMethod, LevelParams
from milepost.engine.levelling.progress import Reporter
from milepost.io.psplib import read_psplib
from tests.engine.levelling.test_level import check, two_on_one_person
from tests.shared_data import shared

HARD = ("psplib", "j30", "j3013_1.sm")
"""A j30 instance CP-SAT does not prove optimal within seconds."""


def test_progress_grows_from_zero_to_one_through_every_phase() -> None:
    seen: list[tuple[float, str]] = []
    project = two_on_one_person()
    result = milepost.level(project, LevelParams(schedules=200), progress=lambda f, m: seen.append((f, m)) is None)
    check(project, result)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert any("schedules tried" in m for _, m in seen)
    assert not any(d.code == "levelling_stopped" for d in result.diagnostics)


def test_the_heuristic_stops_when_asked_and_keeps_a_valid_schedule() -> None:
    project = read_psplib(shared(*HARD)).project
    calls = 0

    def progress(fraction: float, message: str) -> bool:
        nonlocal calls
        calls += 1
        return calls < 3

    began = time.perf_counter()
    result = milepost.level(project, LevelParams(schedules=100_000), progress=progress)
    assert time.perf_counter() - began < 5
    assert result.schedules < 1000  # far from its budget
    check(project, result)
    assert result.diagnostics[0].code == "levelling_stopped"
    assert calls == 3  # not asked again once it said stop


def test_cp_sat_stops_its_search_when_asked() -> None:
    project = read_psplib(shared(*HARD)).project
    messages: list[str] = []

    def progress(fraction: float, message: str) -> bool:
        messages.append(message)
        return not message.startswith("CP-SAT") or len([m for m in messages if m.startswith("CP-SAT")]) < 3

    began = time.perf_counter()
    result = milepost.level(project, LevelParams(optimize=True, time_limit=60, schedules=200), progress=progress)
    assert time.perf_counter() - began < 10  # not the minute it was allowed
    assert result.method is LevelMethod.OPTIMIZE
    check(project, result)
    assert result.diagnostics[0].code == "levelling_stopped"


def test_a_reporter_maps_parts_and_remembers_a_stop() -> None:
    told: list[float] = []
    answers = iter([True, True, False])
    whole = Reporter(lambda f, m: told.append(f) is None and next(answers))
    half = whole.part(0.5, 1.0)
    assert half(0.5, "a") is True
    assert whole(0.1, "b") is True  # never goes back
    assert half.part(0.0, 0.5)(1.0, "c") is False
    assert whole.stopped
    assert half(1.0, "d") is False
    assert told == [0.75, 0.75, 0.75]
    assert Reporter()(0.5, "nobody listens") is True
