"""The audit log: who changed what, when, with the state before and after."""

from __future__ import annotations

from datetime import date
from typing import Any

from milepost.services.access import Actor
from milepost.storage import repository as repo
from milepost.storage.db import Session
from milepost.storage.models import AuditRecord, Base


def record(
    session: Session,
    actor: Actor | None,
    project_id: int | None,
    entity: str,
    action: str,
    before: Base | dict[str, Any] | None = None,
    after: Base | dict[str, Any] | None = None,
) -> None:
    """Write one audit entry (records are snapshotted as their columns)."""

    def snap(value: Base | dict[str, Any] | None) -> dict[str, Any] | None:
        return repo.snapshot(value) if isinstance(value, Base) else _plain(value)

    b, a = snap(before), snap(after)
    ident = (a or b or {}).get("id")
    repo.add(
        session,
        AuditRecord(
            project_id=project_id,
            user_id=actor.user_id if actor else None,
            entity=entity,
            entity_id=ident if isinstance(ident, int) else None,
            action=action,
            before=b,
            after=a,
        ),
    )


def _plain(value: Any) -> Any:
    """JSON-ready: dates and times as ISO 8601 text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    return value
