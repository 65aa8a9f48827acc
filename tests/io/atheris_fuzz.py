"""Coverage-guided fuzzing of the readers with atheris (by hand, not in CI).

    pip install atheris
    python -m tests.io.atheris_fuzz mspdi -atheris_runs=200000
    python -m tests.io.atheris_fuzz tasktable -max_total_time=300
    python -m tests.io.atheris_fuzz psplib -max_total_time=300

Each input is written to a file with the reader's extension and read; the only
acceptable outcomes are a project or a :class:`MilepostError`, exactly as in the
Hypothesis tests (``test_robustness.py`` and friends).  Anything else stops the run
with the input saved by libFuzzer (``crash-<sha1>``): shrink it, put it in the crasher
corpus and fix the reader.  The working corpus lives in the temporary directory
(``milepost-atheris/<target>/``), seeded with the same real files the Hypothesis tests
mutate.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris  # type: ignore[import-not-found]

with atheris.instrument_imports(include=["milepost.io"]):
    from milepost.engine import schedule
    from milepost.errors import MilepostError
    from milepost.io.mspdi.reader import read_mspdi
    from milepost.io.psplib import read_psplib
    from milepost.io.tasktable import read_task_table

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SUFFIX = {"mspdi": ".xml", "tasktable": ".csv", "psplib": ".sm"}


def _seeds(target: str) -> list[bytes]:
    if target == "mspdi":
        return [p.read_bytes() for p in sorted((SHARED / "mspdi").glob("*.xml"))]
    if target == "psplib":
        return [p.read_bytes() for p in sorted((SHARED / "psplib" / "j30").glob("j301_*.sm"))]
    from tests.io.test_tasktable import EXAMPLE

    return [EXAMPLE.encode()]


def _reader(target: str) -> Callable[[Path], object]:
    def read(path: Path) -> object:
        if target == "mspdi":
            return read_mspdi(path).project
        if target == "psplib":
            return read_psplib(path).project
        return read_task_table(path).project

    return read


def main() -> None:
    """Fuzz the reader named by the first argument; the rest go to libFuzzer."""
    target = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in SUFFIX else "mspdi"
    corpus = Path(tempfile.gettempdir()) / "milepost-atheris" / target
    corpus.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(_seeds(target)):
        (corpus / f"seed-{i}").write_bytes(seed)
    read = _reader(target)
    work = Path(tempfile.mkdtemp()) / f"input{SUFFIX[target]}"

    def one(data: bytes) -> None:
        work.write_bytes(data)
        try:
            project = read(work)
            schedule(project)  # type: ignore[arg-type]
        except MilepostError:
            pass

    atheris.Setup([sys.argv[0], str(corpus), *sys.argv[1:]], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
