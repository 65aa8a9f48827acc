"""Invariants of resources and assignments (part of :func:`validate_project`)."""

from __future__ import annotations

from collections.abc import Iterable

from milepost.domain.project import Project
from milepost.domain.resource import HIGHEST_SKILL, LOWEST_SKILL, ResourceKind
from milepost.errors import Problem

_LEVELS = f"levels go from {LOWEST_SKILL} to {HIGHEST_SKILL}"


def resource_path(key: str, attribute: str = "") -> str:
    """Domain path of a resource (or one of its attributes)."""
    return f"resources[{key}]" + (f".{attribute}" if attribute else "")


def assignment_path(task: str, resource: str) -> str:
    """Domain path of an assignment."""
    return f"assignments[{task}->{resource}]"


def check_resources(project: Project) -> Iterable[Problem]:
    """Every problem with the project's resources and assignments."""
    seen: set[str] = set()
    calendars = project.calendar_map
    for r in project.resources:
        if r.key in seen:
            yield Problem("duplicate_resource", f"resource key '{r.key}' is used twice", resource_path(r.key))
        seen.add(r.key)
        if r.calendar is not None and r.calendar not in calendars:
            yield Problem(
                "unknown_calendar", f"calendar '{r.calendar}' is not defined", resource_path(r.key, "calendar")
            )
        if r.max_units < 0:  # 0 % is allowed, as in MS Project (MPXJ writes P6's cost resources so)
            yield Problem(
                "invalid_units",
                f"resource '{r.key}' cannot have negative units",
                resource_path(r.key, "units"),
            )
        for skill, level in r.skills:
            if not LOWEST_SKILL <= level <= HIGHEST_SKILL:
                yield Problem(
                    "invalid_skill_level",
                    f"skill '{skill}' of '{r.key}' is at level {level}; {_LEVELS}",
                    resource_path(r.key, "skills"),
                )
        starts = [rc.start for rc in r.rates if rc.start is not None]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            yield Problem(
                "rates_out_of_order",
                f"the rate changes of '{r.key}' must be in date order, one per date",
                resource_path(r.key, "rates"),
            )
        for a in r.availability:
            if a.start is not None and a.end is not None and a.end < a.start:
                yield Problem(
                    "invalid_range",
                    f"an availability period of '{r.key}' ends before it starts",
                    resource_path(r.key, "availability"),
                )
    yield from _check_assignments(project)
    yield from _check_requests(project)


def request_path(task: str, label: str) -> str:
    """Domain path of a request."""
    return f"requests[{task}->{label}]"


def _check_requests(project: Project) -> Iterable[Problem]:
    for q in project.requests:
        path = request_path(q.task, q.label)
        if q.task not in project.task_index:
            yield Problem("unknown_task", f"a request for task '{q.task}', which does not exist", path)
            continue
        if project.is_summary(q.task):
            yield Problem("summary_assignment", f"'{q.task}' is a summary task; ask for people on its subtasks", path)
        if q.role is None and q.skill is None:
            yield Problem("empty_request", "a request names a role or a skill (or both)", path)
            continue
        if q.count <= 0:
            yield Problem("invalid_units", "a request asks for more than 0 people", path)
        if q.skill is not None and not LOWEST_SKILL <= q.level <= HIGHEST_SKILL:
            yield Problem("invalid_skill_level", f"a request asks for level {q.level}; {_LEVELS}", path)
            continue
        qualified = [r for r in project.resources if q.qualifies(r)]
        if not qualified:
            yield Problem(
                "nobody_qualifies",
                f"nobody can fill '{q.label}' on '{q.task}': no work resource has "
                + (f"role '{q.role}'" if q.role else "")
                + (" and " if q.role and q.skill else "")
                + (f"skill '{q.skill}' at level {q.level} or above" if q.skill else ""),
                path,
            )
        elif sum(r.max_units for r in qualified) + 1e-9 < q.count:
            yield Problem(
                "not_enough_people",
                f"'{q.task}' asks for {q.count:g} '{q.label.split(' ', 1)[1]}' but only "
                f"{sum(r.max_units for r in qualified):g} qualify",
                path,
            )


def _check_assignments(project: Project) -> Iterable[Problem]:
    resources = project.resource_map
    tasks = project.task_index
    seen: set[tuple[str, str]] = set()
    for a in project.assignments:
        path = assignment_path(a.task, a.resource)
        if a.resource not in resources:
            known = ", ".join(sorted(resources)[:8]) or "none yet: add a 'resources' section"
            yield Problem("unknown_resource", f"resource '{a.resource}' is not defined (resources: {known})", path)
            continue
        if a.task not in tasks:
            yield Problem("unknown_task", f"assignment to task '{a.task}', which does not exist", path)
            continue
        if (a.task, a.resource) in seen:
            yield Problem("duplicate_assignment", f"'{a.resource}' is assigned to '{a.task}' twice", path)
        seen.add((a.task, a.resource))
        if project.is_summary(a.task):
            yield Problem(
                "summary_assignment",
                f"'{a.task}' is a summary task; assign '{a.resource}' to its subtasks",
                path,
            )
        if a.units <= 0:
            yield Problem("invalid_units", "assignment units must be above 0%", path)
        kind = resources[a.resource].kind
        if a.quantity is not None and kind is not ResourceKind.MATERIAL:
            yield Problem("quantity_not_material", f"'{a.resource}' is not a material; give units or work", path)
