"""iCalendar (RFC 5545) export: milestones and deadlines, or one resource's tasks.

Events carry the project's time zone (``DTSTART;TZID=Europe/Berlin:...``) and the
calendar includes the matching ``VTIMEZONE``, generated from the zoneinfo database, so
calendar programs show the same wall-clock times as the plan.  UIDs are stable
(``<project-slug>-<task-key>-milestone@milepost``), so importing a newer export into
the same calendar updates the events instead of duplicating them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from icalendar.enums import TRANSP

from milepost.domain.duration import describe_minutes
from milepost.domain.project import Project, Task
from milepost.domain.schedule import Schedule, ScheduledTask, describe_moment
from milepost.errors import InvalidInputError, Problem

PRODID = "-//Milepost//Milepost schedule export//EN"


def schedule_to_ics(schedule: Schedule, *, resource: str | None = None, stamp: datetime | None = None) -> bytes:
    """The schedule as an iCalendar file (UTF-8 bytes).

    Parameters
    ----------
    schedule:
        The scheduled project.
    resource:
        ``None`` exports one event per milestone (a task flagged as a milestone, or a
        task with zero duration, at its finish) and one all-day event per deadline
        ("Deadline: <task>", with the scheduled finish and whether it is missed).  A
        resource key exports one event per task assigned to that resource, from the
        task's scheduled start to its finish.
    stamp:
        ``DTSTAMP`` of every event (default: now); give one for reproducible files.

    Raises
    ------
    InvalidInputError
        ``resource`` is not a resource of the project.
    """
    project = schedule.project
    title = project.name
    if resource is None:
        events = [*_milestones(schedule), *_deadlines(schedule)]
    else:
        if resource not in project.resource_map:
            known = ", ".join(sorted(project.resource_map)) or "none"
            raise InvalidInputError(
                Problem(
                    "unknown_resource",
                    f"resource '{resource}' is not in the project (resources: {known})",
                    "resource",
                )
            )
        title = f"{project.name}: {project.resource_map[resource].title}"
        events = list(_assigned(schedule, resource))
    moment = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for event in events:
        event.DTSTAMP = moment
    cal = Calendar.new(
        prodid=PRODID,
        name=title,
        uid=_uid(project, "calendar", *([resource] if resource else [])),
        subcomponents=events,
    )
    cal.calscale = "GREGORIAN"
    if project.timezone != "UTC":
        first = min([schedule.start_date.date(), *_days(events)])
        last = max([schedule.finish_date.date(), *_days(events)])
        cal.add_missing_timezones(date(first.year - 1, 1, 1), date(last.year + 2, 1, 1))
    data: bytes = cal.to_ical()
    return data


def slug(text: str) -> str:
    """Lower-case letters, digits and dashes (``"Web Launch 2027"`` -> ``web-launch-2027``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "project"


def is_milestone(project: Project, task: Task, scheduled: ScheduledTask) -> bool:
    """A milestone flag, or a task (not a summary) with zero scheduled duration."""
    return task.milestone or (scheduled.duration_minutes == 0 and not project.is_summary(task.key))


def _local(project: Project, moment: datetime) -> datetime:
    return moment.replace(tzinfo=ZoneInfo(project.timezone))


def _uid(project: Project, *parts: str) -> str:
    return "-".join([slug(project.name), *parts]) + "@milepost"


def _description(schedule: Schedule, st: ScheduledTask, extra: Iterable[str] = ()) -> str:
    project = schedule.project
    wbs = project.wbs_codes()[st.key]
    floats = describe_minutes(st.total_float_minutes, project.units)
    lines = [
        f"Project: {project.name}",
        f"Task: {st.name} ({st.key}, WBS {wbs})",
        f"Start: {describe_moment(st.start)}  Finish: {describe_moment(st.finish)} ({project.timezone})",
        f"Total float: {floats}{' (critical)' if st.critical else ''}",
        *extra,
    ]
    return "\n".join(lines)


def _milestones(schedule: Schedule) -> Iterable[Event]:
    project = schedule.project
    for task, st in zip(project.tasks, schedule, strict=True):
        if not is_milestone(project, task, st):
            continue
        event = Event.new(
            uid=_uid(project, task.key, "milestone"),
            summary=f"Milestone: {st.name}",
            start=_local(project, st.finish),
            description=_description(schedule, st),
            categories=["Milestone", *(["Critical"] if st.critical else [])],
            transparency=TRANSP.TRANSPARENT,
        )
        yield event


def deadline_day(deadline: datetime) -> date:
    """The calendar day a deadline falls on; midnight means the end of the day before."""
    if deadline.hour == 0 and deadline.minute == 0:
        return (deadline - timedelta(days=1)).date()
    return deadline.date()


def _deadlines(schedule: Schedule) -> Iterable[Event]:
    project = schedule.project
    for i, task in enumerate(project.tasks):
        if task.deadline is None:
            continue
        st = schedule.task_at(i)
        missed = st.finish > task.deadline
        due = describe_moment(task.deadline, end_of_day=True)
        verdict = (
            f"MISSED: scheduled to finish {describe_moment(st.finish)}, after the deadline {due}."
            if missed
            else f"Met: scheduled to finish {describe_moment(st.finish)}, by the deadline {due}."
        )
        day = deadline_day(task.deadline)
        yield Event.new(
            uid=_uid(project, task.key, "deadline"),
            summary=f"Deadline: {st.name}",
            start=day,
            end=day + timedelta(days=1),
            description=_description(schedule, st, [verdict]),
            categories=["Deadline", "Missed" if missed else "Met"],
            transparency=TRANSP.TRANSPARENT,
        )


def _assigned(schedule: Schedule, resource: str) -> Iterable[Event]:
    project = schedule.project
    for a in project.assignments:
        if a.resource != resource or a.task not in project.task_index:
            continue
        st = schedule.task(a.task)
        event = Event.new(
            uid=_uid(project, a.task, slug(resource)),
            summary=st.name,
            start=_local(project, st.start),
            end=_local(project, st.finish) if st.finish > st.start else None,
            description=_description(schedule, st, [f"Units: {a.units:.0%}"]),
            categories=["Critical"] if st.critical else [],
        )
        yield event


def _days(events: Iterable[Event]) -> list[date]:
    days = []
    for event in events:
        start = event.start
        days.append(start.date() if isinstance(start, datetime) else start)
    return days
