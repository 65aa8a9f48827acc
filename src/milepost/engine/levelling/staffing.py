"""Choosing people for requests by role or skill ("2 backend engineers").

Before levelling, each request gets named people, in order of the tasks' critical-path
starts: among everyone qualified, first those whose skill level is closest to what is
asked (keep the experts free), then those with the most room while the task would run
(what they are already assigned to then), then the least loaded overall.  Levelling
then treats the choices as ordinary assignments, so no one is ever over-allocated and
every delay names the person it waited for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from milepost.domain.project import Project
from milepost.domain.resource import Assignment, Request
from milepost.domain.schedule import Schedule


@dataclass(frozen=True)
class Staffing:
    """The project with the chosen people assigned, and the choices."""

    project: Project
    chosen: tuple[Assignment, ...]


def staff(project: Project, cpm: Schedule) -> Staffing:
    """Assign people to every request (``cpm`` gives the windows the tasks would run in)."""
    if not project.requests:
        return Staffing(project, ())
    windows = {t.key: (t.start, t.finish) for t in cpm}
    busy: list[Assignment] = list(project.assignments)
    chosen: list[Assignment] = []
    order = sorted(project.requests, key=lambda q: (windows[q.task][0], project.task_index[q.task]))
    for q in order:
        need = q.count
        for person, room in _candidates(project, q, busy, windows):
            take = min(need, room) if room > 0 else need
            pick = Assignment(q.task, person, round(take, 4))
            chosen.append(pick)
            busy.append(pick)
            need -= take
            if need <= 1e-9:
                break
    return Staffing(replace(project, assignments=project.assignments + tuple(chosen)), tuple(chosen))


def _candidates(
    project: Project, q: Request, busy: list[Assignment], windows: dict[str, tuple[datetime, datetime]]
) -> list[tuple[str, float]]:
    """Qualified people, best first, with the units they have free in the task's window."""
    start, finish = windows[q.task]
    already = {a.resource for a in busy if a.task == q.task}
    load: dict[str, float] = {}
    overlap: dict[str, float] = {}
    for a in busy:
        a_start, a_finish = windows[a.task]
        load[a.resource] = load.get(a.resource, 0.0) + a.units
        if a_start < finish and start < a_finish:
            overlap[a.resource] = overlap.get(a.resource, 0.0) + a.units
    people = [r for r in project.resources if q.qualifies(r) and r.key not in already]
    rows = []
    for r in people:
        excess = dict(r.skills).get(q.skill, 0) - q.level if q.skill else 0
        room = r.max_units - overlap.get(r.key, 0.0)
        rows.append((excess, -room, load.get(r.key, 0.0), r.key, room))
    rows.sort()
    ranked = [(key, room) for *_, key, room in rows]
    free = [(k, room) for k, room in ranked if room > 0]
    return free + [(k, r.max_units) for k, room in ranked if room <= 0 for r in [project.resource_map[k]]]
