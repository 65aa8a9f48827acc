"""Milepost schedules every MS Project file in ../shared/data/mspdi to MS Project's own dates."""

from __future__ import annotations

from datetime import date

import pytest

from milepost.domain.calendar import Frequency
from milepost.domain.calendar_rules import occurrences
from milepost.io.mspdi.reader import read_mspdi
from milepost.services.fidelity import compare_with_ms_project
from tests.shared_data import shared, shared_files

FILES = shared_files("mspdi", "*.xml")


def test_the_shared_files_are_there() -> None:
    folder = shared("mspdi")
    assert len(list(folder.glob("*.xml"))) >= 7


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_task_lands_on_ms_projects_dates(path: object) -> None:
    result = compare_with_ms_project(shared("mspdi", getattr(path, "name", "")))
    detail = [
        f"{m.key} (UID {m.external_id}): MS {m.ms_start}..{m.ms_finish}, us {m.start}..{m.finish}"
        for m in result.mismatches
    ]
    assert not detail, "\n".join(detail)
    if result.imported.project.tasks:
        assert result.compared > 0


def test_recurring_exceptions_expand_like_ms_project() -> None:
    """MS Project saves each recurring exception's last occurrence as its end date."""
    path = shared("mspdi", "calendar-recurring-exceptions-project2016-mspdi.xml")
    project = read_mspdi(path).project
    recurring = [e for cal in project.calendars for e in cal.exceptions if e.recurrence is not None]
    assert len(recurring) >= 20
    text = path.read_text(encoding="utf-8")
    for exc in recurring:
        rule = exc.recurrence
        assert rule is not None
        assert rule.count is not None
        days = list(occurrences(exc.start, rule, date(1990, 1, 1), date(2100, 1, 1)))
        assert len(days) == rule.count, exc.name
        assert f"<ToDate>{days[-1].isoformat()}T23:59:00</ToDate>" in text, (exc.name, days[-1])
    kinds = {e.recurrence.frequency for e in recurring if e.recurrence}
    assert kinds == {Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.YEARLY}
