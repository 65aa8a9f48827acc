"""Finding and naming dependency cycles."""

from __future__ import annotations

from datetime import datetime

from milepost.domain.duration import Duration
from milepost.domain.graph import find_cycle
from milepost.domain.project import Dependency, Project, Task


def _project(tasks: list[tuple[str, str | None]], links: list[tuple[str, str]]) -> Project:
    return Project(
        name="p",
        anchor_date=datetime(2027, 1, 4),
        tasks=tuple(Task(k, parent=p, duration=Duration(480)) for k, p in tasks),
        dependencies=tuple(Dependency(a, b) for a, b in links),
    )


def test_no_cycle() -> None:
    assert find_cycle(_project([("a", None), ("b", None)], [("a", "b")])) == []


def test_cycle_of_three_in_link_order() -> None:
    cycle = find_cycle(_project([("a", None), ("b", None), ("c", None)], [("a", "b"), ("b", "c"), ("c", "a")]))
    assert len(cycle) == 3
    i = cycle.index("a")
    assert cycle[i:] + cycle[:i] == ["a", "b", "c"]


def test_a_task_after_the_cycle_listed_first_is_not_in_it() -> None:
    project = _project([("z", None), ("a", None), ("b", None)], [("b", "z"), ("b", "a"), ("a", "b")])
    assert sorted(find_cycle(project)) == ["a", "b"]


def test_cycle_through_a_summary_names_it() -> None:
    project = _project([("a", None), ("g", None), ("g.b", "g"), ("c", None)], [("c", "a"), ("a", "g.b"), ("g", "c")])
    cycle = find_cycle(project)
    assert set(cycle) == {"a", "g.b", "g", "c"}
