"""The report of an import: what was not brought over as it was, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImportNote:
    """Something in the file that was not imported as it was, and why."""

    code: str
    message: str
    count: int = 1
