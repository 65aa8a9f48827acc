"""How a link in a plan file names its predecessor: siblings first, then outward.

Inside summary ``build``, ``after: [api]`` means ``build.api`` when it exists, else a
top-level ``api``; a full key such as ``design.api`` works unless a nearer task
shadows it, and a leading ``/`` (``/api``) always means the full key from the top.
"""

from __future__ import annotations

from collections.abc import Mapping

from milepost.domain.project import Task


def resolve_reference(ref: str, scope: str | None, tasks: Mapping[str, Task]) -> str | None:
    """The full key ``ref`` names from inside summary ``scope`` (``None`` = top level)."""
    if ref.startswith("/"):
        return ref[1:] if ref[1:] in tasks else None
    while scope is not None:
        candidate = f"{scope}.{ref}"
        if candidate in tasks:
            return candidate
        scope = tasks[scope].parent if scope in tasks else None
    return ref if ref in tasks else None


def shortest_reference(pred: str, scope: str | None, tasks: Mapping[str, Task]) -> str:
    """The shortest reference that resolves to ``pred`` from inside ``scope``."""
    parts = pred.split(".")
    for i in range(len(parts) - 1, -1, -1):
        ref = ".".join(parts[i:])
        if resolve_reference(ref, scope, tasks) == pred:
            return ref
    return "/" + pred
