"""Finding and naming dependency cycles."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from milepost.domain.duration import Duration
from milepost.domain.graph import _successors, find_cycle
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


def test_links_backward_in_outline_order_without_a_cycle() -> None:
    project = _project([("a", None), ("b", None), ("c", None)], [("c", "a"), ("b", "c")])
    assert find_cycle(project) == []


def test_link_from_a_summary_to_the_task_after_its_last_subtask() -> None:
    tasks = [("g", None), ("g.h", "g"), ("g.h.x", "g.h"), ("y", None)]
    assert find_cycle(_project(tasks, [("g", "y"), ("g.h", "y")])) == []
    assert set(find_cycle(_project(tasks, [("g", "y"), ("y", "g.h.x")]))) == {"g", "g.h", "g.h.x", "y"}


def test_link_from_a_summary_into_its_own_subtask_is_a_cycle() -> None:
    tasks = [("g", None), ("g.a", "g"), ("g.b", "g")]
    assert find_cycle(_project(tasks, [("g", "g.b")])) != []


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_cycle_is_found_exactly_when_there_is_one(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 9))
    tasks: list[tuple[str, str | None]] = []
    for i in range(n):  # each task under none or one of the tasks before it
        parent = data.draw(st.sampled_from([None, *[k for k, _ in tasks]]))
        tasks.append((f"{parent}.t{i}" if parent else f"t{i}", parent))
    keys = [k for k, _ in tasks]
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(keys), st.sampled_from(keys)), max_size=12))
    project = _project(tasks, [(a, b) for a, b in pairs if a != b])
    succ, _ = _successors(project)
    assert (find_cycle(project) != []) == _has_cycle(succ)


def _has_cycle(succ: list[list[int]]) -> bool:
    state = [0] * len(succ)  # 0 new, 1 on the path, 2 done

    def visit(i: int) -> bool:
        state[i] = 1
        for j in succ[i]:
            if state[j] == 1 or (state[j] == 0 and visit(j)):
                return True
        state[i] = 2
        return False

    return any(state[i] == 0 and visit(i) for i in range(len(succ)))
