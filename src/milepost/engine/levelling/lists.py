"""Activity lists: priority rules and biased random sampling.

Priority rules (Kolisch 1996; Kolisch & Hartmann 1999) give each activity a value;
a list takes, among the activities whose predecessors are all listed, the one with
the best value:

* ``lft``   latest finish time (smallest first);
* ``mslk``  minimum slack, latest start minus earliest start (smallest first);
* ``mts``   most total successors (largest first);
* ``grpw``  greatest rank positional weight: own duration plus the durations of the
  immediate successors (largest first; Alvarez-Valdés & Tamarit 1989);
* ``user``  the user's priority 0-1000 (largest first), ties by latest finish.

*Biased random sampling* perturbs a rule's values with random noise, so many different
good lists can be drawn; every list of a batch is built at the same time with NumPy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from milepost.engine.levelling.orders import lists_from_values
from milepost.engine.levelling.problem import Problem

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
RULES = ("lft", "mslk", "mts", "grpw", "user")


def latest_starts(problem: Problem, horizon: int) -> I64:
    """Precedence-only latest starts for a project that must end by ``horizon``."""
    plain = problem.plain
    ls = [horizon - d for d in plain.duration]
    for j in problem.topological[::-1].tolist():
        for i, lag in plain.preds[j]:
            ls[i] = min(ls[i], ls[j] - lag)
    return np.asarray(ls, dtype=np.int64)


def _total_successors(problem: Problem) -> list[int]:
    """How many activities follow each one, directly or not (descendants as bit sets)."""
    below = [0] * problem.n
    succs = problem.plain.succs
    for i in problem.topological[::-1].tolist():
        bits = 0
        for j in succs[i]:
            bits |= (1 << j) | below[j]
        below[i] = bits
    return [b.bit_count() for b in below]


def rule_values(problem: Problem, rule: str) -> F64:
    """Priority values of ``rule`` (smaller goes first)."""
    es = problem.earliest
    cpm = problem.critical_path
    ls = latest_starts(problem, cpm)
    lft = (ls + problem.duration).astype(np.float64)
    if rule == "lft":
        return lft
    if rule == "mslk":
        return (ls - es).astype(np.float64)
    if rule == "user":
        return -problem.priority.astype(np.float64) * (cpm + 1) + lft
    if rule == "mts":
        return -np.asarray(_total_successors(problem), dtype=np.float64)
    if rule == "grpw":  # own duration plus the durations of the immediate successors
        d = problem.duration
        succ = problem.succ
        follow = np.where(succ >= 0, d[np.maximum(succ, 0)], 0).sum(axis=1)
        weights: F64 = -(d + follow).astype(np.float64)
        return weights
    raise ValueError(f"unknown priority rule '{rule}'; use one of {', '.join(RULES)}")


def sampled_lists(problem: Problem, rule: str, count: int, rng: np.random.Generator, alpha: float = 1.0) -> I64:
    """``count`` lists by regret-based biased random sampling (Drexl 1991; Kolisch 1996).

    Among the eligible activities, each is chosen with probability proportional to
    ``(regret + 1) ** alpha``, where its regret is how much better its value is than the
    worst value.  Sampling every step from those weights is the same as perturbing the
    log-weights once with Gumbel noise and always taking the largest (the Gumbel-max
    trick), which lets a whole batch of lists be drawn at once.
    """
    base = rule_values(problem, rule)
    regret = base.max() - base + 1.0
    gumbel = -np.log(-np.log(rng.random((count, problem.n)) + 1e-300) + 1e-300)
    return lists_from_values(problem, -(alpha * np.log(regret)[None, :] + gumbel))
