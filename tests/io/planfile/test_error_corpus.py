"""The bad-plan corpus: each file lists the exact problems (code, line, column) it must raise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from milepost.cli.app import app
from milepost.errors import InvalidInputError
from milepost.io.planfile import read_plan

CORPUS = Path(__file__).parent / "errors"
CASES = sorted(CORPUS.glob("*.yaml"))
EXPECT = re.compile(r"^#\s*expect:\s*(\w+)\s+(\d+):(\d+)\s*$")


def _expected(path: Path) -> list[tuple[str, int, int]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = EXPECT.match(line)
        if m:
            found.append((m.group(1), int(m.group(2)), int(m.group(3))))
    return sorted(found)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_plan_reports_every_problem(path: Path) -> None:
    expected = _expected(path)
    assert expected, f"{path.name} has no '# expect: CODE LINE:COL' lines"
    with pytest.raises(InvalidInputError) as info:
        read_plan(path)
    got = sorted((p.code, p.line or 0, p.column or 0) for p in info.value.problems)
    assert got == expected
    for p in info.value.problems:
        assert p.file == str(path)
        assert len(p.message) > 10


@pytest.mark.parametrize("path", CASES[:5], ids=[p.stem for p in CASES[:5]])
def test_cli_lists_problems_and_exits_1(path: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    for code, line, col in _expected(path):
        assert f"{path}:{line}:{col}" in result.output
        assert code in result.output


def test_there_are_error_cases() -> None:
    assert len(CASES) >= 1
