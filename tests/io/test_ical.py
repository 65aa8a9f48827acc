"""iCalendar export, parsed back with the icalendar package."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

import milepost
from milepost.domain.builder import ProjectBuilder
from milepost.domain.resource import Assignment, Resource
from milepost.domain.schedule import Schedule
from milepost.errors import InvalidInputError
from milepost.io.ical import deadline_day, schedule_to_ics, slug

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)


def _schedule(timezone: str = "Europe/Berlin") -> Schedule:
    b = ProjectBuilder("Web Launch 2027", start="2027-03-01", timezone=timezone)
    b.task("design", "Design", "3d")
    with b.group("build", "Build"):
        b.task("api", "API", "5d", after=["design"], deadline="2027-03-06")  # end of 5 March: missed
        b.task("ui", "UI", "4d", after=["design SS +1d"], deadline="2027-03-20")  # met
        b.task("review", "Review gate", "0d", after=["build.ui"])  # zero duration: a milestone too
    b.milestone("ship", "Ship", after=["build"])
    project = b.build()
    project = replace(
        project,
        resources=(Resource("alice", "Alice"), Resource("bob", "Bob")),
        assignments=(Assignment("build.api", "alice"), Assignment("ship", "alice"), Assignment("design", "bob", 0.5)),
    )
    return milepost.schedule(project)


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    return _schedule()


def _events(data: bytes) -> dict[str, Event]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.events}


def test_milestones_and_deadlines(schedule: Schedule) -> None:
    events = _events(schedule_to_ics(schedule, stamp=STAMP))
    assert sorted(events) == [
        "web-launch-2027-build.api-deadline@milepost",
        "web-launch-2027-build.review-milestone@milepost",
        "web-launch-2027-build.ui-deadline@milepost",
        "web-launch-2027-ship-milestone@milepost",
    ]
    ship = events["web-launch-2027-ship-milestone@milepost"]
    assert str(ship["SUMMARY"]) == "Milestone: Ship"
    start = ship.decoded("DTSTART")
    assert start == datetime(2027, 3, 10, 17, 0, tzinfo=BERLIN)
    assert start.replace(tzinfo=None) == schedule.task("ship").finish
    assert str(ship["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert "DTEND" not in ship  # a moment: no end
    assert ship.decoded("DTSTAMP") == STAMP


def test_deadline_event(schedule: Schedule) -> None:
    events = _events(schedule_to_ics(schedule, stamp=STAMP))
    missed = events["web-launch-2027-build.api-deadline@milepost"]
    assert str(missed["SUMMARY"]) == "Deadline: API"
    assert missed.decoded("DTSTART") == date(2027, 3, 5)
    assert missed.decoded("DTEND") == date(2027, 3, 6)
    description = str(missed["DESCRIPTION"])
    assert "MISSED: scheduled to finish 2027-03-10 17:00" in description
    assert "after the deadline 2027-03-05 (end of day)" in description
    assert missed.categories == ["Deadline", "Missed"]
    met = events["web-launch-2027-build.ui-deadline@milepost"]
    assert met.decoded("DTSTART") == date(2027, 3, 19)
    assert "Met: scheduled to finish 2027-03-05 17:00" in str(met["DESCRIPTION"])


def test_vtimezone_is_included(schedule: Schedule) -> None:
    cal = Calendar.from_ical(schedule_to_ics(schedule, stamp=STAMP))
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Berlin"]
    assert cal.get_missing_tzids() == set()
    assert str(cal["PRODID"]).startswith("-//Milepost//")


def test_resource_events(schedule: Schedule) -> None:
    events = _events(schedule_to_ics(schedule, resource="alice", stamp=STAMP))
    assert sorted(events) == ["web-launch-2027-build.api-alice@milepost", "web-launch-2027-ship-alice@milepost"]
    api = events["web-launch-2027-build.api-alice@milepost"]
    assert str(api["SUMMARY"]) == "API"
    assert api.decoded("DTSTART") == datetime(2027, 3, 4, 8, 0, tzinfo=BERLIN)
    assert api.decoded("DTEND") == datetime(2027, 3, 10, 17, 0, tzinfo=BERLIN)
    bob = _events(schedule_to_ics(schedule, resource="bob", stamp=STAMP))
    design = bob["web-launch-2027-design-bob@milepost"]
    assert "Units: 50%" in str(design["DESCRIPTION"])
    assert Calendar.from_ical(schedule_to_ics(schedule, resource="bob")).calendar_name == "Web Launch 2027: Bob"


def test_unknown_resource_is_an_input_error(schedule: Schedule) -> None:
    with pytest.raises(InvalidInputError) as info:
        schedule_to_ics(schedule, resource="carol")
    assert info.value.code == "unknown_resource"
    assert "resources: alice, bob" in str(info.value)


def test_same_stamp_gives_the_same_bytes(schedule: Schedule) -> None:
    assert schedule_to_ics(schedule, stamp=STAMP) == schedule_to_ics(schedule, stamp=STAMP)


def test_utc_project_has_no_vtimezone() -> None:
    data = schedule_to_ics(_schedule("UTC"), stamp=STAMP)
    cal = Calendar.from_ical(data)
    assert cal.walk("VTIMEZONE") == []
    ship = _events(data)["web-launch-2027-ship-milestone@milepost"]
    assert ship.decoded("DTSTART") == datetime(2027, 3, 10, 17, 0, tzinfo=UTC)


def test_helpers() -> None:
    assert slug("Web Launch 2027!") == "web-launch-2027"
    assert slug("***") == "project"
    assert deadline_day(datetime(2027, 3, 6)) == date(2027, 3, 5)
    assert deadline_day(datetime(2027, 3, 6, 12)) == date(2027, 3, 6)
