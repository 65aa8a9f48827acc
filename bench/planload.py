"""Plan-file benchmark: load a 10,000-task plan file with ``milepost.load``.

A seeded random project (``networks.random_project``, 3 links per task) is written
with ``dump_plan`` to a temporary directory; ``milepost.load(path)`` (read, parse,
check and convert, including the cycle search) is timed ``--repeat`` times and the
median is compared with the 1 s target.  ``--profile`` adds a cProfile of one
load, to show where the time goes.

    .venv/bin/python bench/planload.py [--tasks 10000] [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
from pathlib import Path

import milepost
from common import header, median, ms, timed, verdict
from milepost.domain.project import Project
from milepost.io.planfile import dump_plan
from networks import random_project

TARGET_SECONDS = 1.0
TARGET_TASKS = 10_000


def same_plan(loaded: Project, written: Project) -> bool:
    """Whether reading gave back the tasks, links and calendars written.

    The reader adds the built-in calendars (``24h``, ``night``) to every project.
    """
    return (
        loaded.tasks == written.tasks
        and set(loaded.dependencies) == set(written.dependencies)
        and all(loaded.calendar_map.get(c.key) == c for c in written.calendars)
    )


def profile(path: Path) -> None:
    """Print where one ``milepost.load`` spends its time (cProfile, top functions)."""
    profiler = cProfile.Profile()
    profiler.runcall(milepost.load, path)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
    print("  profile of one load (cProfile adds overhead; read the shares, not the times):")
    for line in out.getvalue().splitlines():
        if line.strip() and not line.startswith(("   Ordered", "   List reduced")):
            print(f"    {line}")


def main(argv: list[str] | None = None) -> None:
    """Write the plan file, time loading it and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=TARGET_TASKS, help="leaf tasks in the plan")
    parser.add_argument("--links-per-task", type=int, default=3)
    parser.add_argument("--repeat", "-n", type=int, default=5, help="runs (median reported)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one load")
    args = parser.parse_args(argv)

    header("Plan files: milepost.load(path) of a random plan")
    project = random_project(args.tasks, args.links_per_task * args.tasks, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="milepost-bench-") as tmp:
        path = Path(tmp) / "plan.yaml"
        t_dump, text = timed(lambda: dump_plan(project))
        path.write_text(text, encoding="utf-8")
        size = path.stat().st_size
        print(
            f"plan: {args.tasks:,} leaf tasks + {len(project.tasks) - args.tasks:,} summaries, "
            f"{len(project.dependencies):,} links, {size / 1e6:.2f} MB, {text.count(chr(10)):,} lines "
            f"(dump_plan took {ms(t_dump)} ms)"
        )
        print(f"median of {args.repeat} runs (gc.collect() before each); times in ms")
        print()

        times = []
        for _ in range(args.repeat):
            t, loaded = timed(lambda: milepost.load(path))
            times.append(t)
        if not same_plan(loaded, project):
            print("WARNING: the loaded project differs from the one written")
        total = median(times)
        print(f"milepost.load: median {ms(total)} ms (min {ms(min(times))}, max {ms(max(times))})")
        print(f"  {size / 1e6 / total:.1f} MB/s, {total / len(project.tasks) * 1e6:.1f} µs per task")

        if args.profile:
            profile(path)
        print()
        if args.tasks == TARGET_TASKS:
            print(
                f"target load of a {TARGET_TASKS:,}-task plan <= {TARGET_SECONDS:.0f} s: {total:.3f} s, "
                f"{verdict(total <= TARGET_SECONDS)}"
            )


if __name__ == "__main__":
    main()
