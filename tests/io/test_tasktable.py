"""Task lists from CSV and Excel: columns, tree, keys, links, dates and every problem at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import milepost
from milepost.domain.builder import ProjectBuilder
from milepost.domain.duration import Duration, PercentLag, TimeUnit
from milepost.domain.project import Constraint, ConstraintType, LinkType, Project
from milepost.errors import InvalidInputError, Problem
from milepost.io.results import schedule_to_csv
from milepost.io.spreadsheet import write_schedule_xlsx
from milepost.io.tasktable import TaskTable, read_task_table

EXAMPLE = """\
WBS,Task Name,Duration,Depends on,Start,Deadline,Milestone,Owner
1,Discovery,,,,,,
1.1,Interviews,5d,,2027-03-01,,,Ana
1.2,Write the brief,3 days,Interviews,,,,Ana
2,Build,,,,,,
2.1,API,2w,1.2,,,,Bo
2.2,UI,8d,"Interviews SS +2d; API FF",,,,Cy
3,Launch,0,Build,,2027-04-10,yes,
"""


def _write(tmp_path: Path, text: str, name: str = "tasks.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _read(tmp_path: Path, text: str, **kwargs: object) -> TaskTable:
    return read_task_table(_write(tmp_path, text), **kwargs)  # type: ignore[arg-type]


def _problems(tmp_path: Path, text: str, name: str = "tasks.csv") -> list[Problem]:
    with pytest.raises(InvalidInputError) as info:
        read_task_table(_write(tmp_path, text, name))
    return list(info.value.problems)


def _links(project: Project) -> set[tuple[str, str, str, object]]:
    return {(d.predecessor, d.successor, d.type.value, d.lag) for d in project.dependencies}


def _days(n: float) -> Duration:
    return Duration.of(n, TimeUnit.DAY)


def test_example_becomes_a_tree_with_links(tmp_path: Path) -> None:
    table = _read(tmp_path, EXAMPLE)
    p = table.project
    assert p.name == "tasks"
    assert [t.key for t in p.tasks] == [
        "discovery",
        "discovery.interviews",
        "discovery.write-the-brief",
        "build",
        "build.api",
        "build.ui",
        "launch",
    ]
    assert p.task("build.api").parent == "build"
    assert p.task("build.api").duration == Duration(4800, TimeUnit.WEEK)
    assert p.task("discovery.write-the-brief").duration == Duration(1440, TimeUnit.DAY)
    assert p.task("discovery.interviews").constraint == Constraint(ConstraintType.SNET, datetime(2027, 3, 1))
    launch = p.task("launch")
    assert launch.milestone
    assert launch.duration.minutes == 0
    assert launch.deadline == datetime(2027, 4, 11)  # the end of 10 April
    assert _links(p) == {
        ("discovery.interviews", "discovery.write-the-brief", "FS", Duration()),
        ("discovery.write-the-brief", "build.api", "FS", Duration()),
        ("discovery.interviews", "build.ui", "SS", _days(2)),
        ("build.api", "build.ui", "FF", Duration()),
        ("build", "launch", "FS", Duration()),
    }
    assert p.anchor_date == datetime(2027, 3, 1)
    assert "columns not used: 'Owner' (H)" in table.notes
    assert "the project starts on 2027-03-01, the earliest date in the 'Start' column" in table.notes
    assert table.rows["build.ui"] == 7
    result = milepost.schedule(p)
    assert result.task("build.api").start == datetime(2027, 3, 11, 8, 0)
    assert result.task("launch").finish == datetime(2027, 3, 24, 17, 0)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Task ID", "key"),
        ("ID", "key"),
        ("Title", "name"),
        ("summary", "name"),
        ("TASK_NAME", "name"),
        ("Estimate", "duration"),
        ("Dur.", "duration"),
        ("Dependencies", "predecessors"),
        ("After", "predecessors"),
        ("Notes", "notes"),
        ("Priority", "priority"),
    ],
)
def test_header_synonyms(tmp_path: Path, header: str, field: str) -> None:
    value = {"key": "k1", "name": "Alpha", "duration": "3", "predecessors": "", "notes": "hi", "priority": "high"}[
        field
    ]
    other = "Name" if field != "name" else "Key"
    table = _read(tmp_path, f"{other},{header}\nx,{value}\n")
    task = table.project.tasks[0]
    expected = {
        "key": ("key", "k1"),
        "name": ("name", "Alpha"),
        "duration": ("duration", _days(3)),
        "predecessors": ("key", "x"),
        "notes": ("notes", "hi"),
        "priority": ("priority", 600),
    }[field]
    assert getattr(task, expected[0]) == expected[1]
    assert not any(n.startswith("columns not used") for n in table.notes)


def test_bom_semicolons_and_windows_encoding(tmp_path: Path) -> None:
    text = "\ufeffName;Duration;Predecessors;Remarque\nConcept;2;;\nRéalisation;3d;Concept;ok\n"
    table = read_task_table(_write(tmp_path, text, encoding="utf-8"), start=date(2027, 1, 4))
    assert [t.name for t in table.project.tasks] == ["Concept", "Réalisation"]
    assert "read as semicolon-separated values" in table.notes
    assert "columns not used: 'Remarque' (D)" in table.notes
    assert _links(table.project) == {("concept", "realisation", "FS", Duration())}
    legacy = read_task_table(_write(tmp_path, "Name;Duration\nRéalisation;3d\n", "legacy.csv", "cp1252"))
    assert legacy.project.tasks[0].name == "Réalisation"
    assert legacy.project.tasks[0].key == "realisation"
    assert any("Windows-1252" in n for n in legacy.notes)


def test_tab_separated(tmp_path: Path) -> None:
    table = read_task_table(_write(tmp_path, "Name\tDuration\nA\t2h\n", "tasks.tsv"))
    assert table.project.tasks[0].duration == Duration(120, TimeUnit.HOUR)


def test_ms_project_style(tmp_path: Path) -> None:
    text = (
        "ID,Name,Duration,Predecessors,Outline Level\n"
        "1,Phase,10 days,,1\n"
        "2,Spec,5 days,,2\n"
        "3,Code,3 edays,2FS+2 days,2\n"
        '4,Test,1 wk?,"3SS+50%,2",2\n'
        "5,Done,0 days,4FF-4 hrs,1\n"
    )
    table = _read(tmp_path, text, start=date(2027, 3, 1))
    p = table.project
    assert [t.key for t in p.tasks] == ["1", "1.2", "1.3", "1.4", "5"]
    assert p.task("1.3").duration == Duration(4320, TimeUnit.DAY, elapsed=True)
    assert p.task("1.4").duration == Duration(2400, TimeUnit.WEEK, estimated=True)
    assert p.task("1").duration.minutes == 0  # a summary rolls up
    assert p.task("5").milestone  # zero duration
    assert _links(p) == {
        ("1.2", "1.3", "FS", _days(2)),
        ("1.3", "1.4", "SS", PercentLag(50.0)),
        ("1.2", "1.4", "FS", Duration()),
        ("1.4", "5", "FF", Duration.of(-4, TimeUnit.HOUR)),
    }
    assert any("durations of summary tasks were ignored" in n and "row 2" in n for n in table.notes)


def test_parent_column_and_task_numbers(tmp_path: Path) -> None:
    text = "Key,Name,Parent,Duration,After\nqa,QA,,,\nplan,Plan,qa,2d,\nrun,Run tests,QA,3d,2\n"
    p = _read(tmp_path, text).project
    assert [(t.key, t.parent) for t in p.tasks] == [("qa", None), ("qa.plan", "qa"), ("qa.run", "qa")]
    assert _links(p) == {("qa.plan", "qa.run", "FS", Duration())}  # "2" = the second task row


def test_dotted_keys_build_the_tree(tmp_path: Path) -> None:
    p = _read(tmp_path, "Key,Duration,Predecessors\nbuild,,\nbuild.api,3d,\nbuild.ui,2d,build.api SS\n").project
    assert [(t.key, t.parent) for t in p.tasks] == [("build", None), ("build.api", "build"), ("build.ui", "build")]
    assert _links(p) == {("build.api", "build.ui", "SS", Duration())}


def test_generated_keys_are_unique_among_siblings(tmp_path: Path) -> None:
    text = "Outline level,Name\n1,Design\n2,Review\n2,Review\n1,Review\n1,Überprüfung & Test!\n"
    table = _read(tmp_path, text)
    keys = [t.key for t in table.project.tasks]
    assert keys == ["design", "design.review", "design.review-2", "review", "uberprufung-test"]
    assert "keys were made from the names of 5 tasks" in table.notes


def test_invalid_keys_are_made_valid(tmp_path: Path) -> None:
    table = _read(tmp_path, "Key,Name\nPROJ 12,Alpha\nx/y,Beta\n")
    assert [t.key for t in table.project.tasks] == ["PROJ-12", "x-y"]
    assert any("'PROJ 12' (row 2) -> 'PROJ-12'" in n for n in table.notes)


def test_missing_durations_default_to_one_estimated_day(tmp_path: Path) -> None:
    table = _read(tmp_path, "Name,Milestone\nWork,\nGate,x\n")
    work, gate = table.project.tasks
    assert work.duration == Duration(480, TimeUnit.DAY, estimated=True)
    assert gate.duration.minutes == 0
    assert gate.milestone
    assert any("1d?" in n for n in table.notes)


def test_start_argument_wins_and_next_monday_is_the_fallback(tmp_path: Path) -> None:
    given = _read(tmp_path, "Name,Start\nA,2027-05-03\n", start=date(2027, 4, 1))
    assert given.project.anchor_date == datetime(2027, 4, 1)
    assert "the project starts on 2027-04-01 (as given)" in given.notes
    fallback = _read(tmp_path, "Name\nA\n")
    anchor = fallback.project.anchor_date
    assert anchor.weekday() == 0
    assert timedelta(0) <= anchor - datetime.combine(date.today(), datetime.min.time()) < timedelta(days=7)
    assert any("the next Monday" in n for n in fallback.notes)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2027-03-05", datetime(2027, 3, 5)),
        ("2027-03-05 14:30", datetime(2027, 3, 5, 14, 30)),
        ("5.3.2027", datetime(2027, 3, 5)),
        ("3/5/2027", datetime(2027, 3, 5)),  # month first when nothing says otherwise
        ("Mon 3/1/27 8:00 AM", datetime(2027, 3, 1, 8, 0)),
        ("5 Mar 2027", datetime(2027, 3, 5)),
        ("March 5, 2027", datetime(2027, 3, 5)),
    ],
)
def test_date_texts(tmp_path: Path, cell: str, expected: datetime) -> None:
    table = _read(tmp_path, f'Name,Start\nA,"{cell}"\n')
    constraint = table.project.tasks[0].constraint
    assert constraint is not None
    assert constraint.date == expected


def test_a_day_above_twelve_makes_the_column_day_first(tmp_path: Path) -> None:
    p = _read(tmp_path, "Name,Start\nA,03/04/2027\nB,13/04/2027\n").project
    assert [t.constraint.date for t in p.tasks if t.constraint] == [datetime(2027, 4, 3), datetime(2027, 4, 13)]


def test_duration_column_in_hours(tmp_path: Path) -> None:
    p = _read(tmp_path, "Name,Estimate (hours)\nA,6\nB,2d\n").project
    assert [t.duration for t in p.tasks] == [Duration(360, TimeUnit.HOUR), _days(2)]


def test_every_problem_at_once_with_cell_positions(tmp_path: Path) -> None:
    text = (
        "Key,Name,Duration,Predecessors,Start,Priority,Milestone\n"
        "a,Design,3x,,31.02.2027,,\n"
        "b,Build,4d,a FS +2q,,urgent,maybe\n"
        ",,,,,,\n"
        "c,Test,-2,zzz,,,\n"
        "a,Again,1d,,,,\n"
        ",,1d,,,,\n"
    )
    problems = _problems(tmp_path, text)
    found = [(p.code, p.line, p.column, p.path) for p in problems]
    assert found == [
        ("invalid_duration", 2, 3, "C2"),
        ("invalid_date", 2, 5, "E2"),
        ("invalid_link", 3, 4, "D3"),
        ("invalid_priority", 3, 6, "F3"),
        ("invalid_flag", 3, 7, "G3"),
        ("invalid_duration", 5, 3, "C5"),
        ("unknown_task", 5, 4, "D5"),
        ("duplicate_key", 6, 1, "A6"),
        ("missing_name", 7, 2, "B7"),
    ]
    assert all(p.file is not None and p.file.endswith("tasks.csv") for p in problems)
    assert str(problems[0]).endswith(
        "tasks.csv:2:3 (C2): '3x' is not a duration such as 3d, 4h, 2w, 3 days or a number of days"
    )
    assert problems[5].message == "a duration cannot be negative, got '-2'"
    assert problems[6].message == "predecessor 'zzz' is not a key, name or task number in this table"
    assert problems[7].message == "key 'a' is also used on row 2"


def test_cycle_names_the_tasks_and_rows(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "ID,Name,Duration,Predecessors\n1,Design,3d,\n2,Loop A,1d,3\n3,Loop B,1d,2SS\n")
    assert [(p.code, p.line, p.path) for p in problems] == [("dependency_cycle", 3, "D3")]
    assert problems[0].message == "dependency cycle: 'Loop A' (row 3) -> 'Loop B' (row 4) -> 'Loop A' (row 3)"


def test_link_to_a_missing_row_and_domain_problems_map_to_cells(tmp_path: Path) -> None:
    text = "ID,Name,Duration,Predecessors\n1,Solo,1d,\n2,Self,1d,2\n3,Far,1d,7\n"
    problems = _problems(tmp_path, text)
    assert [(p.code, p.path) for p in problems] == [("self_link", "D3"), ("unknown_task", "D4")]
    assert problems[1].message == "predecessor '7' is not a key, name or task number in this table"


def test_tree_problems(tmp_path: Path) -> None:
    wbs = _problems(tmp_path, "WBS,Name\n1,A\n1,B\n2.1,C\n1..2,D\n")
    assert [(p.code, p.path) for p in wbs] == [
        ("duplicate_wbs", "A3"),
        ("unknown_parent", "A4"),
        ("invalid_wbs", "A5"),
    ]
    levels = _problems(tmp_path, "Name,Level\nA,1\nB,3\nC,zero\n")
    assert [(p.code, p.path) for p in levels] == [("invalid_outline_level", "B3"), ("invalid_outline_level", "B4")]
    parents = _problems(tmp_path, "Key,Parent\na,b\nb,a\nc,nobody\n")
    assert [(p.code, p.path) for p in parents] == [("parent_cycle", "B2"), ("unknown_parent", "B4")]
    assert parents[0].message == "tasks are each other's parents: a -> b -> a"


def test_missing_columns_and_empty_tables(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "Duration,Owner\n3d,Ana\n")
    assert problem.code == "missing_column"
    assert problem.line == 1
    assert "headers found: 'Duration', 'Owner'" in problem.message
    assert _problems(tmp_path, "\n\n")[0].code == "empty_table"
    assert _problems(tmp_path, "x", name="plan.xls")[0].message.endswith("save it as .xlsx or .csv")


def _xlsx(tmp_path: Path, rows: list[list[Any]], title: str = "Tasks") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    wb.create_sheet("Other")
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    path = tmp_path / "tasks.xlsx"
    wb.save(path)
    return path


def test_excel_dates_numbers_and_empty_rows(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path,
        [
            ["Name", "Duration", "Start", "Deadline", "Predecessors", "Milestone"],
            ["Design", 3, datetime(2027, 3, 2), "2027-03-31", None, None],
            [None, None, None, None, None, None],
            ["Build", 2.5, "2027-03-01 13:00", None, "Design +1d", True],
            ["Check", "4h", None, datetime(2027, 4, 1, 12, 0), "Build", 0],
        ],
    )
    table = read_task_table(path, sheet="Tasks")
    design, build, check = table.project.tasks
    assert design.duration == _days(3)
    assert design.constraint == Constraint(ConstraintType.SNET, datetime(2027, 3, 2))
    assert design.deadline == datetime(2027, 4, 1)
    assert build.duration == _days(2.5)
    assert build.milestone
    assert build.constraint == Constraint(ConstraintType.SNET, datetime(2027, 3, 1, 13, 0))
    assert check.deadline == datetime(2027, 4, 1, 12, 0)
    assert table.project.anchor_date == datetime(2027, 3, 1)
    assert table.rows == {"design": 2, "build": 4, "check": 5}
    assert "read sheet 'Tasks'" in table.notes


def test_excel_problems_use_spreadsheet_rows(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["Name", "Duration"], [None, None], ["A", "three"], ["B", datetime(2027, 1, 1)]])
    with pytest.raises(InvalidInputError) as info:
        read_task_table(path)
    assert [(p.path, p.line, p.column) for p in info.value.problems] == [("B3", 3, 2), ("B4", 4, 2)]
    assert "got a date (2027-01-01 00:00)" in info.value.problems[1].message
    with pytest.raises(InvalidInputError) as missing:
        read_task_table(path, sheet="Plan")
    assert missing.value.problems[0].message == "the workbook has no sheet 'Plan' (sheets: 'Tasks', 'Other')"


def test_exported_workbook_reads_back(tmp_path: Path) -> None:
    b = ProjectBuilder("Launch", start="2027-03-01")
    b.task("design", "Design", "3d")
    with b.group("build", "Build"):
        b.task("api", "API", "1w", after=["design"])
        b.task("ui", "UI", "4h", after=["design SS +1d", "build.api FF -2h"])
    b.milestone("ship", "Ship", after=["build"])
    original = b.build()
    path = tmp_path / "launch.xlsx"
    write_schedule_xlsx(milepost.schedule(original), path)
    table = read_task_table(path)
    again = table.project
    assert [(t.key, t.parent, t.duration.minutes, t.milestone) for t in again.tasks] == [
        (t.key, t.parent, t.duration.minutes, t.milestone) for t in original.tasks
    ]
    assert {(d.predecessor, d.successor, d.type, d.lag) for d in again.dependencies} == {
        (d.predecessor, d.successor, d.type, d.lag) for d in original.dependencies
    }
    assert milepost.schedule(again).finish_date == milepost.schedule(original).finish_date
    assert any("'Duration (days)' (G) was ignored" in n for n in table.notes)
    assert LinkType.FF in {d.type for d in again.dependencies}


def test_csv_export_reads_back(tmp_path: Path) -> None:
    b = ProjectBuilder("Launch", start="2027-03-01")
    b.task("design", "Design", "3d")
    with b.group("build", "Build"):
        b.task("api", "API", "2d", after=["design SS +4h"])
    original = milepost.schedule(b.build())
    path = _write(tmp_path, schedule_to_csv(original), "launch.csv")
    table = read_task_table(path)
    p = table.project
    assert "UTC offsets in dates were dropped: times are read as local wall-clock times" in table.notes
    assert [(t.key, t.parent, t.duration.minutes) for t in p.tasks] == [
        ("design", None, 1440),
        ("build", None, 0),
        ("build.api", "build", 960),
    ]
    assert _links(p) == {("design", "build.api", "SS", Duration(240, TimeUnit.MINUTE))}


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [[], [], ["Launch plan", None], ["Name", "Priority"], ["A", 0], ["B", "do not level"]])
    table = read_task_table(path)
    assert [(t.name, t.priority) for t in table.project.tasks] == [("A", 0), ("B", 1000)]
    assert table.rows == {"a": 5, "b": 6}
    assert table.notes[0] == "the header is row 4; the rows above it were skipped"


def test_in_memory_content_utf16_and_unreadable_workbooks() -> None:
    upload = read_task_table("upload.csv", data=b"Name,Duration\nA,2d\n", sheet="Tasks")
    assert upload.project.name == "upload"
    assert upload.project.tasks[0].duration == _days(2)
    assert "a CSV file has a single table; the sheet name 'Tasks' was ignored" in upload.notes
    utf16 = read_task_table("excel-unicode.txt", data="Name\tDuration\nÄrger\t1d\n".encode("utf-16"))
    assert utf16.project.tasks[0].name == "Ärger"
    with pytest.raises(InvalidInputError) as info:
        read_task_table("broken.xlsx", data=b"not a zip file")
    assert info.value.code == "unreadable_file"
    assert info.value.problems[0].file == "broken.xlsx"
