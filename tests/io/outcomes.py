"""What a reader gives for a damaged file: a result, or the Milepost error it raised."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from milepost.errors import MilepostError

T = TypeVar("T")


def attempt(action: Callable[[], T]) -> tuple[T | None, MilepostError | None]:
    """What ``action`` returns, or the Milepost error it raises (any other exception propagates)."""
    try:
        return action(), None
    except MilepostError as exc:
        return None, exc
