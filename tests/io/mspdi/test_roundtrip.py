"""Write MSPDI, read it back: the same project, and the same schedule.

On every MS Project file in ../shared/data/mspdi, on the example plans and on random
projects (Hypothesis, see ``strategies.py``); with and without a schedule given to the
writer (without one, the writer estimates the span it must write holidays for).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import milepost
from milepost.domain.project import Project
from milepost.io.mspdi.reader import read_mspdi
from milepost.io.mspdi.writer import dump_mspdi, export_horizon
from tests.io.mspdi.compare import assert_same_project, assert_same_schedule, task_map
from tests.io.mspdi.samples import showcase
from tests.io.mspdi.strategies import projects
from tests.shared_data import shared, shared_files

MSPDI_FILES = shared_files("mspdi", "*.xml")
EXAMPLES = sorted((Path(__file__).parents[3] / "examples").glob("*.yaml"))


def round_trip(project: Project, tmp: Path, *, with_schedule: bool = True) -> Project:
    """Write ``project``, read it back, and check both the project and its schedule."""
    first = milepost.schedule(project)
    written = dump_mspdi(project, first if with_schedule else None)
    path = tmp / "out.xml"
    path.write_bytes(written)
    again = read_mspdi(path).project
    assert_same_project(project, written, again, export_horizon(project, first if with_schedule else None))
    assert_same_schedule(first, milepost.schedule(again), task_map(project, again))
    return again


def test_shared_files_are_present() -> None:
    assert len(list(shared("mspdi").glob("*.xml"))) >= 7


@pytest.mark.parametrize("path", MSPDI_FILES, ids=[p.name for p in MSPDI_FILES])
def test_ms_project_files_round_trip(path: Path, tmp_path: Path) -> None:
    project = read_mspdi(shared("mspdi", path.name)).project
    round_trip(project, tmp_path)
    round_trip(project, tmp_path, with_schedule=False)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_plans_round_trip(path: Path, tmp_path: Path) -> None:
    project = milepost.load(path)
    round_trip(project, tmp_path)
    round_trip(project, tmp_path, with_schedule=False)


def test_the_showcase_round_trips(tmp_path: Path) -> None:
    round_trip(showcase(), tmp_path)
    round_trip(showcase(), tmp_path, with_schedule=False)


def test_the_examples_are_there() -> None:
    assert len(EXAMPLES) == 3


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects())
def test_random_projects_round_trip(project: Project, tmp_path: Path) -> None:
    round_trip(project, tmp_path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects())
def test_random_projects_round_trip_without_a_schedule(project: Project, tmp_path: Path) -> None:
    round_trip(project, tmp_path, with_schedule=False)


def test_work_rounded_to_the_minute_does_not_change_the_duration(tmp_path: Path) -> None:
    """3 minutes at 50 % is 1.5 minutes of work, written as 2: read back, the task still
    lasts 3 minutes (found by Hypothesis)."""
    from datetime import datetime

    from milepost.domain.duration import Duration, TimeUnit
    from milepost.domain.project import Task
    from milepost.domain.resource import Assignment, Resource

    project = Project(
        name="Plan",
        anchor_date=datetime(2027, 1, 4),
        tasks=(Task("t0", duration=Duration(3, TimeUnit.MINUTE)),),
        resources=(Resource("r0"),),
        assignments=(Assignment("t0", "r0", 0.5),),
    )
    again = round_trip(project, tmp_path, with_schedule=False)
    assert again.assignments[0].work is None
