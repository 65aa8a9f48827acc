"""Levelling on the PSPLIB RCPSP sets (j30, j60, j120): heuristic, CP-SAT, PyJobShop.

Every instance of a set (or every ``--step``-th) is read with ``read_psplib`` and
levelled with ``milepost.level(instance.project, LevelParams(...))``:

* ``heuristic``: ``LevelParams(schedules=1000)``, in at most 2 worker processes;
* ``optimize``: ``LevelParams(optimize=True, time_limit=10)`` (CP-SAT with 2 workers,
  warm-started from the heuristic), one instance at a time;
* ``--pyjobshop``: PyJobShop's OR-Tools backend on the same files (its own PSPLIB
  reader), same time limit and 2 workers, interleaved with ``optimize`` instance by
  instance so that machine noise hits both alike.

Every schedule is checked against the raw instance (precedences, capacities in every
period).  Per method it prints the mean deviation from the best known makespan
(``best_known.csv``) and from the critical-path lower bound (``bounds.csv`` ``cpm_lb``),
how many schedules equal the best known, how many were proven optimal, and the mean and
maximum time per instance.  Rows go to ``bench/out/psplib-<set>-<method>-....csv`` as
they complete; a later run with the same options resumes from them (``--fresh`` starts
over).

    .venv/bin/python bench/psplib.py j30 [--step N] [--methods heuristic,optimize]
        [--time-limit 10] [--schedules 1000] [--pyjobshop] [--fresh]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import header, source_state, verdict

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "psplib"
OUT = HERE / "out"
FIELDS = (
    "instance",
    "makespan",
    "best_known",
    "cpm_lb",
    "lower_bound",
    "optimal",
    "seconds",
    "cpu",
    "valid",
    "note",
    "load",
    "source",
)
"""CSV columns; ``load`` is the 1-minute load average when the instance finished (on 2 CPUs, above 2
means other work shared the machine and slowed the run)."""
HEURISTIC_WORKERS = 2
CPSAT_WORKERS = 2
PROGRESS_SECONDS = 30.0
BUSY = 3.0
"""A 1-minute load average above this (on 2 CPUs) means the machine was shared."""

TARGETS: dict[tuple[str, str], tuple[str, str, float]] = {
    # (set, method): (what, metric key, threshold)
    ("j30", "heuristic"): ("mean deviation from the optimum <= 0.5 %", "dev_best", 0.5),
    ("j120", "heuristic"): ("mean deviation from the critical-path lower bound <= 34 %", "dev_cpm", 34.0),
    ("j30", "optimize"): ("every instance proven optimal", "all_optimal", 0.0),
    ("j60", "optimize"): ("mean gap to the best known <= 0.5 %", "dev_best", 0.5),
    ("j120", "optimize"): ("mean gap to the best known <= 2.5 %", "dev_best", 2.5),
}


@dataclass(frozen=True)
class Reference:
    """The published figures of one instance."""

    name: str
    path: Path
    best_known: int
    cpm_lb: int


def references(data: Path, which: str) -> list[Reference]:
    """The instances of a set in ``bounds.csv`` order (parameter set, then instance)."""
    folder = data / which
    with (folder / "bounds.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Reference(r["instance"], folder / f"{r['instance']}.sm", int(r["best_known_makespan"]), int(r["cpm_lb"]))
        for r in rows
    ]


def check(durations: Iterable[int], successors: Any, requests: Any, capacities: Any, starts: list[int]) -> str:
    """Empty if ``starts`` is a feasible schedule of the raw instance, else what is wrong."""
    d = list(durations)
    for j, succ in enumerate(successors):
        for s in succ:
            if starts[s - 1] < starts[j] + d[j]:
                return f"job {s} starts at {starts[s - 1]} before job {j + 1} ends at {starts[j] + d[j]}"
    span = max(s + x for s, x in zip(starts, d, strict=True))
    for k, cap in enumerate(capacities):
        use = [0] * (span + 1)
        for j, req in enumerate(requests):
            if req[k]:
                for t in range(starts[j], starts[j] + d[j]):
                    use[t] += req[k]
        over = [t for t, u in enumerate(use) if u > cap]
        if over:
            return f"R{k + 1} over capacity {cap} in period {over[0]} ({use[over[0]]})"
    if min(starts) < 0:
        return "negative start"
    return ""


def run_milepost(ref: Reference, optimize: bool, schedules: int, time_limit: float, seed: int) -> dict[str, Any]:
    """Level one instance with ``milepost.level`` (in a worker process for the heuristic)."""
    import milepost
    from milepost.domain.levelling import LevelParams, LevelStatus
    from milepost.io.psplib import period_of, read_psplib

    inst = read_psplib(ref.path)
    params = LevelParams(optimize=optimize, time_limit=time_limit, schedules=schedules, seed=seed)
    t0, c0 = time.perf_counter(), time.process_time()
    result = milepost.level(inst.project, params)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    starts = [period_of(result.schedule.task(str(j + 1)).start) for j in range(len(inst.durations))]
    makespan = max(s + d for s, d in zip(starts, inst.durations, strict=True))
    note = check(inst.durations, inst.successors, inst.requests, inst.capacities, starts)
    if makespan != result.makespan_minutes:
        note = (note + "; " if note else "") + f"makespan_minutes {result.makespan_minutes} != {makespan}"
    optimal = result.status is LevelStatus.OPTIMAL
    return _row(ref, makespan, result.lower_bound_minutes, optimal, (seconds, cpu), note)


def run_pyjobshop(ref: Reference, time_limit: float) -> dict[str, Any]:
    """Solve one instance with PyJobShop's OR-Tools backend (its own PSPLIB reader)."""
    from milepost.io.psplib import read_psplib

    status_type, read, solve = _pyjobshop()

    inst = read_psplib(ref.path)
    t0, c0 = time.perf_counter(), time.process_time()
    data = read(ref.path, "psplib")
    result = solve(data, "ortools", time_limit=time_limit, display=False, num_workers=CPSAT_WORKERS)
    seconds = (time.perf_counter() - t0, time.process_time() - c0)
    if result.status not in (status_type.OPTIMAL, status_type.FEASIBLE):
        return _row(ref, None, int(result.lower_bound), False, seconds, f"no schedule ({result.status.value})")
    starts = [int(t.start) for t in result.best.tasks]
    makespan = max(s + d for s, d in zip(starts, inst.durations, strict=True))
    note = check(inst.durations, inst.successors, inst.requests, inst.capacities, starts)
    if makespan != round(result.objective):
        note = (note + "; " if note else "") + f"objective {result.objective} != {makespan}"
    optimal = result.status is status_type.OPTIMAL
    return _row(ref, makespan, int(result.lower_bound), optimal, seconds, note)


