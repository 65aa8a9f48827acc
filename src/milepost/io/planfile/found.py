"""Problems found while reading a plan, each at a field path of the file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from milepost.errors import Problem

T = TypeVar("T")
Path = tuple[str | int, ...]


@dataclass
class Found:
    """A problem at a field path; ``at_key`` places it on the key rather than the value."""

    loc: Path
    problem: Problem
    at_key: bool = False


class Collector:
    """Collects problems; :meth:`attempt` turns a notation's ``ValueError`` into one."""

    def __init__(self, skip: set[Path] | None = None) -> None:
        self.problems: list[Found] = []
        self.skip: set[Path] = skip or set()

    def add(self, loc: Sequence[str | int], code: str, message: str, *, at_key: bool = False) -> None:
        """Record a problem at ``loc`` (on its key with ``at_key``)."""
        self.problems.append(Found(tuple(loc), Problem(code, message), at_key))

    def attempt(self, loc: Sequence[str | int], code: str, fn: Callable[[], T], *, at_key: bool = False) -> T | None:
        """``fn()``, or ``None`` with a problem when it raises ``ValueError``."""
        try:
            return fn()
        except ValueError as exc:
            self.add(loc, code, str(exc), at_key=at_key)
            return None
