"""Is the server ready: the database reachable, its schema at the latest migration."""

from __future__ import annotations

from milepost.storage import migrate
from milepost.storage.db import SessionFactory, transaction


def readiness(factory: SessionFactory) -> tuple[bool, str]:
    """Whether requests can be served, and why not."""
    try:
        with transaction(factory) as session:
            current = migrate.current_of(session)
    except Exception as exc:  # any database failure means not ready
        return False, f"database unreachable: {type(exc).__name__}"
    head = migrate.head()
    if current != head:
        return False, f"database schema at {current or 'nothing'}, expected {head}: run  milepost db upgrade"
    return True, f"schema {head}"
