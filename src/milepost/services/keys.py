"""Keys for new tasks, made from their names (the table's add row, imports of lists)."""

from __future__ import annotations

import re

from milepost.storage import repository as repo
from milepost.storage.db import Session

MAX = 40


def suggest_key(session: Session, project_id: int, parent_id: int | None, name: str) -> str:
    """A key from the name (``Build the API`` -> ``build-the-api``), unique among the siblings."""
    base = re.sub(r"[^a-z0-9_]+", "-", name.strip().lower()).strip("-")[:MAX].strip("-") or "task"
    taken = {t.key for t in repo.siblings(session, project_id, parent_id)}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
