"""The default levelling method: priority rules, sampling, a genetic search, justification.

Within a budget of schedules (one SGS pass = one schedule, as the RCPSP literature
counts them; Kolisch & Hartmann 2006, "Experimental investigation of heuristics for
resource-constrained project scheduling: an update", EJOR 174:23-37), by default 1,000
for up to 400 activities and a fixed amount of work beyond (:func:`default_schedules`):

1. every priority rule's list is scheduled with the serial and the parallel scheme;
2. a population of lists is sampled around the latest-finish rule (regret-based
   biased random sampling) and each is scheduled with the serial scheme and then
   justified forwards and backwards (:mod:`fbi`);
3. the population evolves (Hartmann 1998, "A competitive genetic algorithm for
   resource-constrained project scheduling", NRL 45:733-750): two parents chosen by
   tournament give a child by the peak crossover of Valls, Ballestín & Quintanilla
   (2008, "A hybrid genetic algorithm for the resource-constrained project scheduling
   problem", EJOR 185:495-508): the child keeps the mother's busiest stretch of time
   (the activities that start where her resources are used most, in her order) and
   takes the rest in the father's order; a few positions are perturbed, the child is
   scheduled, and the best lists survive.  A parent's list is
   its schedule read backwards (decreasing finish times), so a child is scheduled
   backwards (right-justified), then forwards in the order of those starts: two
   schedules, the second half of a double justification, where scheduling a forward
   list and justifying it takes three (the two populations of Debels & Vanhoucke's
   bi-population GA, folded into one).  A list is re-encoded by its schedule's
   times, so what was learned is kept (Valls, Ballestín & Quintanilla 2005).
   The same list never enters twice, and among equal makespans the newest schedule
   ranks first (in the survival, and as the best list the second phase starts from):
   the search keeps moving on a plateau of equal makespans instead of holding on to
   its oldest lists.
4. some children are decoded by the parallel scheme in both passes (non-delay
   schedules), the rest by the serial one.  Each list remembers its scheme; a child
   takes its mother's half of the time (self-adaptation, as in Hartmann 2002, "A
   self-adapting genetic algorithm for project scheduling under resource constraints",
   NRL 49:433-448), otherwise the parallel scheme with a chance of ``NON_DELAY``, or
   ``NON_DELAY_TIGHT`` on a tight problem (its best priority-rule schedule at least
   ``TIGHT`` times its critical path), where non-delay schedules pay most.

Everything random takes ``seed``; the same seed gives the same schedule.  A
``progress`` callback hears of every generation and may stop the search (the best
schedule so far is kept; the priority rules' schedules are always built first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from milepost.domain.levelling import Progress
from milepost.engine.levelling.fbi import justify, mirrored
from milepost.engine.levelling.lists import RULES, rule_values, sampled_lists
from milepost.engine.levelling.orders import lists_from_values
from milepost.engine.levelling.parallel import parallel_sgs
from milepost.engine.levelling.problem import Problem
from milepost.engine.levelling.sgs import Batch, serial_sgs

I64 = NDArray[np.int64]
Bools = NDArray[np.bool_]
WORST = np.iinfo(np.int64).max
SCHEDULES = 1000
"""The default budget of plans up to ``SEARCH_WORK / SCHEDULES`` activities."""
SEARCH_WORK = 400_000
"""Activity placements (schedules times activities) of the default budget of larger plans."""
MIN_SCHEDULES = 10
"""The least default budget: the priority rules' schedules and two justified lists."""
PHASE_ONE = 0.5
NEIGHBOURHOOD = 4.0
NON_DELAY = 0.2
"""The share of the children decoded with the parallel scheme (non-delay schedules)."""
NON_DELAY_TIGHT = 0.5
"""The share on a tight problem: its best priority-rule makespan is ``TIGHT`` times its critical path or more."""
TIGHT = 1.45
INHERIT = 0.5
"""The chance that a child is decoded as its mother was (self-adaptation, Hartmann 2002);
otherwise the scheme is drawn with the share above."""
PEAK = (0.1, 0.4)
"""The length of the mother's busiest stretch a child keeps (peak crossover), drawn
uniformly between these shares of her makespan."""


@dataclass(frozen=True, eq=False)
class HeuristicResult:
    """The best schedule found, its makespan, and how many schedules were built."""

    starts: I64
    makespan: int
    schedules: int
    unlevelled: Bools


