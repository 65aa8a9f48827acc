"""The time records are stamped with: naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)
