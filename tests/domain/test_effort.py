"""Task types: how duration, work and units move together."""

from __future__ import annotations

from datetime import datetime

import milepost
from milepost.domain.duration import Duration, TimeUnit
from milepost.domain.effort import effective_duration, effort_driven_duration
from milepost.domain.project import Project, Task, TaskType
from milepost.domain.resource import Assignment, Resource

DAY = 480


def test_fixed_units_duration_follows_stated_work() -> None:
    task = Task("t", duration=Duration(2 * DAY, TimeUnit.DAY))
    # 40 h at 50 % takes 80 working hours: 10 days
    assert effective_duration(task, [Assignment("t", "a", 0.5, 40 * 60)]).minutes == 10 * DAY
    # the longest assignment sets the duration
    both = [Assignment("t", "a", 1.0, 16 * 60), Assignment("t", "b", 1.0, 24 * 60)]
    assert effective_duration(task, both).minutes == 3 * DAY


def test_an_assignment_without_stated_work_works_the_tasks_duration() -> None:
    task = Task("t", duration=Duration(2 * DAY, TimeUnit.DAY))
    # b states one day of work; a states none, so a works the task's two days: two days it is
    mixed = [Assignment("t", "a", 1.0), Assignment("t", "b", 1.0, DAY)]
    assert effective_duration(task, mixed).minutes == 2 * DAY
    longer = [Assignment("t", "a", 1.0), Assignment("t", "b", 1.0, 3 * DAY)]
    assert effective_duration(task, longer).minutes == 3 * DAY
    idle = [Assignment("t", "a", 0.0), Assignment("t", "b", 1.0, DAY)]  # no units: works nothing
    assert effective_duration(task, idle).minutes == DAY


def test_fixed_duration_keeps_its_duration() -> None:
    task = Task("t", duration=Duration(2 * DAY, TimeUnit.DAY), task_type=TaskType.FIXED_DURATION)
    assert effective_duration(task, [Assignment("t", "a", 0.5, 40 * 60)]).minutes == 2 * DAY


def test_effort_driven_task_shortens_when_people_are_added() -> None:
    task = Task("t", duration=Duration(4 * DAY, TimeUnit.DAY), effort_driven=True)
    assert effort_driven_duration(task, 1.0, 2.0).minutes == 2 * DAY
    assert effort_driven_duration(Task("u", duration=task.duration), 1.0, 2.0).minutes == 4 * DAY


def test_the_scheduler_uses_the_stated_work() -> None:
    project = Project(
        name="p",
        anchor_date=datetime(2027, 1, 4),
        tasks=(Task("t", duration=Duration(DAY, TimeUnit.DAY)),),
        resources=(Resource("a"),),
        assignments=(Assignment("t", "a", 0.5, 16 * 60),),
    )
    assert milepost.schedule(project).task("t").finish == datetime(2027, 1, 7, 17)  # 4 days at half time
