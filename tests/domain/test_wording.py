"""Counts in messages."""

from __future__ import annotations

from milepost.domain.wording import plural


def test_plural_says_one_in_the_singular_and_every_other_count_in_the_plural() -> None:
    assert [plural(n, "task") for n in (0, 1, 2, 10)] == ["0 tasks", "1 task", "2 tasks", "10 tasks"]
