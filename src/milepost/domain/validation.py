"""Invariants of a valid project, checked all at once.

:func:`validate_project` returns every problem it finds (it never stops at the first).
Each problem's ``path`` names the object in the domain's own terms, e.g.
``tasks[design.api].calendar`` or ``dependencies[design.api->build]``, so readers can
map it back to a position in their file.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace

from milepost.domain.calendar import Calendar, builtin_calendars
from milepost.domain.duration import PercentLag
from milepost.domain.graph import find_cycle
from milepost.domain.project import MAX_PRIORITY, ConstraintType, Dependency, Project, Task
from milepost.domain.resource_checks import check_resources
from milepost.errors import Problem

BUILTIN_KEYS = frozenset(builtin_calendars())


def task_path(key: str, attribute: str = "") -> str:
    """Domain path of a task (or one of its attributes)."""
    return f"tasks[{key}]" + (f".{attribute}" if attribute else "")


def link_path(predecessor: str, successor: str) -> str:
    """Domain path of a dependency."""
    return f"dependencies[{predecessor}->{successor}]"


def calendar_path(key: str, attribute: str = "") -> str:
    """Domain path of a calendar (or one of its attributes)."""
    return f"calendars[{key}]" + (f".{attribute}" if attribute else "")


def validate_project(project: Project, *, cycles: bool = True) -> list[Problem]:
    """Every invariant the project breaks, as problems (empty when valid).

    ``cycles=False`` skips the search for dependency cycles (the engine finds them
    itself while it orders the network).  Cycles are looked for even when there are
    other problems, among the tasks and links that are not themselves at fault.
    """
    memo: dict[bool, list[Problem]] = vars(project).setdefault(_MEMO, {})
    if cycles in memo:  # a project is immutable: its problems are found once
        return list(memo[cycles])
    if not cycles and memo.get(True) == []:
        return []
    problems = memo[cycles] = _problems(project, cycles)
    return list(problems)


_MEMO = "_validation_problems"
"""Where a project keeps what :func:`validate_project` found (in its ``__dict__``, as a
``cached_property`` does): the reader validates a plan and the engine then validates the
same project again."""


def _problems(project: Project, cycles: bool) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_calendars(project.calendars, project.calendar)
    problems += _check_working_time(project)
    problems += _check_tasks(project)
    problems += _check_dependencies(project)
    problems += check_resources(project)
    if cycles:
        checked = _cycle_checkable(project) if problems else project
        cycle = find_cycle(checked)
        if cycle:
            problems.append(cycle_problem(cycle, checked))
    return problems


def cycle_problem(cycle: Sequence[str], project: Project | None = None) -> Problem:
    """The problem that reports a dependency cycle, naming every task in it.

    It is placed on the link that closes the loop; with ``project``, on a link that
    exists (a loop through a summary task also runs between the summary and its
    subtasks, which are not links).
    """
    text = " -> ".join([*cycle, cycle[0]])
    pred, succ = cycle[-1], cycle[0]
    if project is not None:
        pairs = {(d.predecessor, d.successor) for d in project.dependencies}
        n = len(cycle)
        steps = [(cycle[i - 1], cycle[i % n]) for i in range(n, 0, -1)]
        pred, succ = next((step for step in steps if step in pairs), (pred, succ))
    return Problem("dependency_cycle", f"dependency cycle: {text}", link_path(pred, succ))


def _cycle_checkable(project: Project) -> Project:
    """The project without what another problem is about: a task key used again, a
    task whose parent is unknown, and links to unknown tasks, to themselves or between
    a summary task and its own subtasks."""
    tasks: dict[str, Task] = {}
    for task in project.tasks:
        if task.key not in tasks and (task.parent is None or task.parent in tasks):
            tasks[task.key] = task
    kept = replace(project, tasks=tuple(tasks.values()), dependencies=())

    def fine(dep: Dependency) -> bool:
        pred, succ = dep.predecessor, dep.successor
        return (
            pred in tasks
            and succ in tasks
            and pred != succ
            and pred not in kept.ancestors(succ)
            and succ not in kept.ancestors(pred)
        )

    return replace(kept, dependencies=tuple(d for d in project.dependencies if fine(d)))


def _check_calendars(calendars: Sequence[Calendar], default: str) -> Iterable[Problem]:
    keys: dict[str, Calendar] = {}
    for cal in calendars:
        if cal.key in keys:
            yield Problem("duplicate_calendar", f"calendar '{cal.key}' is defined twice", calendar_path(cal.key))
        keys[cal.key] = cal
    if default not in keys:
        yield Problem(
            "unknown_calendar",
            f"project calendar '{default}' is not defined{_did_you_mean(default, keys)}",
            "project.calendar",
        )
    for cal in calendars:
        if cal.base is not None and cal.base not in keys:
            yield Problem(
                "unknown_calendar",
                f"calendar '{cal.key}' is based on '{cal.base}', which is not defined{_did_you_mean(cal.base, keys)}",
                calendar_path(cal.key, "base"),
            )
    yield from _check_calendar_cycles(keys)


def _check_calendar_cycles(keys: dict[str, Calendar]) -> Iterable[Problem]:
    """Each loop of bases once, on the base that closes it."""
    reported: set[str] = set()
    for cal in keys.values():
        seen = [cal.key]
        base = cal.base
        while base is not None and base in keys and base not in seen:
            seen.append(base)
            base = keys[base].base
        if base is None or base not in seen:
            continue
        loop = seen[seen.index(base) :]
        if reported.intersection(loop):
            continue
        reported.update(loop)
        if len(loop) == 1:
            message = f"calendar '{base}' is based on itself"
            if base in BUILTIN_KEYS:
                message += (
                    f": defining '{base}' replaces the built-in calendar of that name, so it cannot build on it. "
                    f"Give its week in full, or use another key with base: {base}"
                )
        else:
            message = f"calendars derive from each other: {' -> '.join([*loop, base])}"
        yield Problem("calendar_cycle", message, calendar_path(loop[-1], "base"))


def _check_working_time(project: Project) -> Iterable[Problem]:
    """The calendars in use (the project's and the tasks') must have some working time."""
    calendars = project.calendar_map
    used = dict.fromkeys([project.calendar, *(t.calendar for t in project.tasks if t.calendar is not None)])
    for key in used:
        if key in calendars and not _has_working_time(key, calendars):
            yield Problem(
                "calendar_without_working_time",
                f"calendar '{key}' has no working time: no weekday has hours, in it or in its base calendars, "
                "and no exception adds any",
                calendar_path(key),
            )


def _has_working_time(key: str, calendars: dict[str, Calendar]) -> bool:
    """Whether some weekday (in the calendar or its bases) or exception has hours.

    A base chain that is broken (unknown or looping) is reported on its own, so it
    counts as having working time here.
    """
    days: list[bool | None] = [None] * 7
    seen: set[str] = set()
    cal = calendars[key]
    while True:
        seen.add(cal.key)
        if any(e.working for e in cal.exceptions) or any(any(d for d in w.days if d) for w in cal.work_weeks):
            return True
        days = [bool(h) if d is None and h is not None else d for d, h in zip(days, cal.week.days, strict=True)]
        if cal.base is None:
            return any(days)
        if cal.base not in calendars or cal.base in seen:
            return True
        cal = calendars[cal.base]


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    hint = difflib.get_close_matches(word, list(choices), n=3)
    return f"; did you mean {', '.join(hint)}?" if hint else ""


def _check_tasks(project: Project) -> Iterable[Problem]:
    seen: set[str] = set()
    calendars = project.calendar_map
    summaries = project.children
    for task in project.tasks:
        if task.key in seen:
            yield Problem("duplicate_task", f"task key '{task.key}' is used twice", task_path(task.key))
        if task.parent is not None and task.parent not in seen:
            yield Problem(
                "unknown_parent",
                f"task '{task.key}' has parent '{task.parent}', which does not come before it",
                task_path(task.key, "parent"),
            )
        seen.add(task.key)
        if not _plain(task):
            yield from check_task_fields(task, calendars)
            if task.key in summaries:
                yield from _check_summary(task)


def _plain(task: Task) -> bool:
    """Whether a task has none of the fields :func:`check_task_fields` and
    :func:`_check_summary` can find wrong (most tasks of a large plan): its own calendar,
    a priority, a duration or progress out of range, manual or actual dates, a constraint."""
    return (
        task.calendar is None
        and task.constraint is None
        and 0 <= task.priority <= MAX_PRIORITY
        and task.duration.minutes >= 0
        and task.percent_complete == 0
        and not task.manual
        and task.manual_start is None
        and task.manual_finish is None
        and task.actual_start is None
        and task.actual_finish is None
    )


SUMMARY_CONSTRAINTS = (ConstraintType.ASAP, ConstraintType.SNET, ConstraintType.FNLT)


def _check_summary(task: Task) -> Iterable[Problem]:
    if task.constraint is not None and task.constraint.type not in SUMMARY_CONSTRAINTS:
        yield Problem(
            "unsupported_summary_constraint",
            f"summary task '{task.key}' can only take ASAP, SNET or FNLT; "
            f"put {task.constraint.type.value} on one of its subtasks",
            task_path(task.key, "constraint"),
        )


def check_task_fields(task: Task, calendars: Collection[str]) -> Iterable[Problem]:
    """Problems of one task's own fields (``calendars``: the keys defined)."""
    if task.calendar is not None and task.calendar not in calendars:
        yield Problem(
            "unknown_calendar",
            f"calendar '{task.calendar}' is not defined{_did_you_mean(task.calendar, calendars)}",
            task_path(task.key, "calendar"),
        )
    if not 0 <= task.priority <= MAX_PRIORITY:
        yield Problem(
            "invalid_priority",
            f"priority must be 0-{MAX_PRIORITY}, got {task.priority}",
            task_path(task.key, "priority"),
        )
    if task.duration.minutes < 0:
        yield Problem("negative_duration", "a duration cannot be negative", task_path(task.key, "duration"))
    yield from _check_progress(task)
    if task.constraint is None:
        return
    if task.constraint.type.needs_date and task.constraint.date is None:
        yield Problem(
            "constraint_needs_date",
            f"constraint {task.constraint.type.value} needs a date",
            task_path(task.key, "constraint"),
        )
    if not task.constraint.type.needs_date and task.constraint.date is not None:
        yield Problem(
            "constraint_takes_no_date",
            f"constraint {task.constraint.type.value} takes no date",
            task_path(task.key, "constraint"),
        )