@dataclass
class _Pool:
    """Lists (forward, by start), makespans, schedules, whether each was decoded by the
    parallel scheme; best first, the newest first among equal makespans (``born``
    counts the schedules added, oldest first)."""

    lists: I64
    spans: I64
    starts: I64
    unlevelled: Bools
    non_delay: Bools
    born: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    added: int = 0

    def add(self, other: _Pool, size: int) -> None:
        """Keep the best ``size`` distinct lists of both."""
        count = len(other.spans)
        self.lists = np.concatenate([self.lists, other.lists])
        self.spans = np.concatenate([self.spans, other.spans])
        self.starts = np.concatenate([self.starts, other.starts])
        self.unlevelled = np.concatenate([self.unlevelled, other.unlevelled])
        self.non_delay = np.concatenate([self.non_delay, other.non_delay])
        self.born = np.concatenate([self.born, self.added + np.arange(count)])
        self.added += count
        order = np.lexsort((-self.born, self.spans))
        _, first = np.unique(self.lists[order], axis=0, return_index=True)  # a list seen twice: its best rank
        keep = order[np.sort(first)][:size]
        self.lists, self.spans, self.born = self.lists[keep], self.spans[keep], self.born[keep]
        self.starts, self.unlevelled, self.non_delay = self.starts[keep], self.unlevelled[keep], self.non_delay[keep]


