"""The heuristic: its default budget (1,000 schedules for small plans, a fixed amount of
work beyond), the budget kept schedule by schedule, the genetic search's parts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import milepost
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.levelling import LevelParams
from milepost.domain.project import Dependency, Project, Task
from milepost.domain.resource import Assignment, Resource
from milepost.engine.levelling import fbi, heuristic
from milepost.engine.levelling.fbi import mirrored
from milepost.engine.levelling.heuristic import (
    _backwards,
    _busiest,
    _children,
    _decode,
    _evaluate,
    _evaluate_backwards,
    _peak_crossover,
    _Pool,
    default_schedules,
    level_heuristic,
)
from milepost.engine.levelling.parallel import parallel_sgs
from milepost.engine.levelling.problem import Problem, padded
from milepost.engine.levelling.sgs import is_feasible, serial_sgs
from milepost.io.psplib import read_psplib
from tests.engine.levelling.problems import problems, random_lists, unbounded
from tests.shared_data import shared


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


def respects_links(problem: Problem, lists: Any) -> bool:
    """Every row is a permutation with each activity after its predecessors."""
    before, after = problem.links
    position = np.argsort(lists, axis=1)
    perms = (np.sort(lists, axis=1) == np.arange(problem.n)).all()
    return bool(perms and (position[:, before] < position[:, after]).all())


@settings(max_examples=80, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_children_keep_every_link_forwards_and_backwards(problem: Problem, seed: int) -> None:
    """Crossover and mutation of precedence-feasible lists give precedence-feasible lists,
    of the problem and of its mirror (where the children of the search are built)."""
    rng = np.random.default_rng(seed)
    parents = _evaluate(problem, mirrored(problem), random_lists(problem, 6, seed))
    kids, mothers = _children(problem, parents, 8, rng, 0.3)
    assert ((mothers >= 0) & (mothers < len(parents.spans))).all()
    assert respects_links(problem, kids)
    back = mirrored(problem)
    read_backwards = _backwards(problem, back, parents)
    assert respects_links(back, read_backwards.lists)
    assert respects_links(back, _children(back, read_backwards, 8, rng, 0.3)[0])


@settings(max_examples=40, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_a_pool_read_backwards_holds_the_mirrored_schedules(problem: Problem, seed: int) -> None:
    """The children are bred from the schedules in the mirrored problem's time (where the
    peak crossover reads the mother's busiest stretch): each is feasible there."""
    free = unbounded(problem)
    back = mirrored(free)
    pool = _evaluate(free, back, random_lists(free, 4, seed))
    read_backwards = _backwards(free, back, pool)
    for forward, backward, span in zip(pool.starts, read_backwards.starts, pool.spans, strict=True):
        if span != heuristic.WORST:
            assert is_feasible(back, backward) == []
            assert (backward + free.duration).tolist() == (free.horizon - forward).tolist()


def one_resource(
    capacity: list[int], durations: list[int], demands: list[int], preds: list[list[tuple[int, int]]] | None = None
) -> Problem:
    """Activities on one resource with the given capacity per slot, unlinked unless
    ``preds`` says (per activity: ``(predecessor, start-to-start lag)``)."""
    n = len(durations)
    pred, lag = padded(preds or [[] for _ in range(n)])
    return Problem(
        np.asarray(durations, np.int64),
        np.asarray(demands, np.int64)[:, None],
        np.asarray([capacity], np.int64),
        pred,
        lag,
        np.zeros(n, np.int64),
        np.full(n, -1, np.int64),
        np.full(n, len(capacity), np.int64),
        np.zeros(n, np.int64),
        np.full(n, -1, np.int64),
    )


def test_the_busiest_stretch_is_where_most_capacity_is_used() -> None:
    # capacity 4: 1 unit in slots 0-1, 3 units in slots 2-4, 2 units in slots 5-9
    durations, demands, starts = [2, 3, 5], [1, 3, 2], np.asarray([0, 2, 5])
    problem = one_resource([4] * 12, durations, demands)
    assert _busiest(problem, starts, 0, 10, 3) == 2
    assert _busiest(problem, starts, 0, 10, 2) == 2  # the first of equal stretches
    assert _busiest(problem, starts, 0, 10, 10) == 0
    assert _busiest(problem, starts + 2, 2, 12, 3) == 4  # within [first, last)
    # units against capacity: 2 of 2 in slots 5-9 weigh more than 3 of 4
    thin = one_resource([4] * 5 + [2] * 5 + [4] * 2, durations, demands)
    assert _busiest(thin, starts, 0, 10, 3) == 5
    # a slot without capacity counts as unused
    closed = one_resource([4, 4, 0, 0, 0] + [4] * 7, durations, demands)
    assert _busiest(closed, starts, 0, 10, 3) == 5


