"""Run every benchmark with modest defaults and print their output (``make bench``).

Each benchmark runs in its own interpreter, so one's imports and caches do not
flatter another.  Run a benchmark script directly to change its sizes or repeats.

    .venv/bin/python bench/run_all.py [--only engine,planload,tj3,psplib,levelling]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from common import command_line, machine, source_state

HERE = Path(__file__).resolve().parent
BENCHMARKS: dict[str, list[str]] = {
    "engine": ["engine.py", "--repeat", "3"],
    "planload": ["planload.py", "--repeat", "3"],
    "tj3": ["tj3.py", "--sizes", "1000,10000", "--repeat", "3", "--tj3-repeat", "2"],
    # every 10th j30 instance; results apart from bench/out/psplib-*.csv of full runs, and not resumed
    "psplib": ["psplib.py", "j30", "--step", "10", "--pyjobshop", "--out", str(HERE / "out" / "run_all"), "--fresh"],
    "levelling": [
        *("levelling.py", "--tasks", "1000", "--resources", "20", "--repeat", "1"),
        *("--budgets", "100", "--tj3-sizes", "1000"),
    ],
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks one after the other; non-zero if any failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated: " + ", ".join(BENCHMARKS))
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    print(f"$ {command_line()}")
    print(f"machine: {machine()}")
    print(f"source: {source_state()}")
    print()
    failed = []
    for name in chosen:
        script, *rest = BENCHMARKS[name]
        done = subprocess.run([sys.executable, str(HERE / script), *rest], check=False)
        print(flush=True)
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