def default_schedules(activities: int) -> int:
    """The default budget for a problem of ``activities`` activities.

    1,000 schedules, as heuristics are compared in the literature, up to 400 activities
    (every PSPLIB set and most plans); beyond that ``SEARCH_WORK`` activity placements, so
    that the search costs about the same whatever the size (2 s or so at 5,000 tasks),
    and never fewer than ``MIN_SCHEDULES``.  A rule of the size, not of the clock: the
    same plan gets the same budget, and so the same schedule, on any machine.
    """
    return max(MIN_SCHEDULES, min(SCHEDULES, SEARCH_WORK // max(activities, 1)))


def level_heuristic(
    problem: Problem,
    *,
    schedules: int | None = None,
    seed: int = 0,
    population: int | None = None,
    mutation: float = 0.1,
    progress: Progress | None = None,
) -> HeuristicResult:
    """The best schedule found within ``schedules`` SGS passes (by default
    :func:`default_schedules` of the problem's size).

    ``population`` defaults to 60 lists for small projects (up to 40 activities, where a
    broad search pays) and 20 for larger ones (where more generations pay).  ``progress``
    is told the share of the budget used after each generation; when it answers
    ``False`` the search ends there.
    """
    if schedules is None:
        schedules = default_schedules(problem.n)
    if population is None:
        population = 60 if problem.n <= 40 else 20
    rng = np.random.default_rng(seed)
    back = mirrored(problem)
    rule_lists = lists_from_values(problem, np.stack([rule_values(problem, r) for r in RULES]))
    n = problem.n
    best = _Pool(
        rule_lists[:0], np.zeros(0, np.int64), np.zeros((0, n), np.int64), np.zeros((0, n), bool), np.zeros(0, bool)
    )
    used = 0
    for row in rule_lists:  # the parallel scheme: non-delay schedules, good on tight instances
        par = parallel_sgs(problem, row)
        best.add(_Pool(row[None], par.makespan, par.starts, par.unlevelled, np.ones(1, np.bool_)), population)
        used += 1
    non_delay = NON_DELAY_TIGHT if best.spans.min() >= TIGHT * max(problem.critical_path, 1) else NON_DELAY
    size = max(2, min(population, (schedules - used) // 3))
    first = np.concatenate([rule_lists, sampled_lists(problem, "lft", max(size - len(RULES), 0), rng)])[:size]
    best.add(_evaluate(problem, back, first), population)
    used += 3 * len(first)
    restarted = False
    while used + 2 * 2 <= schedules:
        if progress is not None and not progress(used / schedules, f"{used} of {schedules} schedules tried"):
            break
        if not restarted and used >= schedules * PHASE_ONE:
            # phase two: a new population in the neighbourhood of the best list (Valls et al. 2008)
            restarted = True
            around = np.repeat(best.lists[:1], population, axis=0)
            position = np.argsort(around, axis=1).astype(np.float64)
            noise = rng.normal(0.0, NEIGHBOURHOOD, position.shape) * (rng.random(position.shape) < 0.3)
            count = min(population, (schedules - used) // 3)
            if count:
                best.add(_evaluate(problem, back, lists_from_values(problem, position + noise)[:count]), population)
                used += 3 * count
            continue
        count = min(population, (schedules - used) // 2)
        kids, mothers = _children(back, _backwards(problem, back, best), count, rng, mutation)
        drawn = rng.random(count) < non_delay
        marked = np.where(rng.random(count) < INHERIT, best.non_delay[mothers], drawn)
        best.add(_evaluate_backwards(problem, back, kids, marked), population)
        used += 2 * count
    return HeuristicResult(best.starts[0].copy(), int(best.spans[0]), used, best.unlevelled[0].copy())


def _evaluate(problem: Problem, back: Problem, lists: I64) -> _Pool:
    """Serial SGS then justification; lists re-encoded by the better schedule's starts."""
    first = serial_sgs(problem, lists)
    improved = justify(problem, back, first.starts)
    better = (improved.makespan <= first.makespan) & ~improved.failed
    starts = np.where(better[:, None], improved.starts, first.starts)
    spans = np.where(better, improved.makespan, np.where(first.failed, WORST, first.makespan))
    unlevelled = np.where(better[:, None], improved.unlevelled, first.unlevelled)
    order = starts.astype(np.float64) + 1e-6 * np.arange(problem.n)
    return _Pool(lists_from_values(problem, order), spans, starts, unlevelled, np.zeros(len(lists), np.bool_))


def _evaluate_backwards(problem: Problem, back: Problem, lists: I64, non_delay: Bools) -> _Pool:
    """Lists of the mirrored problem scheduled backwards (right-justified), then forwards in
    the order of those starts (as the last pass of :func:`fbi.justify`): two schedules each,
    by the parallel scheme for the lists marked ``non_delay``, by the serial one otherwise."""
    right = _decode(back, lists, non_delay)
    shifted = problem.horizon - right.starts - problem.duration  # back to forward time
    left = _decode(problem, lists_from_values(problem, shifted.astype(np.float64)), non_delay)
    spans = np.where(left.failed, WORST, left.makespan)
    order = left.starts.astype(np.float64) + 1e-6 * np.arange(problem.n)
    return _Pool(lists_from_values(problem, order), spans, left.starts, left.unlevelled, non_delay)


def _decode(problem: Problem, lists: I64, non_delay: Bools) -> Batch:
    """Each list by the serial scheme, or by the parallel one where ``non_delay`` says so."""
    if not non_delay.any():
        return serial_sgs(problem, lists)
    one = [parallel_sgs if marked else serial_sgs for marked in non_delay.tolist()]
    rows = [scheme(problem, row) for scheme, row in zip(one, lists, strict=True)]
    return Batch(
        np.concatenate([r.starts for r in rows]),
        np.concatenate([r.makespan for r in rows]),
        np.concatenate([r.failed for r in rows]),
        np.concatenate([r.unlevelled for r in rows]),
    )


def _backwards(problem: Problem, back: Problem, pool: _Pool) -> _Pool:
    """The pool read backwards: each schedule in the mirrored problem's time, its list by
    decreasing finish (the mirrored starts)."""
    mirrored_starts = problem.horizon - pool.starts - problem.duration
    lists = lists_from_values(back, mirrored_starts + 1e-6 * np.arange(problem.n))
    return _Pool(lists, pool.spans, mirrored_starts, pool.unlevelled, pool.non_delay)


def _children(problem: Problem, pool: _Pool, count: int, rng: np.random.Generator, mutation: float) -> tuple[I64, I64]:
    """Peak crossover of tournament-chosen parents, then a light random shuffle; the
    children and their mothers (rows of ``pool``, whose schedules are in ``problem``'s time)."""
    n = problem.n
    size = len(pool.spans)
    kids = np.empty((count, n), dtype=np.int64)
    mothers = np.empty(count, dtype=np.int64)
    for k in range(count):
        a, b = rng.integers(0, size, 2), rng.integers(0, size, 2)
        mothers[k] = a[np.argmin(pool.spans[a])]
        father = pool.lists[b[np.argmin(pool.spans[b])]]
        share = rng.uniform(*PEAK)
        kids[k] = _peak_crossover(problem, pool.starts[mothers[k]], pool.lists[mothers[k]], father, share)
    position = np.argsort(kids, axis=1).astype(np.float64)
    noise = (rng.random(position.shape) < mutation) * rng.normal(0.0, 3.0, position.shape)
    return lists_from_values(problem, position + noise), mothers


def _peak_crossover(problem: Problem, starts: I64, mother: I64, father: I64, share: float) -> I64:
    """The peak crossover of Valls, Ballestín & Quintanilla (2008): the child keeps, in the
    mother's order, the activities that start in her busiest stretch of time (``share``
    of her makespan, where resources are used most against their capacity), the part of
    her schedule most worth keeping; the activities that start before it come first and
    those after it last, each in the father's order."""
    n = problem.n
    first = max(int(starts.min(initial=problem.horizon)), 0)  # a schedule read backwards ends at the horizon
    last = max(int(min((starts + problem.duration).max(initial=0), problem.horizon)), first)
    length = max(1, int((last - first) * share))
    begin = _busiest(problem, starts, first, last, length)
    part = np.where(starts < begin, 0, np.where(starts < begin + length, 1, 2))
    mother_rank, father_rank = np.empty(n, np.int64), np.empty(n, np.int64)
    mother_rank[mother] = np.arange(n)
    father_rank[father] = np.arange(n)
    return np.argsort(part * n + np.where(part == 1, mother_rank, father_rank), kind="stable")


def _busiest(problem: Problem, starts: I64, first: int, last: int, length: int) -> int:
    """The first slot of the ``length`` slots of ``[first, last)`` where the schedule uses
    the most of its resources (units used over capacity, summed over the resources; a
    slot without capacity counts as unused)."""
    if last - first <= length:
        return first
    capacity = problem.capacity[:, first:last]
    used = problem.usage(starts)[:, first:last]
    share = np.divide(used, capacity, out=np.zeros(capacity.shape), where=capacity > 0).sum(axis=0)
    load = np.concatenate([[0.0], np.cumsum(share)])
    return first + int(np.argmax(load[length:] - load[:-length]))
