"""Errors with stable codes.

Every error Milepost raises on purpose derives from :class:`MilepostError` and carries
a stable snake_case ``code`` that callers (CLI, API, tests) can rely on.  Input errors
carry every problem found, each with where it is (file, line, column or field path).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, and where it is.

    Parameters
    ----------
    code:
        Stable snake_case identifier, e.g. ``unknown_task``.
    message:
        Human sentence that says what was expected.
    path:
        Field path inside the document, e.g. ``tasks[3].after[0]``.
    file, line, column:
        Position in the source file (1-based), when known.
    """

    code: str
    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def location(self) -> str:
        """Return ``file:line:column`` (or the field path) for messages."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        where = ":".join(str(p) for p in parts)
        if self.path and not where:
            return self.path
        if self.path:
            return f"{where} ({self.path})"
        return where

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class MilepostError(Exception):
    """Root of every error Milepost raises on purpose."""

    code = "milepost_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInputError(MilepostError, ValueError):
    """The input is invalid; carries every problem found, not just the first."""

    code = "invalid_input"

    def __init__(self, problems: Problem | Iterable[Problem] | str, *, code: str | None = None) -> None:
        if isinstance(problems, str):
            problems = Problem(code or self.code, problems)
        plist: tuple[Problem, ...] = (problems,) if isinstance(problems, Problem) else tuple(problems)
        if not plist:
            raise ValueError("InvalidInputError needs at least one problem")
        self.problems: tuple[Problem, ...] = plist
        first = plist[0]
        summary = str(first) if len(plist) == 1 else f"{first} (and {len(plist) - 1} more)"
        super().__init__(summary, code=code or first.code)


class CyclicDependencyError(InvalidInputError):
    """The dependencies form a cycle; ``cycle`` names every task in it, in order."""

    code = "dependency_cycle"

    def __init__(self, cycle: Sequence[str], problem: Problem | None = None) -> None:
        self.cycle = tuple(cycle)
        text = " -> ".join([*self.cycle, self.cycle[0]]) if self.cycle else "?"
        super().__init__(problem or Problem(self.code, f"dependency cycle: {text}"))


class NotFoundError(MilepostError, LookupError):
    """A referenced object does not exist (or is not visible to the caller)."""

    code = "not_found"


class ConflictError(MilepostError):
    """An update was based on a stale version of the object (``current``: the object as
    it is now, so the caller can merge and retry), or clashes with another object."""

    code = "conflict"

    def __init__(self, message: str, *, current: Mapping[str, Any] | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.current = dict(current) if current is not None else None


class PreconditionRequiredError(MilepostError):
    """An update did not say which version of the object it was based on."""

    code = "version_required"


class AuthenticationError(MilepostError):
    """The caller is not signed in, or the credentials are wrong."""

    code = "not_authenticated"


class RateLimitedError(MilepostError):
    """Too many attempts; ``retry_after`` seconds until the next one is allowed."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermissionDeniedError(MilepostError):
    """The caller may not do this."""

    code = "permission_denied"


class InfeasibleError(MilepostError):
    """No schedule satisfies the hard requirements."""

    code = "infeasible"


class SolverUnavailableError(MilepostError):
    """An optional solver or external tool is not installed."""

    code = "solver_unavailable"


class DatabaseUnavailableError(MilepostError):
    """The database cannot be reached (or opened)."""

    code = "database_unavailable"
