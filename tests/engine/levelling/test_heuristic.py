"""The heuristic's default budget: 1,000 schedules for small plans, a fixed amount of work beyond."""

from __future__ import annotations

from datetime import datetime

import pytest

import milepost
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.levelling import LevelParams
from milepost.domain.project import Dependency, Project, Task
from milepost.domain.resource import Assignment, Resource
from milepost.engine.levelling import heuristic
from milepost.engine.levelling.heuristic import default_schedules


def test_small_plans_get_a_thousand_schedules() -> None:
    """Every PSPLIB size (32 to 122 activities) and plans up to 400 activities."""
    for activities in (1, 32, 62, 122, 400):
        assert default_schedules(activities) == 1000


def test_larger_plans_get_a_fixed_amount_of_work() -> None:
    assert default_schedules(401) == 997
    assert default_schedules(1_100) == 363
    assert default_schedules(5_500) == 72  # bench/levelling.py's 5,000-task plan
    assert default_schedules(40_000) == 10
    assert default_schedules(10**7) == 10  # never fewer than the rules' schedules and two lists
    sizes = range(1, 50_000, 97)
    budgets = [default_schedules(n) for n in sizes]
    assert budgets == sorted(budgets, reverse=True)
    assert all(n * b <= heuristic.SEARCH_WORK for n, b in zip(sizes, budgets, strict=True) if b > 10)


def chain_on_two_people(n: int) -> Project:
    """``n`` one-day tasks in pairs of a chain, shared by two people."""
    day = Duration(480, TimeUnit.DAY)
    people = (Resource("alice", "Alice"), Resource("bob", "Bob"))
    return Project(
        name="Plan",
        anchor_date=datetime(2027, 1, 4),
        tasks=tuple(Task(f"t{i}", duration=day) for i in range(n)),
        dependencies=tuple(Dependency(f"t{i}", f"t{i + 1}") for i in range(0, n - 2, 2)),
        resources=people,
        assignments=tuple(Assignment(f"t{i}", people[i % 2].key) for i in range(n)),
    )


def test_levelling_by_default_spends_the_budget_of_the_plan_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the work cut to 3,000 placements a 100-task plan gets 30 schedules: the
    search stops at the last generation that fits in them."""
    monkeypatch.setattr(heuristic, "SEARCH_WORK", 3_000)
    project = chain_on_two_people(100)
    result = milepost.level(project)
    assert default_schedules(100) == 30
    assert 30 - 6 < result.schedules <= 30
    assert milepost.level(project, LevelParams(schedules=90)).schedules > 30  # a budget given is kept


def test_a_small_plan_by_default_gets_a_thousand_schedules() -> None:
    assert LevelParams().schedules is None
    assert 1000 - 6 < milepost.level(chain_on_two_people(6)).schedules <= 1000