def test_the_stretch_is_a_share_of_the_schedule_wherever_it_lies() -> None:
    """A schedule read backwards ends at the horizon: the stretch a child keeps is a share
    of the schedule's own length, not of the time before it."""
    # capacity 4: 2 units in slots 0-1, 3 in slots 2-4 and 8-9, 2 in slots 5-7
    problem = one_resource([4] * 40, [2, 3, 5, 2, 2], [1, 3, 2, 1, 1])
    starts, mother, father = np.asarray([0, 2, 5, 0, 8]), np.arange(5), np.arange(5)[::-1]
    expected = [3, 0, 1, 4, 2]  # before slot 2 and after slot 5 in the father's order, job 1 kept
    assert _peak_crossover(problem, starts, mother, father, 0.3).tolist() == expected
    assert _peak_crossover(problem, starts + 30, mother, father, 0.3).tolist() == expected


@settings(max_examples=60, deadline=None)
@given(problems(), st.integers(0, 2**16), st.floats(0.05, 0.6))
def test_a_peak_child_keeps_the_mothers_busiest_stretch_in_her_order(problem: Problem, seed: int, share: float) -> None:
    """The activities that start in the mother's busiest stretch follow each other in the
    child in her order; the ones that start before come first and the ones after last,
    each in the father's order: forwards, and in the pool read backwards (where the
    schedules end at the horizon)."""
    back = mirrored(problem)
    pool = _evaluate(problem, back, random_lists(problem, 2, seed))
    for p, parents in ((problem, pool), (back, _backwards(problem, back, pool))):
        starts, mother, father = parents.starts[0], parents.lists[0], parents.lists[1]
        kid = _peak_crossover(p, starts, mother, father, share)
        first = max(int(starts.min(initial=p.horizon)), 0)
        last = max(int(min((starts + p.duration).max(initial=0), p.horizon)), first)
        length = max(1, int((last - first) * share))
        begin = _busiest(p, starts, first, last, length)
        assert first <= begin <= max(first, last - length)
        before = [j for j in father.tolist() if starts[j] < begin]
        peak = [j for j in mother.tolist() if begin <= starts[j] < begin + length]
        after = [j for j in father.tolist() if starts[j] >= begin + length]
        assert kid.tolist() == before + peak + after


