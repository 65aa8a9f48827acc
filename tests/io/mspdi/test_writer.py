"""The MSPDI writer's rules, one by one (the round trip is in test_roundtrip.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from lxml import etree

import milepost
from milepost.domain.calendar import (
    Calendar,
    CalendarException,
    Frequency,
    HolidaySource,
    Recurrence,
    WorkWeek,
    builtin_calendars,
    day_hours,
    standard_calendar,
)
from milepost.domain.calendar_rules import exception_days, occurrences
from milepost.domain.duration import Duration, PercentLag, TimeUnit, WorkUnits
from milepost.domain.project import Anchor, Constraint, ConstraintType, Dependency, LinkType, Project, Task
from milepost.domain.resource import RateChange, Resource
from milepost.errors import InvalidInputError
from milepost.io.mspdi.reader import read_mspdi
from milepost.io.mspdi.recurrence import Horizon, dates_of
from milepost.io.mspdi.writer import dump_mspdi, mspdi_uids, write_mspdi
from milepost.io.mspdi.xmltree import NS
from tests.io.mspdi.samples import showcase
from tests.io.mspdi.strategies import exceptions
from tests.shared_data import shared

P = f"{{{NS}}}"
D = Duration.of


def xml(project: Project, **kwargs: object) -> etree._Element:
    return etree.fromstring(dump_mspdi(project, **kwargs))  # type: ignore[arg-type]


def field(el: etree._Element, path: str) -> str | None:
    return el.findtext("/".join(P + part for part in path.split("/")))


def reread(project: Project, tmp: Path) -> Project:
    write_mspdi(project, tmp / "p.xml")
    return read_mspdi(tmp / "p.xml").project


def tiny(**kwargs: object) -> Project:
    base: dict[str, object] = {
        "name": "Tiny",
        "anchor_date": datetime(2027, 1, 4, 8),
        "calendars": tuple(builtin_calendars().values()),
        "tasks": (Task("a", "A", duration=D(2)), Task("b", "B", duration=D(1))),
        "dependencies": (Dependency("a", "b"),),
    }
    return Project(**{**base, **kwargs})  # type: ignore[arg-type]


def _precedence(root: etree._Element, into: dict[str, set[tuple[str, str]]]) -> None:
    for el in root.iter():
        tags = [etree.QName(c).localname for c in el if isinstance(c.tag, str)]
        parent = etree.QName(el).localname
        for i, a in enumerate(tags):
            for b in tags[i + 1 :]:
                if a != b:
                    into[parent].add((a, b))


def test_elements_come_in_the_order_ms_project_writes_them() -> None:
    """Every pair of elements MS Project itself wrote in some order is in that order here."""
    theirs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in shared("mspdi").glob("*.xml"):
        if path.name != "mp_j30_a2_nr3.xml":  # converted by MPXJ, not saved by MS Project
            _precedence(etree.parse(str(path)).getroot(), theirs)
    project = showcase()
    ours: dict[str, set[tuple[str, str]]] = defaultdict(set)
    _precedence(xml(project, schedule=milepost.schedule(project)), ours)
    for parent, pairs in ours.items():
        wrong = {(a, b) for a, b in pairs if (b, a) in theirs[parent] and (a, b) not in theirs[parent]}
        assert not wrong, f"in <{parent}>: {sorted(wrong)}"


def test_numeric_unique_external_ids_are_kept_as_uids() -> None:
    tasks = tuple(
        Task(k, duration=D(1), external_id=e)
        for k, e in [("a", "42"), ("b", "7"), ("c", "7"), ("d", "x-1"), ("e", "007"), ("f", "0"), ("g", None)]
    )
    uids = mspdi_uids(tiny(tasks=tasks, dependencies=())).tasks
    assert uids == {"a": 42, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5, "g": 6}


def test_public_holidays_become_exceptions_unless_an_exception_decides_the_day(tmp_path: Path) -> None:
    cal = Calendar(
        "team",
        "Team",
        week=standard_calendar().week,
        holidays=(HolidaySource("GB", "ENG"),),
        exceptions=(CalendarException(date(2027, 12, 27), date(2027, 12, 27), day_hours((540, 720)), "On call"),),
    )
    project = tiny(calendar="team", calendars=(*builtin_calendars().values(), cal))
    again = reread(project, tmp_path)
    team = next(c for c in again.calendars if c.name == "Team")
    by_day = {e.start: e for e in team.exceptions}
    assert (by_day[date(2027, 12, 25)].name, by_day[date(2027, 12, 25)].working) == ("Christmas Day", False)
    assert by_day[date(2027, 12, 27)].name == "On call"  # the explicit exception, not the substitute holiday
    assert by_day[date(2028, 1, 3)].name.startswith("New Year")
    assert not team.holidays


def test_overlapping_exceptions_are_cut_so_the_later_one_wins(tmp_path: Path) -> None:
    cal = Calendar(
        "team",
        "Team",
        week=standard_calendar().week,
        exceptions=(
            CalendarException(date(2027, 3, 1), date(2027, 3, 12), (), "Closed"),
            CalendarException(date(2027, 3, 4), date(2027, 3, 5), day_hours((540, 600)), "Stocktake"),
        ),
    )
    project = tiny(calendar="team", calendars=(*builtin_calendars().values(), cal))
    root = xml(project)
    spans = [
        (field(e, "TimePeriod/FromDate"), field(e, "TimePeriod/ToDate"), field(e, "Name"))
        for e in root.iter(P + "Exception")
    ]
    assert spans == [
        ("2027-03-01T00:00:00", "2027-03-03T23:59:00", "Closed"),
        ("2027-03-04T00:00:00", "2027-03-05T23:59:00", "Stocktake"),
        ("2027-03-06T00:00:00", "2027-03-12T23:59:00", "Closed"),
    ]


def test_a_rule_mspdi_cannot_state_is_written_day_by_day(tmp_path: Path) -> None:
    """Every other week counted in Monday weeks, on Sundays: MS Project counts Sunday weeks."""
    rule = Recurrence(Frequency.WEEKLY, interval=2, weekdays=(6, 0), count=6, week_start=0)
    exc = CalendarException(date(2027, 3, 1), date(2027, 3, 1), (), "Fortnightly", rule)
    cal = Calendar("team", "Team", week=standard_calendar().week, exceptions=(exc,))
    project = tiny(calendar="team", calendars=(*builtin_calendars().values(), cal))
    again = reread(project, tmp_path)
    team = next(c for c in again.calendars if c.name == "Team")
    assert all(e.recurrence is None for e in team.exceptions)
    days = sorted(d for e in team.exceptions for d in dates_of(e))
    assert days == list(occurrences(exc.start, rule, date(2027, 1, 1), date(2028, 1, 1)))


def test_derived_calendars_stay_derived_only_as_one_resources_calendar() -> None:
    std = standard_calendar()
    site = Calendar("site", "Site", base="standard", week=WorkWeek((None,) * 5 + (day_hours((480, 720)), ())))
    own = Calendar(
        "ann-cal", "Ann's hours", base="standard", exceptions=(CalendarException(date(2027, 2, 1), date(2027, 2, 5)),)
    )
    project = tiny(
        calendars=(std, site, own),
        tasks=(Task("a", duration=D(2), calendar="site"), Task("b", duration=D(1))),
        resources=(Resource("ann", "Ann", calendar="ann-cal"), Resource("bob", "Bob")),
    )  # fmt: skip
    root = xml(project)
    cals = {field(c, "Name"): c for c in root.iter(P + "Calendar")}
    assert (field(cals["Site"], "IsBaseCalendar"), field(cals["Site"], "BaseCalendarUID")) == ("1", "-1")
    assert len(cals["Site"].findall(f"{P}WeekDays/{P}WeekDay")) == 7  # folded: Monday-Friday from Standard
    assert (field(cals["Ann's hours"], "IsBaseCalendar"), field(cals["Ann's hours"], "BaseCalendarUID")) == ("0", "1")
    assert field(cals["Bob"], "BaseCalendarUID") == "1"  # every work resource gets its own calendar
    resources = {field(r, "Name"): field(r, "CalendarUID") for r in root.iter(P + "Resource")}
    assert resources == {"Ann": field(cals["Ann's hours"], "UID"), "Bob": field(cals["Bob"], "UID")}


def test_an_unknown_holiday_region_is_an_input_error() -> None:
    cal = Calendar("team", "Team", week=standard_calendar().week, holidays=(HolidaySource("XX"),))
    with pytest.raises(InvalidInputError) as caught:
        dump_mspdi(tiny(calendar="team", calendars=(*builtin_calendars().values(), cal)))
    assert caught.value.code == "unknown_holiday_region"
    assert caught.value.problems[0].path == "calendars[team].holidays"


def test_schedule_dates_slack_and_critical_flags() -> None:
    project = tiny(tasks=(Task("a", "A", duration=D(2)), Task("b", "B", duration=D(1)), Task("c", "C", duration=D(1))))
    schedule = milepost.schedule(project)
    tasks = {field(t, "Name"): t for t in xml(project, schedule=schedule).iter(P + "Task")}
    c = schedule.task("c")
    assert field(tasks["C"], "Start") == f"{c.start:%Y-%m-%dT%H:%M:%S}"
    assert field(tasks["C"], "LateFinish") == f"{c.late_finish:%Y-%m-%dT%H:%M:%S}"
    assert field(tasks["C"], "TotalSlack") == str(c.total_float_minutes * 10) == "9600"  # tenths of a minute
    assert (field(tasks["A"], "Critical"), field(tasks["C"], "Critical")) == ("1", "0")
    assert field(tasks["Tiny"], "Finish") == f"{schedule.finish_date:%Y-%m-%dT%H:%M:%S}"


def test_links_durations_and_constraints_are_encoded_as_mspdi_says() -> None:
    tasks = (
        Task("a", "A", duration=D(3, TimeUnit.DAY, estimated=True)),
        Task("b", "B", duration=D(2, TimeUnit.DAY, elapsed=True),
             constraint=Constraint(ConstraintType.FNLT, datetime(2027, 2, 1, 17))),
        Task("c", "C", duration=D(90, TimeUnit.MINUTE), constraint=Constraint(ConstraintType.ALAP)),
    )  # fmt: skip
    deps = (
        Dependency("a", "b", LinkType.SS, D(1, TimeUnit.DAY, elapsed=True)),
        Dependency("a", "c", LinkType.SF, PercentLag(12.5)),
        Dependency("b", "c", LinkType.FF, D(-2, TimeUnit.HOUR)),
    )
    tasks_xml = {field(t, "Name"): t for t in xml(tiny(tasks=tasks, dependencies=deps)).iter(P + "Task")}
    a, b, c = tasks_xml["A"], tasks_xml["B"], tasks_xml["C"]
    assert (field(a, "Duration"), field(a, "DurationFormat"), field(a, "Estimated")) == ("PT24H0M0S", "39", "1")
    assert (field(b, "Duration"), field(b, "DurationFormat")) == ("PT48H0M0S", "8")
    assert (field(b, "ConstraintType"), field(b, "ConstraintDate")) == ("7", "2027-02-01T17:00:00")
    assert (field(c, "ConstraintType"), field(c, "ConstraintDate")) == ("1", None)
    links = [
        [field(link, x) for x in ("PredecessorUID", "Type", "LinkLag", "LagFormat")]
        for link in c.iter(P + "PredecessorLink")
    ]
    # 12.5 % of a's 3 days is 3 h: MSPDI holds whole percents, so the lag is written as time
    assert links == [["1", "2", "1800", "7"], ["2", "0", "-1200", "5"]]
    assert [field(link, "LinkLag") for link in b.iter(P + "PredecessorLink")] == ["14400"]  # 1 elapsed day
    assert field(b, "PredecessorLink/LagFormat") == "8"  # fmt: skip


def test_project_settings() -> None:
    office = Calendar("office", "Office", week=WorkWeek((day_hours((540, 780), (840, 1080)),) * 5 + ((), ())))
    project = tiny(
        anchor=Anchor.FINISH,
        anchor_date=datetime(2027, 6, 30, 18),
        calendar="office",
        calendars=(*builtin_calendars().values(), office),
        units=WorkUnits(7.5, 5, 20),
        currency="EUR",
        honor_constraints=False,
        status_date=datetime(2027, 3, 1, 18),
    )
    root = xml(project)
    tags = "ScheduleFromStart StartDate FinishDate CalendarUID DefaultStartTime DefaultFinishTime MinutesPerDay"
    tags += " MinutesPerWeek DaysPerMonth CurrencyCode HonorConstraints StatusDate SaveVersion"
    got = {t: field(root, t) for t in tags.split()}
    assert got == {
        "ScheduleFromStart": "0",
        "StartDate": None,
        "FinishDate": "2027-06-30T18:00:00",
        "CalendarUID": "4",
        "DefaultStartTime": "09:00:00",
        "DefaultFinishTime": "18:00:00",
        "MinutesPerDay": "450",
        "MinutesPerWeek": "2250",
        "DaysPerMonth": "20",
        "CurrencyCode": "EUR",
        "HonorConstraints": "0",
        "StatusDate": "2027-03-01T18:00:00",
        "SaveVersion": "14",
    }
    # scheduled from the finish, a task without a constraint is ALAP, as in MS Project
    assert {field(t, "ConstraintType") for t in root.iter(P + "Task") if field(t, "UID") != "0"} == {"1"}


def test_rates_are_currency_per_hour_and_cost_per_use_in_cents() -> None:
    res = Resource("ann", "Ann", rates=(RateChange(None, 5050, 7500, 1000),))
    el = next(xml(tiny(resources=(res,))).iter(P + "Resource"))
    assert [field(el, t) for t in ("StandardRate", "OvertimeRate", "CostPerUse", "StandardRateFormat")] == [
        "50.5",
        "75",
        "1000",
        "2",
    ]


def test_text_loses_only_what_xml_cannot_carry(tmp_path: Path) -> None:
    project = tiny(tasks=(Task("a", "Pour\x00 & <cure>\x07 ✓", duration=D(1)),), dependencies=())
    again = reread(project, tmp_path)
    assert again.tasks[0].name == "Pour & <cure> ✓"


@settings(max_examples=200, deadline=None)
@given(exc=exceptions())
def test_exception_days_agree_with_the_engine(exc: CalendarException) -> None:
    """``recurrence.dates_of`` within a horizon gives the days the engine expands."""
    lo, hi = date(2026, 1, 1), date(2030, 12, 31)
    assert dates_of(exc, Horizon(lo, hi)) == sorted(set(exception_days(exc, lo, hi)))


# What the reader gives back of a written file, where MSPDI's encoding is easy to misread.


def test_a_whole_percentage_lag_is_written_in_whole_percent(tmp_path: Path) -> None:
    project = tiny(dependencies=(Dependency("a", "b", LinkType.SS, PercentLag(-25)),))
    b = next(el for el in xml(project).iter(P + "Task") if field(el, "Name") == "B")
    assert (field(b, "PredecessorLink/LinkLag"), field(b, "PredecessorLink/LagFormat")) == ("-25", "19")  # fmt: skip
    assert reread(project, tmp_path).dependencies[0].lag == PercentLag(-25)


def test_reader_reads_cost_per_use_in_cents(tmp_path: Path) -> None:
    res = Resource("ann", "Ann", rates=(RateChange(None, 5000, 0, 1000),))
    assert reread(tiny(resources=(res,)), tmp_path).resources[0].rates[0].per_use == 1000


def test_reader_keeps_asap_in_a_project_scheduled_from_the_finish(tmp_path: Path) -> None:
    project = tiny(
        anchor=Anchor.FINISH,
        anchor_date=datetime(2027, 6, 30, 17),
        tasks=(Task("a", "A", duration=D(2), constraint=Constraint(ConstraintType.ASAP)),),
        dependencies=(),
    )
    task = reread(project, tmp_path).tasks[0]
    assert (task.constraint or Constraint(ConstraintType.ALAP)).type is ConstraintType.ASAP


def test_reader_reads_the_description(tmp_path: Path) -> None:
    assert reread(tiny(description="Why we do this."), tmp_path).description == "Why we do this."
