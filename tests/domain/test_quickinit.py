"""quick_init: the faster constructor of frozen, slotted dataclasses behaves as the generated one."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from milepost.domain.duration import Duration
from milepost.domain.project import Dependency, LinkType, Task
from milepost.domain.quickinit import quick_init


def test_same_arguments_defaults_and_behaviour() -> None:
    dep = Dependency("a", "b")
    assert (dep.type, dep.lag) == (LinkType.FS, Duration(0))
    assert Dependency("a", "b", lag=Duration(480)) == Dependency(predecessor="a", successor="b", lag=Duration(480))
    task = Task("x", duration=Duration(5), priority=7)
    assert hash(task) == hash(Task("x", duration=Duration(5), priority=7))
    assert dataclasses.replace(task, name="n").name == "n"
    assert pickle.loads(pickle.dumps(task)) == task
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.key = "y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Dependency("a")  # type: ignore[call-arg]


def test_only_plain_slotted_dataclasses() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = dataclasses.field(default_factory=list)

    for cls in (NoSlots, Factory):
        with pytest.raises(TypeError):
            quick_init(cls)
