"""The portfolio: every project a user can see, with where it stands.

Status (red / amber / green) follows the deadlines: a project is **red** when a task
misses its deadline (negative float) or the schedule has an error; **amber** when the
float to the nearest deadline is under five working days or the schedule has warnings;
**green** otherwise.  Projects without deadlines judge on the diagnostics alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from milepost.domain.schedule import Severity
from milepost.errors import MilepostError
from milepost.services import planning, projects
from milepost.services.access import Actor
from milepost.storage.db import Session

AMBER_DAYS = 5
NEXT_MILESTONES = 3


@dataclass
class Standing:
    """Where one project stands."""

    project: dict[str, Any]
    finish: datetime | None = None
    deadline_float: int | None = None
    """Working minutes of float to the nearest deadline (negative: late)."""
    status: str = "green"
    reason: str = ""
    milestones: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""


def standing(session: Session, actor: Actor, view: dict[str, Any], today: datetime) -> Standing:
    """One project's finish, float to its deadlines, status and next milestones."""
    out = Standing(view)
    try:
        plan = planning.planned(session, actor, view["id"])
    except MilepostError as exc:
        return Standing(view, status="red", reason="cannot be scheduled", problem=exc.message)
    schedule, project = plan.schedule, plan.project
    out.finish = schedule.finish_date
    floats = schedule.columns.total_float
    dated = [i for i, t in enumerate(project.tasks) if t.deadline is not None]
    if dated:
        out.deadline_float = min(floats[i] for i in dated)
    day = int(project.units.hours_per_day * 60)
    severities = {d.severity for d in schedule.diagnostics}
    if out.deadline_float is not None and out.deadline_float < 0:
        out.status, out.reason = "red", "a deadline is missed"
    elif Severity.ERROR in severities:
        out.status, out.reason = "red", "the schedule has errors"
    elif out.deadline_float is not None and out.deadline_float < AMBER_DAYS * day:
        out.status, out.reason = "amber", f"less than {AMBER_DAYS} days of float to a deadline"
    elif Severity.WARNING in severities:
        out.status, out.reason = "amber", "the schedule has warnings"
    else:
        out.status, out.reason = "green", "on track"
    ahead: list[tuple[datetime, dict[str, Any]]] = []
    for i, task in enumerate(project.tasks):
        finish = schedule.at(schedule.columns.finish[i])
        if task.milestone and task.percent_complete < 100 and finish >= today:
            ahead.append(
                (finish, {"key": task.key, "name": task.label, "finish": finish, "id": plan.task_ids[task.key]})
            )
    out.milestones = [m for _, m in sorted(ahead, key=lambda pair: pair[0])][:NEXT_MILESTONES]
    return out


def portfolio(session: Session, actor: Actor, today: datetime, *, q: str = "") -> list[Standing]:
    """Every project the user can see (by name), with where it stands."""
    views = projects.list_projects(session, actor, q=q, limit=500)["items"]
    return [standing(session, actor, view, today) for view in views]
