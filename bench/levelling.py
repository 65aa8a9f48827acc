"""Levelling a 5,000-task, 50-resource plan with the heuristic, and TaskJuggler on the same plan.

The network is ``random_project(n, 3n, seed)`` with FS links only (lags of 0 or +1
working day, as in the tj3 comparison of ``tj3.py``) plus ``with_resources``: 50 work
resources with 1-3 units, 1-2 assignments per leaf task at 50, 75 or 100 %.  It times
``milepost.level(project)`` with the default parameters (the heuristic, whose budget
follows the plan's size: 72 schedules here), median of ``--repeat`` runs, and checks
with ``resource_load(project, schedule)`` that no resource is over-allocated
afterwards, day by day.  When the default misses the target, it also times the smaller
``--budgets``.

Then the same network goes to TaskJuggler as effort tasks with allocations (see
``tjp.py`` for the translation and what differs) and ``tj3 --no-reports plan.tjp`` is
timed; one more run with a CSV task report gives tj3's dates, and both finish dates
are compared in working days.  ``--tj3-sizes`` runs tj3 (and Milepost, for the
makespans) on other sizes too, to show how tj3 scales.

    .venv/bin/python bench/levelling.py [--tasks 5000] [--resources 50] [--repeat 3]
        [--budgets 100,30] [--tj3-sizes 5000] [--tj3-repeat 1] [--keep DIR] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import milepost
from common import header, median, sizes, timed, verdict
from milepost.domain.levelling import LevelParams, LevelResult
from milepost.domain.project import LinkType, Project
from milepost.engine.calendars.compiled import CompiledCalendar, to_minutes
from milepost.engine.load import resource_load
from networks import random_project, with_resources
from tj3 import read_report
from tjp import project_to_tjp

TARGET_SECONDS = 5.0
TARGET_TASKS = 5_000
FS_LAGS = (0, 0, 0, 480)
REPORT = "ends"


def levelling_project(n: int, resources: int, links_per_task: int, seed: int) -> Project:
    """The benchmark network: FS links with lags of 0 or +1 day, resources and assignments."""
    net = random_project(n, links_per_task * n, seed=seed, link_mix=(LinkType.FS,), fs_lags=FS_LAGS)
    return with_resources(net, resources, seed=seed)


class Days:
    """Working days between the project start and an instant, on the project calendar."""

    def __init__(self, project: Project) -> None:
        self.origin = to_minutes(project.anchor_date)
        self.cal = CompiledCalendar(project.calendar, project.calendar_map, self.origin)
        self.day = project.units.hours_per_day * 60

    def __call__(self, moment: datetime) -> float:
        return self.cal.work_between(self.origin, to_minutes(moment)) / self.day

    def between(self, a: datetime, b: datetime) -> float:
        return self.cal.work_between(to_minutes(a), to_minutes(b)) / self.day


def describe(project: Project) -> str:
    """Counts of the network: tasks, links, resources by units, assignments by count and units."""
    leaves = sum(not project.is_summary(t.key) for t in project.tasks)
    per_task = Counter(Counter(a.task for a in project.assignments).values())
    units = Counter(a.units for a in project.assignments)
    pools = Counter(round(r.max_units) for r in project.resources)
    return (
        f"{leaves:,} leaf tasks ({len(project.tasks) - leaves} summaries), {len(project.dependencies):,} FS links; "
        f"{len(project.resources)} resources (max units: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(pools.items()))
        + f"); {len(project.assignments):,} assignments (tasks with 1 / 2: {per_task[1]:,} / {per_task[2]:,}; "
        + "units "
        + ", ".join(f"{k:.0%}: {v:,}" for k, v in sorted(units.items()))
        + ")"
    )


def level_timed(project: Project, params: LevelParams, repeat: int) -> tuple[list[float], LevelResult]:
    """Wall seconds of ``repeat`` runs of ``milepost.level`` and the last result.

    Each run also prints its CPU time (this process) and the load average: on a shared
    machine the wall time grows with the load, the CPU time much less.
    """
    times = []
    result = None
    for r in range(repeat):
        gc.collect()
        load = os.getloadavg()[0]
        cpu = time.process_time()
        seconds, result = timed(lambda: milepost.level(project, params))
        cpu = time.process_time() - cpu
        times.append(seconds)
        print(
            f"    run {r + 1}: {seconds:.2f} s wall, {cpu:.2f} s CPU; 1-minute load average {load:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after",
            flush=True,
        )
    assert result is not None
    return times, result


def show(project: Project, label: str, times: list[float], result: LevelResult, days: Days) -> None:
    """One result: timings, makespan, bound, and the over-allocations left."""
    t_load, load = timed(lambda: resource_load(project, result.schedule))
    over = len(load.over)
    print(
        f"  {label}: median {median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs); "
        f"{result.schedules} schedules; finish {result.schedule.finish_date:%Y-%m-%d %H:%M} = "
        f"{days(result.schedule.finish_date):,.1f} working days "
        f"(lower bound {result.lower_bound_minutes / days.day:,.0f}, "
        f"slot {result.slot_minutes} min); over-allocated resource-days afterwards: {over}"
        + ("" if over == 0 else "  <-- NOT LEVELLED")
        + f" (resource_load {t_load:.2f} s)",
        flush=True,
    )
    warnings = Counter(d.code for d in result.diagnostics)
    if warnings:
        print(f"    diagnostics: {dict(warnings)}")


def run_tj3(tj3: str, tjp: Path, timeout: float) -> float | None:
    """Wall seconds of one tj3 run in ``tjp``'s folder, ``None`` after ``timeout``."""
    cmd = [tj3, "--no-reports", tjp.name] if "check" not in tjp.stem else [tj3, "-o", "report", tjp.name]
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, cwd=tjp.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"      ({cpu:.1f} s CPU; 1-minute load average {load:.1f} before, {os.getloadavg()[0]:.1f} after)", flush=True
    )
    return elapsed


