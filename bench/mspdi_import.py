"""MS Project XML benchmark: import a 10,000-task MSPDI file, Milepost against MPXJ.

A seeded random project (``networks.random_project``, 10,000 leaf tasks and 20,000
links, the England holiday calendar) is scheduled and written with ``dump_mspdi`` (with
the schedule's dates, as MS Project saves a file).  In the same run the benchmark then
times ``read_mspdi(path)`` and MPXJ's ``MSPDIReader().read(path)`` on that file,
``--repeat`` times each after one untimed warm-up read each (MPXJ's is the slow first
read of a fresh JVM), and compares the medians.  Only the reads are timed: the JVM start
is reported on its own.  ``--profile`` adds a cProfile of one ``read_mspdi``.

    .venv/bin/python bench/mspdi_import.py [--tasks 10000] [--links 20000] [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

import milepost
from common import header, median, ms, timed, verdict
from milepost.errors import MilepostError
from milepost.io.mpxj import java_version, start_jvm
from milepost.io.mspdi.reader import read_mspdi
from milepost.io.mspdi.writer import dump_mspdi
from networks import random_project

TARGET_SECONDS = 2.0
TARGET_TASKS = 10_000


def profile(path: Path) -> None:
    """Print where one ``read_mspdi`` spends its time (cProfile, top functions)."""
    profiler = cProfile.Profile()
    profiler.runcall(read_mspdi, path)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(14)
    print("  profile of one read_mspdi (cProfile adds overhead; read the shares, not the times):")
    for line in out.getvalue().splitlines():
        if line.strip() and not line.startswith(("   Ordered", "   List reduced")):
            print(f"    {line}")


def mpxj_reader() -> tuple[Any, str, float] | None:
    """MPXJ's MSPDI reader class, the Java version and the JVM start time (None without MPXJ)."""
    t0 = time.perf_counter()
    try:
        start_jvm()
    except MilepostError as exc:
        print(f"MPXJ: not available, only Milepost is timed ({exc})")
        return None
    import jpype  # type: ignore[import-untyped,unused-ignore]

    return jpype.JClass("org.mpxj.mspdi.MSPDIReader"), java_version(), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    """Write the MSPDI file, time both readers and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=TARGET_TASKS, help="leaf tasks")
    parser.add_argument("--links", type=int, default=2 * TARGET_TASKS, help="links (about)")
    parser.add_argument("--repeat", "-n", type=int, default=5, help="timed runs of each reader (median reported)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one read_mspdi")
    args = parser.parse_args(argv)

    header("MS Project XML import: read_mspdi against MPXJ's MSPDIReader")
    project = random_project(args.tasks, args.links, seed=args.seed)
    schedule = milepost.schedule(project)
    with tempfile.TemporaryDirectory(prefix="milepost-bench-") as tmp:
        path = Path(tmp) / "plan.xml"
        t_dump, data = timed(lambda: dump_mspdi(project, schedule))
        path.write_bytes(data)
        print(
            f"file: {args.tasks:,} leaf tasks + {len(project.tasks) - args.tasks:,} summaries, "
            f"{len(project.dependencies):,} links, {len(data) / 1e6:.2f} MB, {data.count(b'<Exception>'):,} "
            f"calendar exceptions (dump_mspdi took {ms(t_dump)} ms)"
        )
        mpxj = mpxj_reader()
        if mpxj is not None:
            print(f"MPXJ: Java {mpxj[1]}, JVM start {ms(mpxj[2])} ms (not in the timings)")
        print(f"median of {args.repeat} runs after one warm-up run each (gc.collect() before each); times in ms")
        print()

        t_first, imported = timed(lambda: read_mspdi(path))
        ours = [timed(lambda: read_mspdi(path))[0] for _ in range(args.repeat)]
        got = (len(imported.project.tasks), len(imported.project.dependencies))
        if got != (len(project.tasks), len(project.dependencies)):
            print(f"WARNING: read {got[0]} tasks and {got[1]} links")
        print(f"read_mspdi:          median {ms(median(ours))} ms (min {ms(min(ours))}, max {ms(max(ours))}; "
              f"first {ms(t_first)})")  # fmt: skip
        if mpxj is not None:
            reader = mpxj[0]
            t_cold, read = timed(lambda: reader().read(str(path)))
            theirs = [timed(lambda: reader().read(str(path)))[0] for _ in range(args.repeat)]
            print(f"MPXJ MSPDIReader:    median {ms(median(theirs))} ms (min {ms(min(theirs))}, max {ms(max(theirs))}; "
                  f"first {ms(t_cold)})")  # fmt: skip
            tasks = sum(1 for t in read.getTasks() if int(t.getUniqueID()) != 0)
            if tasks != len(project.tasks):
                print(f"WARNING: MPXJ read {tasks} tasks")
            ratio = median(theirs) / median(ours)
            print(f"ratio MPXJ / Milepost: {ratio:.2f} ({'Milepost' if ratio > 1 else 'MPXJ'} is faster)")
        if args.profile:
            print()
            profile(path)
        print()
        if args.tasks == TARGET_TASKS:
            total = median(ours)
            print(
                f"target import of a {TARGET_TASKS:,}-task MSPDI file <= {TARGET_SECONDS:.0f} s: {total:.3f} s, "
                f"{verdict(total <= TARGET_SECONDS)}"
            )


if __name__ == "__main__":
    main()
