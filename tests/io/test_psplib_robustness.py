"""Damaged PSPLIB instances give a project or a problem with its line, never a traceback.

Instances of j30, j60 and j120 are mutated: lines deleted, repeated or swapped,
numbers replaced with garbage (negative, huge, not a number, a job that does not
exist, superscript digits), the file cut short or given invalid bytes.  Inputs that
once broke the reader are kept in ``psplib_crashers/`` (see ``test_crasher_corpus.py``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milepost.engine import schedule
from milepost.errors import InvalidInputError
from milepost.io.psplib import read_psplib
from tests.io.outcomes import attempt
from tests.shared_data import shared_files

GARBAGE = ["", "-1", "-99999", "0", "1", "2", "33", "999", "1.5", "99999999999999999999", "nan", "³", "R", "*", ":"]


@cache
def sources() -> tuple[str, ...]:
    files = [p for family in ("j30", "j60", "j120") for p in shared_files(f"psplib/{family}", "*_1.sm")[:2]]
    if not files:
        pytest.skip("the PSPLIB instances of ../shared/data/psplib are not available")
    return tuple(p.read_text(encoding="latin-1") for p in files)


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """An instance with a few lines or numbers changed, then perhaps its bytes."""
    lines = draw(st.sampled_from(sources())).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "repeat", "swap", "number", "number", "number"]))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "repeat":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "number" and lines[i].split():
            words = lines[i].split()
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(GARBAGE))
            lines[i] = "  ".join(words)
    data = ("\n".join(lines) + "\n").encode("latin-1", errors="replace")
    action = draw(st.sampled_from(["none", "none", "cut", "insert"]))
    if action == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if action == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from([b"\xff\xfe", b"\x00", b"\xc3"])) + data[at:]
    return data


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("psplib") / "damaged.sm"


def assert_clean(path: Path) -> None:
    """Read and schedule ``path``: a project, or problems that each say what and where."""
    instance, error = attempt(lambda: read_psplib(path))
    if instance is None:
        assert isinstance(error, InvalidInputError), error
        for problem in error.problems:
            assert len(problem.message) > 10, problem
            assert problem.file == str(path), problem
        return
    assert len(instance.durations) == len(instance.project.tasks)
    _, refused = attempt(lambda: schedule(instance.project))
    assert refused is None or len(refused.message) > 10


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged())
def test_a_damaged_instance_gives_a_project_or_a_problem_with_its_line(work: Path, data: bytes) -> None:
    work.write_bytes(data)
    assert_clean(work)
