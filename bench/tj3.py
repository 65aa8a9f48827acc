"""Milepost side by side with TaskJuggler (``tj3``) on the same random networks.

For each size, one seeded random network with FS links only (TaskJuggler cannot
express FF links or leads faithfully, see ``tjp.py``) is written both as a Milepost
plan (``dump_plan``) and as a TaskJuggler project (``tjp.project_to_tjp``).  In the
same run, interleaved, it times:

* ``tj3 --no-reports plan.tjp`` (wall time of the subprocess);
* ``milepost schedule plan.yaml -f json -o out.json`` (wall time of the subprocess,
  interpreter start included);
* in-process ``milepost.load`` + ``milepost.schedule`` + ``schedule_to_dict`` +
  ``orjson.dumps`` written to a file, as the CLI does (with the CLI's garbage-collector
  settings, ``milepost.cli.app.tune_collector``).

Medians and both ratios are printed.  Then tj3 is run once more with a CSV task
report, and its start and end of every task are compared with Milepost's.

    .venv/bin/python bench/tj3.py [--sizes 1000,10000] [--repeat 5] [--tj3-repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import gc
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson

import milepost
from common import header, median, ms, sizes, verdict
from milepost.cli.app import tune_collector
from milepost.domain.calendar import Calendar
from milepost.domain.project import LinkType, Project
from milepost.domain.schedule import Schedule
from milepost.io.planfile import dump_plan
from milepost.io.results import schedule_to_dict
from networks import random_project
from tjp import holiday_days, project_to_tjp

TARGET_RATIO = 100.0
TARGET_TASKS = 10_000
FS_LAGS = (0, 0, 0, 480)
"""FS lags of the comparison networks (working minutes): none, or +1 day."""
MARGIN = timedelta(days=90)
"""TaskJuggler's project period ends this long after Milepost's project finish."""
REPORT = "ends"


def comparison_project(n: int, links_per_task: int, seed: int) -> Project:
    """The random network both tools schedule: FS links only, lags of 0 or +1 day."""
    return random_project(n, links_per_task * n, seed=seed, link_mix=(LinkType.FS,), fs_lags=FS_LAGS)


def wall(cmd: Sequence[str], cwd: Path) -> float:
    """Wall seconds of a subprocess; exits with its output if it fails."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def in_process(plan: Path, out: Path) -> dict[str, float]:
    """What ``milepost schedule plan -f json -o out`` does, step by step (seconds each)."""
    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    project = milepost.load(plan)
    t1 = time.perf_counter()
    result = milepost.schedule(project)
    t2 = time.perf_counter()
    doc = schedule_to_dict(result)
    t3 = time.perf_counter()
    out.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))  # as the CLI does
    t4 = time.perf_counter()
    steps.update(load=t1 - t0, schedule=t2 - t1, to_dict=t3 - t2, write_json=t4 - t3, total=t4 - t0)
    return steps


def milepost_command() -> list[str]:
    """The ``milepost`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("milepost")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from milepost.cli.app import run; run()"]


def read_report(path: Path) -> dict[str, tuple[datetime, datetime]]:
    """Start and end of each task (by full ID) from tj3's CSV task report."""
    out: dict[str, tuple[datetime, datetime]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter=";")
        next(rows)
        for key, start, end in rows:
            out[key] = (datetime.fromisoformat(start), datetime.fromisoformat(end))
    return out


def next_working(moment: datetime, calendar: Calendar, holidays: set[date]) -> datetime:
    """``moment`` if it is working time, else the start of the next working span."""
    day = moment.date()
    minute = moment.hour * 60 + moment.minute
    for _ in range(3660):
        hours = calendar.week.days[day.weekday()] or ()
        if day not in holidays:
            for span in hours:
                if minute < span.end:
                    return datetime.combine(day, datetime.min.time()) + timedelta(minutes=max(minute, span.start))
        day += timedelta(days=1)
        minute = 0
    raise ValueError(f"no working time within ten years after {moment}")


