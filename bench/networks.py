"""Random project networks for the benchmarks (seeded, reproducible).

A network of ``n`` tasks is built in WBS order: tasks are grouped in work packages of
about 20 under summary tasks, each task gets links from up to ``links_per_task``
earlier tasks drawn from a window behind it (by default mostly FS, some SS/FF; FS
links may carry a lag or a lead).  The project calendar has the public holidays of
England.  ``link_mix`` and ``fs_lags`` choose the link types and FS lags (in working
minutes), e.g. FS-only links with non-negative lags for the TaskJuggler comparison.

``with_resources`` adds work resources and assignments to such a network, for the
levelling benchmark: each resource has a maximum of 1-3 units (a person, or a pool of
two or three), each leaf task 1-2 assignments on distinct resources at 50, 75 or 100 %
(one value per task, so that the TaskJuggler translation in ``tjp.py`` stays exact).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from milepost.domain.calendar import HolidaySource, standard_calendar
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.project import Dependency, LinkType, Project, Task
from milepost.domain.resource import Assignment, Resource

LINK_MIX = (LinkType.FS,) * 8 + (LinkType.SS, LinkType.FF)
FS_LAGS = (0, 0, 0, 480, -240)
"""Lags of FS links in working minutes, drawn uniformly: none, +1 day or a half-day lead."""


def random_project(
    n: int,
    links: int,
    *,
    seed: int = 1,
    window: int = 400,
    summaries: bool = True,
    link_mix: Sequence[LinkType] = LINK_MIX,
    fs_lags: Sequence[int] = FS_LAGS,
) -> Project:
    """A random, acyclic project with ``n`` leaf tasks and about ``links`` links.

    Links drawn twice between the same pair are dropped, so a few fewer than ``links``
    remain.
    """
    rng = random.Random(seed)
    tasks: list[Task] = []
    leaves: list[str] = []
    group = None
    for i in range(n):
        if summaries and i % 20 == 0:
            group = f"wp{i // 20}"
            tasks.append(Task(key=group, name=f"Work package {i // 20}"))
        key = f"{group}.t{i}" if summaries else f"t{i}"
        days = rng.randint(1, 10)
        tasks.append(
            Task(
                key=key,
                name=f"Task {i}",
                parent=group if summaries else None,
                duration=Duration(days * 480, TimeUnit.DAY),
            )
        )
        leaves.append(key)
    deps: list[Dependency] = []
    seen: set[tuple[int, int]] = set()
    per = links / max(n, 1)
    for j in range(1, n):
        k = int(per) + (1 if rng.random() < per - int(per) else 0)
        for _ in range(k):
            i = rng.randint(max(0, j - window), j - 1)
            if (i, j) in seen:
                continue
            seen.add((i, j))
            lt = rng.choice(link_mix)
            lag = Duration(rng.choice(fs_lags), TimeUnit.DAY) if lt is LinkType.FS else Duration(0)
            deps.append(Dependency(leaves[i], leaves[j], lt, lag))
    cal = standard_calendar()
    cal = type(cal)(key=cal.key, name=cal.name, week=cal.week, holidays=(HolidaySource("GB", "ENG"),))
    return Project(
        name=f"random-{n}",
        anchor_date=datetime(2027, 1, 4, 8),
        calendars=(cal,),
        tasks=tuple(tasks),
        dependencies=tuple(deps),
    )


def with_resources(
    project: Project,
    resources: int,
    *,
    seed: int = 1,
    per_task: Sequence[int] = (1, 2),
    units: Sequence[float] = (0.5, 0.75, 1.0),
    max_units: Sequence[int] = (1, 2, 3),
) -> Project:
    """``project`` with ``resources`` work resources ``r0``... and assignments on its leaf tasks.

    Drawn uniformly and independently of the network's own random stream (so the links
    are those of ``random_project`` with the same seed): each resource's ``max_units``
    from ``max_units``; for each leaf task, the number of assignments from ``per_task``
    (distinct resources), and one ``units`` value from ``units`` for all of them.
    """
    rng = random.Random(f"resources-{seed}")
    pool = tuple(
        Resource(key=f"r{k}", name=f"Resource {k}", max_units=float(rng.choice(max_units))) for k in range(resources)
    )
    keys = [r.key for r in pool]
    assignments: list[Assignment] = []
    for task in project.tasks:
        if project.is_summary(task.key) or task.milestone or not keys:
            continue
        u = rng.choice(units)
        for key in rng.sample(keys, min(rng.choice(per_task), len(keys))):
            assignments.append(Assignment(task.key, key, u))
    return replace(project, resources=pool, assignments=tuple(assignments))