def _check_progress(task: Task) -> Iterable[Problem]:
    if task.manual and (task.manual_start is None or task.manual_finish is None):
        yield Problem(
            "manual_needs_dates", "a manually scheduled task needs its start and finish", task_path(task.key, "manual")
        )
    if task.manual_start and task.manual_finish and task.manual_finish < task.manual_start:
        yield Problem("invalid_range", "the manual finish is before the manual start", task_path(task.key, "manual"))
    if task.actual_start and task.actual_finish and task.actual_finish < task.actual_start:
        yield Problem(
            "invalid_range", "the actual finish is before the actual start", task_path(task.key, "actual_finish")
        )
    if task.actual_finish is not None and task.actual_start is None:
        yield Problem(
            "actual_finish_without_start",
            "a task with an actual finish needs its actual start too",
            task_path(task.key, "actual_start"),
        )
    if not 0 <= task.percent_complete <= 100:
        yield Problem("invalid_progress", "progress must be 0-100%", task_path(task.key, "progress"))


def _check_dependencies(project: Project) -> Iterable[Problem]:
    # integer work over all links keeps this fast on very large plans; details only where wrong
    deps = project.dependencies
    preds, succs = project.link_endpoints
    n = len(project.tasks)
    codes = [p * n + s for p, s in zip(preds, succs, strict=True)]
    duplicates: set[int] = set()
    if len(set(codes)) != len(codes):
        seen: set[int] = set()
        duplicates = {c for c in codes if c in seen or seen.add(c)}  # type: ignore[func-returns-value]
    summary = [t.key in project.children for t in project.tasks] + [False]  # index -1: unknown
    suspects = [
        i
        for i, (p, s) in enumerate(zip(preds, succs, strict=True))
        if p < 0 or s < 0 or p == s or summary[p] or summary[s] or (duplicates and codes[i] in duplicates)
    ]
    for i in suspects:
        dep = deps[i]
        pred, succ = dep.predecessor, dep.successor
        path = link_path(pred, succ)
        if preds[i] < 0 or succs[i] < 0:
            for key, idx in ((pred, preds[i]), (succ, succs[i])):
                if idx < 0:
                    yield Problem("unknown_task", f"link refers to task '{key}', which does not exist", path)
        elif pred == succ:
            yield Problem("self_link", f"task '{succ}' cannot depend on itself", path)
        else:
            if codes[i] in duplicates:
                duplicates.discard(codes[i])
                yield Problem("duplicate_link", f"'{succ}' depends on '{pred}' more than once", path)
            if summary[preds[i]] or summary[succs[i]]:
                yield from _check_summary_link(project, dep)


def _check_summary_link(project: Project, dep: Dependency) -> Iterable[Problem]:
    pred, succ = dep.predecessor, dep.successor
    path = link_path(pred, succ)
    if dep.type.to_finish and project.is_summary(succ):
        yield Problem(
            "finish_link_to_summary",
            f"summary task '{succ}' can only follow with FS or SS links "
            f"(got {dep.type.value}); link one of its subtasks instead",
            path,
        )
    if isinstance(dep.lag, PercentLag) and project.is_summary(pred):
        yield Problem(
            "percent_lag_from_summary",
            f"a percentage lag needs a task with its own duration; '{pred}' is a summary",
            path,
        )
    if pred in project.ancestors(succ) or succ in project.ancestors(pred):
        yield Problem(
            "link_to_own_summary",
            f"'{succ}' and '{pred}' are a summary task and one of its own subtasks; they cannot be linked",
            path,
        )
