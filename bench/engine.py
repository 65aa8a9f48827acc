"""Engine benchmark: schedule random networks of 10k to 100k tasks, phase by phase.

For each size, a seeded random network (``networks.random_project``, 3 links per task,
public holidays on the calendar) is scheduled ``--repeat`` times.  Each run times the
phases of ``milepost.engine.schedule`` one after the other (validation, network
compilation, passes, assembly) and then, on a fresh copy of the project, the whole
``milepost.schedule(project)``.  Medians are printed, with the per-task time and the
growth of the per-task time from the smallest to the largest network (1.0 = linear).

    .venv/bin/python bench/engine.py [--sizes 10k,20k,50k,100k] [--repeat 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools

import milepost
from common import header, median, ms, sizes, timed, verdict
from milepost.domain.project import Project
from milepost.domain.validation import validate_project
from milepost.engine.scheduler import assemble, compile_network, run_passes
from networks import random_project

PHASES = ("validate", "compile", "passes", "assemble")
TARGET_SECONDS = 1.0
TARGET_TASKS = 100_000
LINEAR_ENOUGH = 1.5
"""Per-task time may grow at most this much from 10k to 100k to count as near-linear."""


def fresh(project: Project) -> Project:
    """An equal project without the cached indexes of earlier runs."""
    return dataclasses.replace(project)


def run_phases(project: Project) -> dict[str, float]:
    """Seconds spent in each phase of one ``schedule`` call, done by hand."""
    p = fresh(project)
    t_val, problems = timed(lambda: validate_project(p, cycles=False))
    if problems:
        raise SystemExit(f"the random project is invalid: {problems[:3]}")
    t_net, net = timed(lambda: compile_network(p))
    t_pass, passes = timed(lambda: run_passes(net))
    t_asm, _ = timed(lambda: assemble(p, net, passes))
    return {"validate": t_val, "compile": t_net, "passes": t_pass, "assemble": t_asm}


def bench_size(n: int, links_per_task: int, repeat: int, seed: int) -> dict[str, float]:
    """Median seconds per phase and in total for a network of ``n`` tasks."""
    project = random_project(n, links_per_task * n, seed=seed)
    runs: dict[str, list[float]] = {k: [] for k in (*PHASES, "schedule")}
    for _ in range(repeat):
        for k, v in run_phases(project).items():
            runs[k].append(v)
        p = fresh(project)
        runs["schedule"].append(timed(functools.partial(milepost.schedule, p))[0])
    out = {k: median(v) for k, v in runs.items()}
    out["tasks"] = float(len(project.tasks))
    out["leaves"] = float(n)
    out["links"] = float(len(project.dependencies))
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=[10_000, 20_000, 50_000, 100_000], help="leaf task counts")
    parser.add_argument("--links-per-task", type=int, default=3)
    parser.add_argument("--repeat", "-n", type=int, default=5, help="runs per size (median reported)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    header("Engine: milepost.schedule(project) on random networks")
    print(
        f"networks: random_project(n, {args.links_per_task}*n, seed={args.seed}), "
        "~5% summary tasks, 80% FS / 10% SS / 10% FF links, calendar with GB-ENG holidays"
    )
    print(f"median of {args.repeat} runs each (gc.collect() before every timed step); times in ms")
    print()
    timed(lambda: milepost.schedule(random_project(1000, 3000, seed=args.seed + 1)))  # warm-up, not reported

    cols = ("leaves", "tasks", "links", *PHASES, "sum", "schedule()", "µs/task")
    print(" ".join(f"{c:>11}" for c in cols))
    results: dict[int, dict[str, float]] = {}
    for n in args.sizes:
        r = results[n] = bench_size(n, args.links_per_task, args.repeat, args.seed)
        row = [f"{int(r['leaves']):,}", f"{int(r['tasks']):,}", f"{int(r['links']):,}"]
        row += [ms(r[k]) for k in PHASES]
        row += [ms(sum(r[k] for k in PHASES)), ms(r["schedule"]), f"{r['schedule'] / n * 1e6:.2f}"]
        print(" ".join(f"{c:>11}" for c in row), flush=True)
    print()

    small, large = min(results), max(results)
    if large > small:
        per_small = results[small]["schedule"] / small
        per_large = results[large]["schedule"] / large
        growth = per_large / per_small
        print(
            f"linearity: per-task time at {large:,} / at {small:,} = {growth:.2f} "
            f"(time ratio {results[large]['schedule'] / results[small]['schedule']:.1f} for {large // small}x tasks)"
        )
        if (small, large) == (10_000, TARGET_TASKS):
            print(
                f"target near-linear growth 10k -> 100k (per-task ratio <= {LINEAR_ENOUGH}): "
                f"{verdict(growth <= LINEAR_ENOUGH)}"
            )
    if TARGET_TASKS in results:
        total = results[TARGET_TASKS]["schedule"]
        print(
            f"target schedule() at {TARGET_TASKS:,} tasks <= {TARGET_SECONDS:.0f} s: {total:.3f} s, "
            f"{verdict(total <= TARGET_SECONDS)}"
        )
    for n, r in results.items():
        shares = ", ".join(f"{k} {r[k] / sum(r[p] for p in PHASES):.0%}" for k in PHASES)
        print(f"time split at {n:,}: {shares}")


if __name__ == "__main__":
    main()
