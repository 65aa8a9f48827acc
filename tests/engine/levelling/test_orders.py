"""Lists from priority values: every way of building them gives the list of the definition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from milepost.engine.levelling import orders
from milepost.engine.levelling.orders import lists_from_values
from milepost.engine.levelling.problem import Problem, padded
from milepost.engine.levelling.sgs import serial_sgs
from tests.engine.levelling.problems import problems, random_lists

F64 = NDArray[np.float64]


def reference(problem: Problem, values: F64) -> list[int]:
    """At each step the eligible activity with the smallest value, the lower index on ties."""
    done: set[int] = set()
    order: list[int] = []
    while len(order) < problem.n:
        eligible = [j for j in range(problem.n) if j not in done and all(i in done for i in problem.pred[j] if i >= 0)]
        j = min(eligible, key=lambda k: (values[k], k))
        order.append(j)
        done.add(j)
    return order


def check(problem: Problem, values: F64, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [reference(problem, row) for row in values]
    assert lists_from_values(problem, values).tolist() == expected  # vector builder for the rest
    monkeypatch.setattr(orders, "VECTOR_LIMIT", 0)
    assert lists_from_values(problem, values).tolist() == expected  # heap builder for the rest


@settings(max_examples=80, deadline=None)
@given(problems(max_n=18), st.integers(0, 2**16), st.sampled_from([2, 5, 1000]))
def test_lists_from_any_values_follow_the_definition(problem: Problem, seed: int, levels: int) -> None:
    """Few distinct values (many ties, links against the values) and distinct ones."""
    values = np.random.default_rng(seed).integers(0, levels, (4, problem.n)).astype(np.float64)
    with pytest.MonkeyPatch.context() as monkeypatch:
        check(problem, values, monkeypatch)


@settings(max_examples=80, deadline=None)
@given(problems(max_n=18), st.integers(0, 2**16))
def test_lists_from_a_schedule_follow_the_definition(problem: Problem, seed: int) -> None:
    """Starts and finishes, as justification reads them: sorted, with tied groups that hold links."""
    batch = serial_sgs(problem, random_lists(problem, 3, seed))
    finish = (batch.starts + problem.duration).astype(np.float64)
    with pytest.MonkeyPatch.context() as monkeypatch:
        check(problem, np.concatenate([batch.starts.astype(np.float64), finish, -finish]), monkeypatch)


def test_a_tie_between_linked_activities_goes_to_the_predecessor() -> None:
    """Activity 2 (zero length) precedes 0 with the same value: sorting alone would put 0 first."""
    problem = _chain()
    values = np.asarray([[3.0, 1.0, 3.0, 0.0]])
    assert lists_from_values(problem, values).tolist() == [[3, 1, 2, 0]]


def _chain() -> Problem:
    pred, lag = padded([[(2, 0)], [], [(3, 0)], []])
    n = 4
    z = np.zeros(n, dtype=np.int64)
    no_resources = (np.zeros((n, 0), dtype=np.int64), np.zeros((0, 9), dtype=np.int64))
    return Problem(np.asarray([1, 1, 0, 1]), *no_resources, pred, lag, z, z - 1, z + 9, z, z - 1)