@settings(max_examples=60, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_a_child_scheduled_backwards_then_forwards_is_feasible(problem: Problem, seed: int) -> None:
    """By the serial scheme or, for the children marked non-delay, the parallel one."""
    free = unbounded(problem)
    back = mirrored(free)
    non_delay = np.random.default_rng(seed).random(3) < 0.5
    pool = _evaluate_backwards(free, back, random_lists(back, 3, seed), non_delay)
    assert respects_links(free, pool.lists)
    for starts, span in zip(pool.starts, pool.spans, strict=True):
        if span != heuristic.WORST:
            assert is_feasible(free, starts) == []
            assert span == (starts + free.duration).max(initial=0)


@settings(max_examples=40, deadline=None)
@given(problems(), st.integers(0, 2**16))
def test_each_list_is_decoded_by_the_scheme_it_is_marked_for(problem: Problem, seed: int) -> None:
    lists = random_lists(problem, 4, seed)
    non_delay = np.asarray([True, False, True, False])
    batch = _decode(problem, lists, non_delay)
    for k, row in enumerate(lists):
        alone = parallel_sgs(problem, row) if non_delay[k] else serial_sgs(problem, row)
        assert batch.starts[k].tolist() == alone.starts[0].tolist()
        assert batch.unlevelled[k].tolist() == alone.unlevelled[0].tolist()
        assert (batch.makespan[k], batch.failed[k]) == (alone.makespan[0], alone.failed[0])


def one_person(tasks: int, chained: bool) -> Problem:
    """``tasks`` one-slot activities on one resource of one unit: in a chain (the
    resource costs nothing: not tight) or side by side (``tasks`` times the critical path)."""
    preds = [[(j - 1, 1)] if chained and j else [] for j in range(tasks)]
    return one_resource([1] * (tasks + 1), [1] * tasks, [1] * tasks, preds)


@pytest.mark.parametrize(("chained", "share"), [(True, heuristic.NON_DELAY), (False, heuristic.NON_DELAY_TIGHT)])
def test_tight_problems_decode_more_children_without_delay(
    monkeypatch: pytest.MonkeyPatch, chained: bool, share: float
) -> None:
    marked: list[np.ndarray] = []
    real = heuristic._evaluate_backwards

    def spy(problem: Problem, back: Problem, lists: Any, non_delay: Any) -> Any:
        marked.append(non_delay)
        return real(problem, back, lists, non_delay)

    monkeypatch.setattr(heuristic, "_evaluate_backwards", spy)
    monkeypatch.setattr(heuristic, "INHERIT", 0.0)  # every child's scheme drawn with the share
    level_heuristic(one_person(12, chained), schedules=1000, seed=1)
    flags = np.concatenate(marked)
    assert len(flags) > 300
    assert abs(flags.mean() - share) < 0.06


def test_children_inherit_their_mothers_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``INHERIT`` at 1 a child is decoded as its mother was: by the parallel scheme
    exactly when she was (the priority rules' non-delay schedules start such lines)."""
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    real_children, real_evaluate = heuristic._children, heuristic._evaluate_backwards

    def children(problem: Problem, pool: _Pool, *args: Any) -> Any:
        kids, mothers = real_children(problem, pool, *args)
        seen.append((pool.non_delay[mothers], np.zeros(0, bool)))
        return kids, mothers

    def evaluate(problem: Problem, back: Problem, lists: Any, non_delay: Any) -> Any:
        seen[-1] = (seen[-1][0], non_delay)
        return real_evaluate(problem, back, lists, non_delay)

    monkeypatch.setattr(heuristic, "_children", children)
    monkeypatch.setattr(heuristic, "_evaluate_backwards", evaluate)
    monkeypatch.setattr(heuristic, "INHERIT", 1.0)
    level_heuristic(_problem_of(read_psplib(shared("psplib", "j30", "j301_1.sm")).project), schedules=1000, seed=1)
    assert len(seen) > 5
    for mothers, kids in seen:
        assert kids.tolist() == mothers.tolist()
    assert any(kids.any() for _, kids in seen)
    assert not all(kids.all() for _, kids in seen)


def test_the_pool_keeps_distinct_lists_and_the_newest_first_among_equals() -> None:
    n = 3
    lists = np.asarray([[0, 1, 2], [1, 0, 2], [2, 1, 0]])

    def pool(rows: list[int], spans: list[int]) -> _Pool:
        empty = np.zeros((len(rows), n), np.int64)
        return _Pool(lists[rows], np.asarray(spans), empty, empty.astype(bool), np.zeros(len(rows), bool))

    kept = pool([], [])
    kept.add(pool([0, 1], [5, 6]), 2)
    assert kept.lists.tolist() == [[0, 1, 2], [1, 0, 2]]
    kept.add(pool([2, 0], [5, 4]), 2)  # list 0 again, better: one copy, at its best
    assert kept.lists.tolist() == [[0, 1, 2], [2, 1, 0]]
    assert kept.spans.tolist() == [4, 5]
    kept.add(pool([1], [4]), 2)  # as good as the best: the newest first, the oldest of the worse leaves
    assert kept.lists.tolist() == [[1, 0, 2], [0, 1, 2]]


class Counter:
    """Counts the schedules the schemes build (one per list)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.built = 0
        for module in (heuristic, fbi):
            real = module.serial_sgs
            monkeypatch.setattr(module, "serial_sgs", self.counting(real))
        monkeypatch.setattr(heuristic, "parallel_sgs", self.counting(heuristic.parallel_sgs))

    def counting(self, real: Any) -> Any:
        def scheme(problem: Problem, orders: Any) -> Any:
            self.built += len(np.atleast_2d(orders))
            return real(problem, orders)

        return scheme


@pytest.mark.parametrize("budget", [10, 11, 37, 300, 1000])
def test_every_schedule_built_counts_against_the_budget(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    """Every pass of every scheme, each justification pass included, is one schedule; the
    search reports what it built and never builds more than its budget (beyond the
    priority rules' schedules and two justified lists)."""
    problem = _problem_of(read_psplib(shared("psplib", "j30", "j301_1.sm")).project)
    counter = Counter(monkeypatch)
    result = level_heuristic(problem, schedules=budget, seed=3)
    assert result.schedules == counter.built
    assert result.schedules <= max(budget, 5 + 2 * 3)
    assert result.schedules > budget - 4


def test_the_same_seed_gives_the_same_schedule() -> None:
    problem = _problem_of(read_psplib(shared("psplib", "j30", "j301_1.sm")).project)
    first, again = (level_heuristic(problem, schedules=200, seed=7) for _ in range(2))
    assert first.starts.tolist() == again.starts.tolist()
    assert (first.makespan, first.schedules) == (again.makespan, again.schedules)
    assert is_feasible(problem, first.starts) == []


def _problem_of(project: Project) -> Problem:
    """The levelling problem ``milepost.level`` builds for ``project``."""
    from milepost.engine.levelling import level as levelling

    caught: list[Problem] = []

    def catch(problem: Problem, **_: Any) -> Any:
        caught.append(problem)
        raise _CaughtError

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(levelling, "level_heuristic", catch)
        with pytest.raises(_CaughtError):
            milepost.level(project)
    return caught[0]


class _CaughtError(Exception):
    pass
