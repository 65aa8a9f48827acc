"""Run every golden scenario in tests/golden (hand-checked expected dates and floats)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from milepost.domain.duration import parse_duration
from milepost.domain.schedule import Schedule
from milepost.engine import schedule
from milepost.io.planfile import parse_plan

GOLDEN = Path(__file__).parents[1] / "golden"
CASES = sorted(GOLDEN.glob("*.yaml"))
DATE_FIELDS = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")
FLOAT_FIELDS = {
    "total_float": "total_float_minutes",
    "free_float": "free_float_minutes",
    "duration": "duration_minutes",
}


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _check_task(result: Schedule, key: str, expected: dict[str, Any]) -> list[str]:
    got = result.task(key)
    units = result.project.units
    errors = []
    for name, value in expected.items():
        if name in DATE_FIELDS:
            actual: Any = getattr(got, name)
            want: Any = _moment(value)
        elif name in FLOAT_FIELDS:
            actual = getattr(got, FLOAT_FIELDS[name])
            want = parse_duration(str(value), units, signed=True).minutes
        elif name == "critical":
            actual, want = got.critical, bool(value)
        else:
            raise AssertionError(f"unknown expected field '{name}' for task {key}")
        if actual != want:
            errors.append(f"{key}.{name}: expected {want}, got {actual}")
    return errors


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    project = parse_plan(yaml.safe_dump(doc["plan"], sort_keys=False), str(path))
    result = schedule(project)
    expect = doc["expect"]
    errors: list[str] = []
    for field in ("start", "finish"):
        if field in expect:
            actual = result.start_date if field == "start" else result.finish_date
            if actual != _moment(expect[field]):
                errors.append(f"project {field}: expected {expect[field]}, got {actual}")
    for key, fields in (expect.get("tasks") or {}).items():
        errors += _check_task(result, key, fields)
    if "critical" in expect and sorted(result.critical_tasks()) != sorted(expect["critical"]):
        errors.append(f"critical: expected {sorted(expect['critical'])}, got {sorted(result.critical_tasks())}")
    if "critical_path" in expect and result.driving_path != expect["critical_path"]:
        errors.append(f"critical_path: expected {expect['critical_path']}, got {result.driving_path}")
    if "diagnostics" in expect:
        got = sorted((d.code, d.task or "") for d in result.diagnostics)
        want = sorted((d["code"], d.get("task") or "") for d in expect["diagnostics"] or [])
        if got != want:
            errors.append(f"diagnostics: expected {want}, got {got}")
    assert not errors, "\n".join(errors)


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 1