def tj3_size(
    n: int, args: argparse.Namespace, tj3: str, workdir: Path, measured: tuple[LevelResult, float] | None
) -> None:
    """Write the n-task network for tj3, time tj3, and compare the finish with Milepost's."""
    project = levelling_project(n, args.resources, args.links_per_task, args.seed)
    days = Days(project)
    if measured is None:
        print(f"  milepost.level on the {n:,}-task network (default parameters, 1 run):", flush=True)
        times, result = level_timed(project, LevelParams(), 1)
        show(project, f"milepost.level {n:,} tasks", times, result, days)
        ours_s = median(times)
    else:
        result, ours_s = measured
    cpm = milepost.schedule(project).finish_date
    span = result.schedule.finish_date - project.anchor_date
    end = result.schedule.finish_date.date() + max(timedelta(days=180), span)
    d = workdir / f"n{n}"
    (d / "report").mkdir(parents=True, exist_ok=True)
    plan, check = d / "plan.tjp", d / "check.tjp"
    plan.write_text(project_to_tjp(project, end), encoding="utf-8")
    check.write_text(project_to_tjp(project, end, report=REPORT), encoding="utf-8")
    print(
        f"  tj3 on {n:,} tasks: {plan} ({plan.stat().st_size / 1e6:.2f} MB), project period "
        f"{project.anchor_date:%Y-%m-%d} - {end}",
        flush=True,
    )
    t_tj3 = []
    for r in range(args.tj3_repeat):
        seconds = run_tj3(tj3, plan, args.tj3_timeout)
        if seconds is None:
            print(f"    tj3 --no-reports run {r + 1}: more than {args.tj3_timeout:.0f} s, stopped", flush=True)
            return
        t_tj3.append(seconds)
        print(f"    tj3 --no-reports run {r + 1}: {seconds:.1f} s", flush=True)
    seconds = run_tj3(tj3, check, args.tj3_timeout)
    if seconds is None:
        print(f"    tj3 with the CSV report: more than {args.tj3_timeout:.0f} s, stopped", flush=True)
        return
    print(f"    tj3 with the CSV report: {seconds:.1f} s", flush=True)
    tj = read_report(d / "report" / f"{REPORT}.csv")
    tj_finish = max(e for _, e in tj.values())
    ours = result.schedule.finish_date
    stretched = 0
    for task in project.tasks:
        if task.key in tj and not project.is_summary(task.key):
            s, e = tj[task.key]
            if days.between(s, e) * days.day > task.duration.minutes + 1e-9:
                stretched += 1
    print(
        f"  {n:,} tasks: tj3 --no-reports median {median(t_tj3):.1f} s vs milepost.level (default) "
        f"{ours_s:.1f} s -> tj3 / milepost = {median(t_tj3) / ours_s:.1f}x"
    )
    print(
        f"  finish: critical path (no levelling) {cpm:%Y-%m-%d %H:%M} = {days(cpm):,.1f} working days; "
        f"Milepost levelled {ours:%Y-%m-%d %H:%M} = {days(ours):,.1f}; tj3 {tj_finish:%Y-%m-%d %H:%M} = "
        f"{days(tj_finish):,.1f} -> tj3 / Milepost = {days(tj_finish) / days(ours):.3f}"
    )
    print(
        f"  tj3 tasks longer than their duration (split or slowed while their resources served others): "
        f"{stretched:,} of {sum(not project.is_summary(t.key) for t in project.tasks):,}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    """Time the levelling, check it, and compare with tj3."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=TARGET_TASKS, help="leaf tasks")
    parser.add_argument("--resources", type=int, default=50)
    parser.add_argument("--links-per-task", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", "-n", type=int, default=3, help="runs of milepost.level (median)")
    parser.add_argument("--budgets", type=sizes, default=[100, 30], help="smaller budgets tried if the default misses")
    parser.add_argument("--tj3-sizes", type=sizes, default=[TARGET_TASKS], help="task counts for tj3 (0: none)")
    parser.add_argument("--tj3-repeat", type=int, default=1, help="tj3 --no-reports runs per size (median)")
    parser.add_argument("--tj3-timeout", type=float, default=1800.0, help="seconds before a tj3 run is stopped")
    parser.add_argument("--keep", type=Path, help="write the tj3 files here and keep them (default: a temp dir)")
    parser.add_argument("--profile", action="store_true", help="cProfile one run at the smallest budget")
    args = parser.parse_args(argv)

    header("Levelling: milepost.level on a random plan with resources, and tj3 on the same plan")
    project = levelling_project(args.tasks, args.resources, args.links_per_task, args.seed)
    days = Days(project)
    print(f"network (seed {args.seed}): {describe(project)}")
    unlevelled = milepost.schedule(project)
    before = resource_load(project, unlevelled)
    print(
        f"critical path finish {unlevelled.finish_date:%Y-%m-%d %H:%M} = {days(unlevelled.finish_date):,.1f} "
        f"working days; {len(before.over):,} over-allocated resource-days before levelling"
    )
    print(flush=True)

    print("milepost.level(project) with the default LevelParams() (a budget of schedules by the plan's size):")
    times, result = level_timed(project, LevelParams(), args.repeat)
    show(project, "default", times, result, days)
    met = median(times) <= TARGET_SECONDS
    results: dict[int | None, tuple[list[float], LevelResult]] = {None: (times, result)}
    if not met:
        for budget in args.budgets:
            print(f"milepost.level(project, LevelParams(schedules={budget})):")
            results[budget] = level_timed(project, LevelParams(schedules=budget), args.repeat)
            show(project, f"schedules={budget}", *results[budget], days)
    print()
    scope = "" if args.tasks == TARGET_TASKS and args.resources == 50 else " (not the target's size)"
    print(
        f"target: a {TARGET_TASKS:,}-task, 50-resource plan levels with the heuristic (default budget) in <= "
        f"{TARGET_SECONDS:g} s: {median(times):.2f} s -> {verdict(met)}{scope}"
    )
    for budget, (t, _) in results.items():
        if budget is not None:
            print(f"  with schedules={budget}: {median(t):.2f} s -> {verdict(median(t) <= TARGET_SECONDS)}")
    print(flush=True)

    if args.profile:
        budget = min((b for b in results if b is not None), default=result.schedules)
        profile = cProfile.Profile()
        profile.runcall(milepost.level, project, LevelParams(schedules=budget))
        print(f"cProfile of milepost.level(schedules={budget}), top 15 by cumulative time:")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(15)

    sizes_ = [n for n in args.tj3_sizes if n > 0]
    tj3 = shutil.which("tj3")
    if not sizes_:
        return
    if tj3 is None:
        print("tj3 not found (Debian/Ubuntu: apt-get install tj3); skipped")
        return
    version = subprocess.run([tj3, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"## TaskJuggler: {version}, effort tasks with allocations (translation: bench/tjp.py)")
    with tempfile.TemporaryDirectory(prefix="milepost-level-tj3-") as tmp:
        workdir = args.keep or Path(tmp)
        for n in sizes_:
            tj3_size(n, args, tj3, workdir, (result, median(times)) if n == args.tasks else None)
            print(flush=True)


if __name__ == "__main__":
    main()
