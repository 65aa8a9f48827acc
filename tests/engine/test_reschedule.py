"""reschedule(): a schedule's dates reused for a project changed only where the passes
never read, and computed again for any other change."""

from __future__ import annotations

from dataclasses import replace

import pytest

import milepost
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.project import Project
from milepost.engine import reschedule, schedule
from milepost.engine import scheduler as engine_scheduler
from milepost.errors import InvalidInputError
from milepost.io.results import schedule_to_dict
from tests.workspace import EXAMPLES


@pytest.fixture(scope="module")
def plan() -> Project:
    return milepost.load(EXAMPLES / "hardware-product.yaml")


def _with_task(project: Project, n: int, **changes: object) -> Project:
    leaves = [i for i, t in enumerate(project.tasks) if t.key not in project.children]
    tasks = list(project.tasks)
    tasks[leaves[n]] = replace(tasks[leaves[n]], **changes)  # type: ignore[arg-type]
    return replace(project, tasks=tuple(tasks))


@pytest.mark.parametrize(
    "changes",
    [{"name": "A new name"}, {"notes": "why"}, {"priority": 900}, {"deliverable": True}, {"external_id": "X-1"}],
    ids=lambda c: next(iter(c)),
)
def test_a_change_the_passes_never_read_keeps_the_dates_without_running_them(
    plan: Project, changes: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = schedule(plan)
    changed = _with_task(plan, 7, **changes)
    monkeypatch.setattr(engine_scheduler, "compile_network", lambda *a: pytest.fail("the passes ran again"))
    again = reschedule(replace(changed, name="Renamed project", description="d"), before)
    monkeypatch.undo()
    assert schedule_to_dict(again) == schedule_to_dict(schedule(replace(changed, name="Renamed project")))
    assert again.project.tasks[again.project.task_index[changed.tasks[0].key]] == changed.tasks[0]


@pytest.mark.parametrize(
    "changes",
    [
        {"duration": Duration(12345, TimeUnit.HOUR)},
        {"milestone": True, "duration": Duration(0, TimeUnit.DAY)},
        {"calendar": "24h"},
    ],
    ids=["duration", "milestone", "calendar"],
)
def test_a_change_the_passes_read_schedules_again(plan: Project, changes: dict[str, object]) -> None:
    before = schedule(plan)
    changed = _with_task(plan, 7, **changes)
    again = reschedule(changed, before)
    assert schedule_to_dict(again) == schedule_to_dict(schedule(changed))
    assert schedule_to_dict(again) != schedule_to_dict(before)


def test_a_project_level_change_schedules_again(plan: Project) -> None:
    before = schedule(plan)
    later = replace(plan, anchor_date=plan.anchor_date.replace(year=plan.anchor_date.year + 1))
    assert reschedule(later, before).start_date == schedule(later).start_date != before.start_date


def test_an_invalid_change_is_still_refused(plan: Project) -> None:
    before = schedule(plan)
    with pytest.raises(InvalidInputError):
        reschedule(_with_task(plan, 3, priority=5000), before)