def compare(project: Project, sched: Schedule, tj: dict[str, tuple[datetime, datetime]]) -> list[str]:
    """Lines describing how tj3's dates agree with Milepost's."""
    calendar = project.calendar_map[project.calendar]
    holidays = set(holiday_days(calendar, project.anchor_date.year, sched.finish_date.year + 1))
    mine = {st.key: (st.start, st.finish) for st in sched}
    missing = mine.keys() - tj.keys()
    same_end = {k for k in mine if k in tj and tj[k][1] == mine[k][1]}
    same_start = {k for k in mine if k in tj and tj[k][0] == mine[k][0]}
    same_snapped = {k for k in mine if k in tj and next_working(tj[k][0], calendar, holidays) == mine[k][0]}
    tj_finish = max(end for _, end in tj.values())
    lines = [
        f"tasks compared: {len(mine) - len(missing):,} of {len(mine):,}"
        + (f" ({len(missing)} missing)" if missing else ""),
        f"same end:   {len(same_end):,}",
        f"same start: {len(same_start):,} as printed; {len(same_snapped):,} once tj3's start is moved to the "
        "next working minute (tj3 starts a successor at its predecessor's end, e.g. Fri 17:00; "
        "Milepost at the next working minute, Mon 08:00)",
        f"project finish: Milepost {sched.finish_date:%Y-%m-%d %H:%M}, tj3 {tj_finish:%Y-%m-%d %H:%M} -> "
        + ("AGREE" if tj_finish == sched.finish_date else "DISAGREE"),
    ]
    last = max((k for k in mine if not project.is_summary(k)), key=lambda k: mine[k][1])
    samples = [project.tasks[1].key, project.tasks[len(project.tasks) // 2].key, last]
    for k in samples:
        a, b = mine[k], tj.get(k)
        shown = f"{b[0]:%Y-%m-%d %H:%M} .. {b[1]:%Y-%m-%d %H:%M}" if b else "missing"
        lines.append(f"  {k:<14} Milepost {a[0]:%Y-%m-%d %H:%M} .. {a[1]:%Y-%m-%d %H:%M}   tj3 {shown}")
    wrong = [k for k in mine if k in tj and (k not in same_snapped or k not in same_end)]
    for k in wrong[:5]:
        a, b = mine[k], tj[k]
        lines.append(f"  differs: {k}: Milepost {a[0]} .. {a[1]}, tj3 {b[0]} .. {b[1]}")
    if wrong:
        lines.append(f"  ({len(wrong):,} tasks differ in start or end)")
    return lines


def bench_size(n: int, args: argparse.Namespace, tj3: str, workdir: Path) -> dict[str, float]:
    """Write the network in both formats, time both tools and compare their dates."""
    project = comparison_project(n, args.links_per_task, args.seed)
    sched = milepost.schedule(project)
    end = sched.finish_date.date() + MARGIN
    d = workdir / f"n{n}"
    d.mkdir(parents=True, exist_ok=True)
    plan, tjp_file, check, out = d / "plan.yaml", d / "plan.tjp", d / "check.tjp", d / "out.json"
    plan.write_text(dump_plan(project), encoding="utf-8")
    tjp_file.write_text(project_to_tjp(project, end), encoding="utf-8")
    check.write_text(project_to_tjp(project, end, report=REPORT), encoding="utf-8")
    print(
        f"## {n:,} tasks ({len(project.tasks) - n} summaries), {len(project.dependencies):,} FS links; "
        f"plan.yaml {plan.stat().st_size / 1e6:.2f} MB, plan.tjp {tjp_file.stat().st_size / 1e6:.2f} MB; "
        f"tj3 project period {project.anchor_date:%Y-%m-%d} - {end}"
    )
    cli = [*milepost_command(), "schedule", plan.name, "-f", "json", "-o", out.name]
    print(f"  tj3:       {tj3} --no-reports {tjp_file.name}")
    print(f"  milepost:  {' '.join(cli)}")
    print("  in-process: milepost.load + milepost.schedule + schedule_to_dict + orjson.dumps -> file (as the CLI)")

    t_tj3: list[float] = []
    t_cli: list[float] = []
    t_inp: list[float] = []
    t_steps: dict[str, list[float]] = {}
    for r in range(max(args.repeat, args.tj3_repeat)):  # interleaved, so that noise hits all three alike
        if r < args.tj3_repeat:
            t_tj3.append(wall([tj3, "--no-reports", tjp_file.name], d))
            print(f"    tj3 run {r + 1}: {t_tj3[-1]:.2f} s", flush=True)
        if r < args.repeat:
            t_cli.append(wall(cli, d))
            gc.collect()
            steps = in_process(plan, out)
            t_inp.append(steps["total"])
            for k, v in steps.items():
                t_steps.setdefault(k, []).append(v)
    res = {"tj3": median(t_tj3), "cli": median(t_cli), "inproc": median(t_inp)}
    rows = (
        ("tj3 --no-reports", "tj3", len(t_tj3)),
        ("milepost CLI", "cli", len(t_cli)),
        ("milepost in-process", "inproc", len(t_inp)),
    )
    for label, key, runs in rows:
        ratio = "" if key == "tj3" else f"  tj3 / this = {res['tj3'] / res[key]:,.0f}x"
        print(f"  median {label:<20} {ms(res[key]):>11} ms  ({runs} runs){ratio}")
    print("  in-process steps (median ms): " + ", ".join(f"{k} {ms(median(v))}" for k, v in t_steps.items()))

    report_dir = d / "report"
    report_dir.mkdir(exist_ok=True)
    wall([tj3, "-o", str(report_dir), check.name], d)
    print("  dates (tj3 with a CSV task report vs Milepost):")
    for line in compare(project, sched, read_report(report_dir / f"{REPORT}.csv")):
        print(f"    {line}")
    print(flush=True)
    return res


def startup(tj3: str, repeat: int) -> None:
    """Print the start-up floors: tj3 on a one-task project, ``milepost --version``."""
    with tempfile.TemporaryDirectory(prefix="milepost-tj3-") as tmp:
        d = Path(tmp)
        tiny = comparison_project(1, 0, 1)
        (d / "tiny.tjp").write_text(project_to_tjp(tiny, tiny.anchor_date.date() + MARGIN), encoding="utf-8")
        t_tj3 = median([wall([tj3, "--no-reports", "tiny.tjp"], d) for _ in range(repeat)])
        t_mp = median([wall([*milepost_command(), "--version"], d) for _ in range(repeat)])
    print(f"start-up floors (median of {repeat}): tj3 on a one-task project {ms(t_tj3)} ms, ", end="")
    print(f"milepost --version {ms(t_mp)} ms")
    print()


def main(argv: list[str] | None = None) -> None:
    """Run the comparison and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=[1_000, 10_000], help="leaf task counts, e.g. 1000,10000")
    parser.add_argument("--links-per-task", type=int, default=3)
    parser.add_argument("--repeat", "-n", type=int, default=5, help="Milepost runs per size (median)")
    parser.add_argument("--tj3-repeat", type=int, default=3, help="tj3 runs per size (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them (default: a temp dir)")
    args = parser.parse_args(argv)

    header("Milepost vs TaskJuggler (tj3) on the same random FS networks")
    tj3 = shutil.which("tj3")
    if tj3 is None:
        print("tj3 not found (Debian/Ubuntu: apt-get install tj3); skipped")
        return
    version = subprocess.run([tj3, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"tj3: {version}; links per task: {args.links_per_task}, FS only, lags 0 or +1d; seed {args.seed}")
    print()
    startup(tj3, max(args.tj3_repeat, 3))
    tune_collector()  # what the milepost command does first, for the in-process figures
    results: dict[int, dict[str, float]] = {}
    if args.keep is not None:
        for n in args.sizes:
            results[n] = bench_size(n, args, tj3, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="milepost-tj3-") as tmp:
            for n in args.sizes:
                results[n] = bench_size(n, args, tj3, Path(tmp))
    if TARGET_TASKS in results:
        r = results[TARGET_TASKS]
        for name, key in (("in-process", "inproc"), ("CLI, interpreter start included", "cli")):
            ratio = r["tj3"] / r[key]
            print(
                f"target Milepost >= {TARGET_RATIO:.0f}x faster than tj3 at {TARGET_TASKS:,} tasks ({name}): "
                f"{ratio:,.0f}x, {verdict(ratio >= TARGET_RATIO)}"
            )


if __name__ == "__main__":
    main()
