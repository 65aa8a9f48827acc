"""Importing other tools' files through MPXJ (``milepost.io.mpxj``).

Our MSPDI writer's file is converted by MPXJ into Primavera P6 XML (PMXML), Primavera
XER and MPX, and each is imported back: tasks, outline and links survive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import milepost
import milepost.io.mpxj as mpxj_io
from milepost.domain.duration import Duration, PercentLag
from milepost.domain.project import Project
from milepost.domain.resource import ResourceKind
from milepost.errors import InvalidInputError, MilepostError
from milepost.io.mpxj import read_with_mpxj
from milepost.io.mspdi.writer import dump_mspdi
from tests.io.mspdi.samples import showcase

JClass = Callable[[str], Any]
WRITERS = {
    "pmxml": "org.mpxj.primavera.PrimaveraPMFileWriter",
    "xer": "org.mpxj.primavera.PrimaveraXERFileWriter",
    "mpx": "org.mpxj.mpx.MPXWriter",
}


def convert(jclass: JClass, project: Project, suffix: str, tmp: Path) -> Path:
    """Our MSPDI, read by MPXJ and written in another format by MPXJ."""
    source = tmp / "plan.xml"
    source.write_bytes(dump_mspdi(project, milepost.schedule(project)))
    read = jclass("org.mpxj.reader.UniversalProjectReader")().read(str(source))
    target = tmp / f"plan.{suffix}"
    jclass(WRITERS[suffix])().write(read, str(target))
    return target


def without_cost_resources(project: Project) -> Project:
    """P6 has no cost resources: MPXJ turns one into a work resource with 0 max units (see below)."""
    keep = tuple(r for r in project.resources if r.kind is not ResourceKind.COST)
    keys = {r.key for r in keep}
    return replace(project, resources=keep, assignments=tuple(a for a in project.assignments if a.resource in keys))


def links_by_name(project: Project) -> set[tuple[str, str, str]]:
    names = {t.key: t.name for t in project.tasks}
    return {(names[d.predecessor], names[d.successor], d.type.value) for d in project.dependencies}


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_tasks_and_links_survive_a_trip_through_another_format(suffix: str, jclass: JClass, tmp_path: Path) -> None:
    project = without_cost_resources(showcase())
    again = read_with_mpxj(convert(jclass, project, suffix, tmp_path)).project
    assert sorted(t.name for t in again.tasks) == sorted(t.name for t in project.tasks)
    parents = {t.name: again.task(t.parent).name if t.parent else None for t in again.tasks}
    assert parents == {t.name: project.task(t.parent).name if t.parent else None for t in project.tasks}
    assert links_by_name(again) == links_by_name(project)
    names = {t.key: t.name for t in again.tasks}
    lags = {(names[d.predecessor], names[d.successor]): d.lag for d in again.dependencies}
    want = {t.key: t.name for t in project.tasks}
    for d in project.dependencies:  # working-time lags keep their minutes in every format
        if isinstance(d.lag, Duration) and not d.lag.elapsed:
            got = lags[(want[d.predecessor], want[d.successor])]
            assert isinstance(got, Duration), (d, got)
            assert got.minutes == d.lag.minutes, (d, got)
    durations = {t.name: t.duration.minutes for t in again.tasks if not again.is_summary(t.key)}
    assert (durations["Design"], durations["Review"]) == (5 * 480, 240)


def test_a_work_resource_without_units_does_not_stop_the_import(jclass: JClass, tmp_path: Path) -> None:
    """XER has no cost resources: MPXJ writes ours as a work resource with MaxUnits 0."""
    read_with_mpxj(convert(jclass, showcase(), "xer", tmp_path))


def test_a_percentage_lag_from_mpxj_keeps_its_percent(jclass: JClass, tmp_path: Path) -> None:
    """MPXJ writes 25 % as LinkLag 25; the import reads it as 25 %, not 2.5 %."""
    pf = jclass("org.mpxj.ProjectFile")()
    pf.addDefaultBaseCalendar()
    pf.getProjectProperties().setStartDate(jclass("java.time.LocalDateTime").of(2027, 1, 4, 8, 0))
    unit = jclass("org.mpxj.TimeUnit")
    duration = jclass("org.mpxj.Duration")
    a, b = pf.addTask(), pf.addTask()
    for task, name in ((a, "A"), (b, "B")):
        task.setName(name)
        task.setDuration(duration.getInstance(4, unit.DAYS))
    relation = jclass("org.mpxj.Relation$Builder")().predecessorTask(a)
    b.addPredecessor(
        relation.type(jclass("org.mpxj.RelationType").START_START).lag(duration.getInstance(25, unit.PERCENT))
    )
    path = tmp_path / "percent.mpx"
    jclass("org.mpxj.mpx.MPXWriter")().write(pf, str(path))
    (dep,) = read_with_mpxj(path).project.dependencies
    assert dep.lag == PercentLag(25.0)


def test_a_file_mpxj_cannot_read_is_an_input_error(jclass: JClass, tmp_path: Path) -> None:
    path = tmp_path / "notes.mpp"
    path.write_text("not a project", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_with_mpxj(path)
    assert caught.value.code in ("unknown_format", "mpxj_read_failed")
    assert caught.value.problems[0].file == str(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        read_with_mpxj(tmp_path / "absent.mpp")
    assert caught.value.code == "unreadable_file"


def test_without_mpxj_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> object:
        raise ImportError(f"No module named '{name}'")

    monkeypatch.setattr(mpxj_io, "_state", {})
    monkeypatch.setattr(mpxj_io.importlib, "import_module", missing)
    with pytest.raises(MilepostError) as caught:
        mpxj_io.start_jvm()
    assert caught.value.code == "mpxj_unavailable"
    assert "pip install 'milepost[mpxj]'" in caught.value.message
    assert "Java 11+" in caught.value.message
    assert not mpxj_io.mpxj_available()