def _pyjobshop() -> tuple[Any, Any, Any]:
    """PyJobShop's ``SolveStatus``, ``read`` and ``solve``.

    PyJobShop reads PSPLIB files with the PyPI package ``psplib``, which this very
    script (``bench/psplib.py``) would shadow: import it with ``bench/`` off the path.
    """
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    try:
        import pyjobshop
    finally:
        sys.path[:] = saved
    return pyjobshop.SolveStatus, pyjobshop.read, pyjobshop.solve


def _row(
    ref: Reference, span: int | None, bound: int, optimal: bool, seconds: tuple[float, float], note: str
) -> dict[str, Any]:
    return {
        "instance": ref.name,
        "makespan": "" if span is None else span,
        "best_known": ref.best_known,
        "cpm_lb": ref.cpm_lb,
        "lower_bound": bound,
        "optimal": optimal,
        "seconds": f"{seconds[0]:.3f}",
        "cpu": f"{seconds[1]:.3f}",
        "valid": span is not None and not note,
        "note": note,
    }


def _heuristic_job(job: tuple[Reference, int, int]) -> dict[str, Any]:
    ref, schedules, seed = job
    return run_milepost(ref, False, schedules, 0.0, seed)


class Store:
    """The CSV of one method on one set: rows already there, and appending new ones."""

    def __init__(self, path: Path, fresh: bool) -> None:
        self.path = path
        self.rows: dict[str, dict[str, Any]] = {}
        old_columns = False
        if path.exists() and not fresh:
            with path.open(encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                self.rows = {r["instance"]: {k: r.get(k) or "" for k in FIELDS} for r in reader}
                old_columns = tuple(reader.fieldnames or ()) != FIELDS
        path.parent.mkdir(parents=True, exist_ok=True)
        new = fresh or not path.exists() or old_columns
        self._file = path.open("w" if new else "a", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._file, FIELDS)
        if new:
            self._writer.writeheader()
            self._writer.writerows(self.rows.values())  # empty unless the columns changed
        self._source = source_state()

    def add(self, row: dict[str, Any]) -> None:
        row = {**row, "load": f"{os.getloadavg()[0]:.2f}", "source": self._source}
        self.rows[row["instance"]] = row
        self._writer.writerow(row)
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class Progress:
    """A line every ``every`` instances or every 30 s, with the running mean deviation."""

    def __init__(self, label: str, total: int, every: int) -> None:
        self.label, self.total, self.every = label, total, every
        self.done = 0
        self.devs: list[float] = []
        self.began = self.last = time.perf_counter()

    def step(self, row: dict[str, Any]) -> None:
        self.done += 1
        if row["makespan"] != "":
            self.devs.append(_dev(row, "best_known"))
        now = time.perf_counter()
        if self.done == self.total or self.done % self.every == 0 or now - self.last >= PROGRESS_SECONDS:
            self.last = now
            elapsed = now - self.began
            eta = elapsed / self.done * (self.total - self.done)
            mean = statistics.fmean(self.devs) if self.devs else float("nan")
            print(
                f"  [{self.label}] {self.done}/{self.total} in {elapsed:,.0f} s (ETA {eta:,.0f} s); "
                f"last {row['instance']} {row['makespan']} (best known {row['best_known']}); "
                f"mean dev from best known so far {mean:.2f} %; load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )


def _dev(row: dict[str, Any], key: str) -> float:
    return (int(row["makespan"]) - int(row[key])) / int(row[key]) * 100


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Mean deviations, counts and times of a method over the chosen instances."""
    solved = [r for r in rows if r["makespan"] != ""]
    seconds = [float(r["seconds"]) for r in rows]
    loads = [float(r["load"]) for r in rows if r.get("load")]
    cpus = [float(r["cpu"]) for r in rows if r.get("cpu")]
    return {
        "instances": len(rows),
        "solved": len(solved),
        "dev_best": statistics.fmean(_dev(r, "best_known") for r in solved) if solved else float("nan"),
        "dev_cpm": statistics.fmean(_dev(r, "cpm_lb") for r in solved) if solved else float("nan"),
        "max_dev_best": max((_dev(r, "best_known") for r in solved), default=float("nan")),
        "equal": sum(int(r["makespan"]) == int(r["best_known"]) for r in solved),
        "below": sum(int(r["makespan"]) < int(r["best_known"]) for r in solved),
        "optimal": sum(_true(r["optimal"]) for r in rows),
        "invalid": sum(not _true(r["valid"]) for r in rows),
        "mean_s": statistics.fmean(seconds) if seconds else float("nan"),
        "mean_cpu": statistics.fmean(cpus) if cpus else float("nan"),
        "median_s": statistics.median(seconds) if seconds else float("nan"),
        "max_s": max(seconds, default=float("nan")),
        "all_optimal": 0.0,
        "load": statistics.fmean(loads) if loads else float("nan"),
        "busy": sum(x > BUSY for x in loads),
    }


def run_heuristic(refs: list[Reference], store: Store, args: argparse.Namespace) -> None:
    """The heuristic on every instance not yet in ``store``, in at most 2 processes."""
    todo = [r for r in refs if r.name not in store.rows]
    if not todo:
        return
    progress = Progress("heuristic", len(todo), args.every or max(1, len(todo) // 20))
    jobs = [(r, args.schedules, args.seed) for r in todo]
    with multiprocessing.get_context("fork").Pool(min(HEURISTIC_WORKERS, args.processes)) as pool:
        for row in pool.imap_unordered(_heuristic_job, jobs, chunksize=1):
            store.add(row)
            progress.step(row)


def run_sequential(
    refs: list[Reference], solvers: dict[str, tuple[Store, Callable[[Reference], dict[str, Any]]]], every: int
) -> None:
    """Solvers that use both cores, one instance at a time, interleaved per instance."""
    todo = [r for r in refs if any(r.name not in store.rows for store, _ in solvers.values())]
    if not todo:
        return
    progress = {name: Progress(name, len(todo), every or max(1, len(todo) // 20)) for name in solvers}
    for ref in todo:
        for name, (store, solve) in solvers.items():
            if ref.name in store.rows:
                continue
            row = solve(ref)
            store.add(row)
            progress[name].step(row)


def report(which: str, chosen: int, total: int, results: dict[str, dict[str, float]], step: int) -> None:
    """The table of all methods and the verdicts against the targets."""
    print()
    subset = f"all {total}" if chosen == total else f"{chosen} of {total} (every {step}-th)"
    print(f"## {which}: {subset} instances")
    head = (
        "| method | instances | mean dev. from best known | max | mean dev. from CPM LB | = best known "
        "| proven optimal | mean time | median | max time | invalid |"
    )
    print(head)
    print("| --- " * (head.count("|") - 1) + "|")
    for name, s in results.items():
        print(
            f"| {name} | {s['instances']:.0f} | {s['dev_best']:.2f} % | {s['max_dev_best']:.1f} % "
            f"| {s['dev_cpm']:.2f} % | {s['equal']:.0f} | {s['optimal']:.0f} | {s['mean_s']:.2f} s "
            f"| {s['median_s']:.2f} s | {s['max_s']:.2f} s | {s['invalid']:.0f} |"
        )
    for name, s in results.items():
        if s["load"] == s["load"]:  # not NaN: rows written before the load column have none
            print(
                f"  {name}: mean 1-minute load average when an instance finished {s['load']:.1f} (2 CPUs), "
                f"above {BUSY:g} for {s['busy']:.0f} instances; mean CPU time {s['mean_cpu']:.2f} s"
            )
    for name, s in results.items():
        if s["below"]:
            print(f"  {name}: {s['below']:.0f} makespans BELOW the best known (check them)")
        if s["solved"] < s["instances"]:
            print(f"  {name}: no schedule for {s['instances'] - s['solved']:.0f} instances")
    print()
    for (target_set, method), (what, key, threshold) in TARGETS.items():
        if target_set != which or method not in results:
            continue
        s = results[method]
        scope = "" if chosen == total else f" (on {chosen} of {total} instances only)"
        if key == "all_optimal":
            ok = s["optimal"] == s["instances"]
            shown = f"{s['optimal']:.0f} of {s['instances']:.0f} proven optimal"
        else:
            ok = s[key] <= threshold
            shown = f"{s[key]:.2f} %" + ("" if ok else f", {s[key] - threshold:.2f} points over")
        print(f"target {method} {which}: {what}: {shown} -> {verdict(ok)}{scope}")
    if "optimize" in results and "pyjobshop" in results:
        ours, theirs = results["optimize"], results["pyjobshop"]
        mine, other = (round(ours["dev_best"], 6), -ours["optimal"]), (round(theirs["dev_best"], 6), -theirs["optimal"])
        outcome = "TIED" if mine == other else verdict(mine < other)
        print(
            f"target optimize beats PyJobShop on {which}: mean gap {ours['dev_best']:.3f} % vs "
            f"{theirs['dev_best']:.3f} %, proven optimal {ours['optimal']:.0f} vs {theirs['optimal']:.0f}, "
            f"mean time {ours['mean_s']:.2f} s vs {theirs['mean_s']:.2f} s -> {outcome}"
        )


def duel(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]], names: list[str]) -> str:
    """Per instance: how often the first makespan is shorter, equal, longer."""
    better = equal = worse = 0
    for name in names:
        x, y = a.get(name, {}).get("makespan", ""), b.get(name, {}).get("makespan", "")
        if x == "" or y == "":
            continue
        x, y = int(x), int(y)
        better += x < y
        equal += x == y
        worse += x > y
    return f"shorter on {better}, equal on {equal}, longer on {worse}"


def main(argv: list[str] | None = None) -> None:
    """Run the chosen methods on the chosen set and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=("j30", "j60", "j120"))
    parser.add_argument("--step", type=int, default=1, help="take every N-th instance (default: all)")
    parser.add_argument("--offset", type=int, default=0, help="first instance taken with --step")
    parser.add_argument("--methods", default="heuristic,optimize", help="heuristic, optimize (comma-separated)")
    parser.add_argument("--schedules", type=int, default=1000, help="heuristic budget (schedules)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance for optimize")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pyjobshop", action="store_true", help="also PyJobShop's OR-Tools backend")
    parser.add_argument("--processes", type=int, default=HEURISTIC_WORKERS, help="heuristic worker processes (<= 2)")
    parser.add_argument("--every", type=int, default=0, help="a progress line every N instances (default ~5 %%)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--fresh", action="store_true", help="ignore rows of earlier runs and start over")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    if unknown := set(methods) - {"heuristic", "optimize"}:
        parser.error(f"unknown method(s): {', '.join(sorted(unknown))}")

    header(f"Levelling on PSPLIB {args.set}")
    refs_all = references(args.data, args.set)
    refs = refs_all[args.offset :: args.step]
    print(f"instances: {len(refs)} of {len(refs_all)} ({args.data / args.set}); methods: {', '.join(methods)}")
    print(f"heuristic: LevelParams(schedules={args.schedules}, seed={args.seed}), {args.processes} processes")
    print(f"optimize: LevelParams(optimize=True, time_limit={args.time_limit:g}), CP-SAT with {CPSAT_WORKERS} workers")
    if args.pyjobshop and importlib.util.find_spec("pyjobshop") is None:
        print("pyjobshop is not installed (.venv/bin/pip install pyjobshop); --pyjobshop skipped")
        args.pyjobshop = False
    if args.pyjobshop:
        from importlib.metadata import version

        print(
            f"pyjobshop {version('pyjobshop')} (OR-Tools {version('ortools')}): time_limit={args.time_limit:g}, "
            f"num_workers={CPSAT_WORKERS}"
        )
    print(flush=True)

    tl = f"{args.time_limit:g}"
    stores: dict[str, Store] = {}
    if "heuristic" in methods:
        stores["heuristic"] = Store(args.out / f"psplib-{args.set}-heuristic-s{args.schedules}.csv", args.fresh)
    if "optimize" in methods:
        stores["optimize"] = Store(args.out / f"psplib-{args.set}-optimize-t{tl}.csv", args.fresh)
    if args.pyjobshop:
        stores["pyjobshop"] = Store(args.out / f"psplib-{args.set}-pyjobshop-t{tl}.csv", args.fresh)
    for name, store in stores.items():
        known = sum(r.name in store.rows for r in refs)
        print(f"{name}: {store.path} ({known} of these instances already there)")
    print(flush=True)

    try:
        if "heuristic" in stores:
            t0 = time.perf_counter()
            run_heuristic(refs, stores["heuristic"], args)
            print(f"  heuristic wall time: {time.perf_counter() - t0:,.0f} s", flush=True)
        sequential: dict[str, tuple[Store, Callable[[Reference], dict[str, Any]]]] = {}
        if "optimize" in stores:
            sequential["optimize"] = (
                stores["optimize"],
                lambda r: run_milepost(r, True, args.schedules, args.time_limit, args.seed),
            )
        if "pyjobshop" in stores:
            sequential["pyjobshop"] = (stores["pyjobshop"], lambda r: run_pyjobshop(r, args.time_limit))
        t0 = time.perf_counter()
        run_sequential(refs, sequential, args.every)
        if sequential:
            print(f"  {' + '.join(sequential)} wall time: {time.perf_counter() - t0:,.0f} s", flush=True)
    finally:
        for store in stores.values():
            store.close()

    names = [r.name for r in refs]
    results = {name: summary([store.rows[n] for n in names]) for name, store in stores.items()}
    report(args.set, len(refs), len(refs_all), results, args.step)
    if "optimize" in stores and "pyjobshop" in stores:
        print(
            f"  per instance, optimize vs PyJobShop: {duel(stores['optimize'].rows, stores['pyjobshop'].rows, names)}"
        )
    if "heuristic" in stores and "optimize" in stores:
        print(
            f"  per instance, optimize vs heuristic: {duel(stores['optimize'].rows, stores['heuristic'].rows, names)}"
        )
    for name in ("optimize", "pyjobshop"):
        if name in stores:
            open_ = [n for n in names if not _true(stores[name].rows[n]["optimal"])]
            gaps = [
                n for n in names if str(stores[name].rows[n]["makespan"]) != str(stores[name].rows[n]["best_known"])
            ]
            print(
                f"  {name}: not proven optimal: {len(open_)}"
                + (f" ({', '.join(open_)})" if 0 < len(open_) <= 12 else "")
            )
            print(
                f"  {name}: above the best known: {len(gaps)}"
                + (f" ({', '.join(gaps)})" if 0 < len(gaps) <= 12 else "")
            )
    bad = [(name, n, store.rows[n]["note"]) for name, store in stores.items() for n in names]
    bad = [b for b in bad if b[2]]
    for name, n, note in bad[:10]:
        print(f"  INVALID {name} {n}: {note}")


if __name__ == "__main__":
    main()
