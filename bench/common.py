"""Shared helpers of the benchmarks: the header (command line, machine) and timing."""

from __future__ import annotations

import gc
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def command_line() -> str:
    """The command line that started this process, as typed."""
    return shlex.join(sys.orig_argv)


def cpu_model() -> str:
    """The CPU model name from ``/proc/cpuinfo`` (``unknown`` elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    """One line describing the machine: usable CPUs (as ``nproc``), CPU model, Python."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpus} CPUs ({cpu_model()}), Python {platform.python_version()} on {platform.system()}"


def source_state() -> str:
    """The commit of the checkout, and whether ``src/`` has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown (not a git checkout)"
    dirty = git("status", "--porcelain", "--", "src")
    return f"commit {commit}" + (" + uncommitted changes in src/" if dirty else "")


def header(title: str) -> None:
    """Print the benchmark's title, the exact command line, the machine and the source."""
    print(f"# {title}")
    print(f"$ {command_line()}")
    print(f"machine: {machine()}")
    print(f"source: {source_state()}")
    print()


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by ``fn()`` (after a garbage collection) and its result."""
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def ms(seconds: float) -> str:
    """Seconds as milliseconds, for tables."""
    return f"{seconds * 1000:,.1f}"


def spread(samples: list[float]) -> str:
    """Median, min and max of timings in seconds, as milliseconds."""
    return f"median {ms(median(samples))}  (min {ms(min(samples))}, max {ms(max(samples))})"


def verdict(ok: bool) -> str:
    """``MET`` or ``NOT MET``."""
    return "MET" if ok else "NOT MET"


def sizes(text: str) -> list[int]:
    """Parse a comma-separated list of task counts (``10000,20000`` or ``10k,20k``)."""
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        out.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    return out
