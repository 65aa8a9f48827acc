"""A faster ``__init__`` for the frozen, slotted dataclasses built by the ten thousand.

A frozen dataclass's generated ``__init__`` sets each field with
``object.__setattr__(self, name, value)`` (assignment would raise).  Setting the slot
through its own descriptor does the same work without the generic attribute lookup,
which makes a :class:`~milepost.domain.project.Dependency` about 2.5 times and a
:class:`~milepost.domain.project.Task` (20 fields) about 1.7 times quicker to build:
a 10,000-task plan builds 30,000 links and 10,500 tasks.

The replacement takes the same parameters with the same defaults, and the class stays
what it was (frozen, hashable, equal by fields, ``dataclasses.replace`` works).  Only
plain fields are supported: a class with ``__post_init__``, a default factory,
keyword-only or init-only fields keeps its generated ``__init__`` (refused here).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give the frozen, slotted dataclass ``cls`` an ``__init__`` that sets its slots directly."""
    params = dataclasses.fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or not getattr(cls, "__slots__", None):
        raise TypeError(f"{cls.__name__}: quick_init needs a slotted dataclass without __post_init__")
    namespace: dict[str, Any] = {}
    signature: list[str] = []
    body: list[str] = []
    for f in params:
        if f.default_factory is not dataclasses.MISSING or f.kw_only or not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: quick_init supports plain fields only")
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__  # the slot's member descriptor
        if f.default is dataclasses.MISSING:
            signature.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            signature.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(signature)}):\n" + "\n".join(body), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in params}, "return": None}
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
