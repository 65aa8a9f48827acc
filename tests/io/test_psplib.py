"""PSPLIB instances read into projects whose critical path is the published CPM bound."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from milepost.engine import schedule
from milepost.errors import InvalidInputError
from milepost.io.psplib import period_of, read_psplib
from tests.shared_data import shared


def test_reads_a_j30_instance() -> None:
    inst = read_psplib(shared("psplib", "j30", "j301_1.sm"))
    assert len(inst.project.tasks) == 32
    assert inst.capacities == (12, 13, 4, 12)
    assert inst.durations[1] == 8
    assert inst.successors[0] == (2, 3, 4)
    assert inst.requests[2] == (10, 0, 0, 0)
    assert [r.key for r in inst.project.resources] == ["R1", "R2", "R3", "R4"]
    assert sum(1 for a in inst.project.assignments if a.task == "3") == 1


@pytest.mark.parametrize("family", ["j30", "j60", "j120"])
def test_critical_path_equals_the_published_cpm_bound(family: str) -> None:
    folder = shared("psplib", family)
    with (folder / "bounds.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows[::8]:  # every 8th instance keeps the run short; all parameter sets are covered
        inst = read_psplib(folder / f"{row['instance']}.sm")
        assert period_of(schedule(inst.project).finish_date) == int(row["cpm_lb"]), row["instance"]


def test_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.sm"
    bad.write_text("hello\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        read_psplib(bad)
    assert info.value.code == "invalid_psplib"
