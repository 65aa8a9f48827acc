"""Words for counts in messages, the same on every face (CLI, web, API, importers)."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """``1 task``, ``3 tasks``, ``0 tasks``."""
    return f"{count} {word}{'' if count == 1 else 's'}"
