"""A plan that uses everything the MSPDI writer maps (for the writer and MPXJ tests)."""

from __future__ import annotations

from datetime import date, datetime

from milepost.domain.calendar import (
    Calendar,
    CalendarException,
    Frequency,
    HolidaySource,
    Recurrence,
    WorkWeek,
    builtin_calendars,
    day_hours,
)
from milepost.domain.duration import Duration, PercentLag, TimeUnit
from milepost.domain.project import Constraint, ConstraintType, Dependency, LinkType, Project, Task
from milepost.domain.resource import Assignment, RateChange, Resource, ResourceKind


def showcase() -> Project:
    """A plan that uses everything the writer maps."""
    office = Calendar(
        "office",
        "Office",
        week=WorkWeek((day_hours((540, 780), (840, 1080)),) * 5 + ((), ())),
        holidays=(HolidaySource("GB", "ENG"),),
        work_weeks=(
            WorkWeek((day_hours((540, 780)),) * 5 + (None, None), "Summer", date(2027, 7, 1), date(2027, 8, 31)),
        ),
        exceptions=(
            CalendarException(date(2027, 12, 24), date(2027, 12, 24), day_hours((540, 780)), "Christmas Eve"),
            CalendarException(date(2027, 12, 29), date(2027, 12, 31), (), "Shutdown"),
            CalendarException(
                date(2027, 1, 12), date(2027, 1, 12), day_hours((0, 360)), "Patch night",
                Recurrence(Frequency.MONTHLY, week_of_month=2, weekday=1),
            ),
            CalendarException(
                date(2027, 3, 5), date(2027, 3, 5), (), "Fridays off",
                Recurrence(Frequency.WEEKLY, interval=2, weekdays=(4,), count=4, week_start=6),
            ),
        ),
    )  # fmt: skip
    site = Calendar("site", "Site", base="office", week=WorkWeek((None,) * 5 + (day_hours((480, 720)), ())))
    own = Calendar(
        "alice-cal", "Alice", base="office", exceptions=(CalendarException(date(2027, 2, 1), date(2027, 2, 5)),)
    )
    d = Duration.of
    tasks = (
        Task("kickoff", "Kickoff", milestone=True, external_id="100"),
        Task("build", "Build"),
        Task("build.design", "Design", parent="build", duration=d(5, TimeUnit.DAY, estimated=True), priority=700),
        Task("build.code", "Code", parent="build", duration=d(2, TimeUnit.WEEK), calendar="site", notes="Night work"),
        Task("build.cure", "Concrete cure", parent="build", duration=d(3, TimeUnit.DAY, elapsed=True)),
        Task("build.review", "Review", parent="build", duration=d(4, TimeUnit.HOUR),
             constraint=Constraint(ConstraintType.SNET, datetime(2027, 2, 1, 9)), deadline=datetime(2027, 3, 1, 18)),
        Task("test", "Test", duration=d(3, TimeUnit.DAY),
             constraint=Constraint(ConstraintType.FNLT, datetime(2027, 6, 1, 18))),
        Task("docs", "Docs", duration=d(90, TimeUnit.MINUTE), constraint=Constraint(ConstraintType.ALAP)),
        Task("vendor", "Vendor", duration=d(2, TimeUnit.DAY), manual=True, manual_start=datetime(2027, 2, 8, 9),
             manual_finish=datetime(2027, 2, 9, 18)),
        Task("launch", "Launch", milestone=True, constraint=Constraint(ConstraintType.MSO, datetime(2027, 7, 1, 9))),
    )  # fmt: skip
    deps = (
        Dependency("kickoff", "build.design"),
        Dependency("build.design", "build.code", LinkType.SS, d(2, TimeUnit.DAY)),
        Dependency("build.code", "build.cure", LinkType.FF, d(-4, TimeUnit.HOUR)),
        Dependency("build.cure", "build.review", LinkType.FS, d(1, TimeUnit.DAY, elapsed=True)),
        Dependency("build.design", "docs", LinkType.SF, PercentLag(50)),
        Dependency("build", "test", LinkType.FS, d(1, TimeUnit.WEEK)),
        Dependency("test", "launch"),
    )
    resources = (
        Resource("alice", "Alice", max_units=1.0, calendar="alice-cal", rates=(RateChange(None, 5000, 7500, 1000),),
                 role="backend", email="alice@example.com", external_id="7"),
        Resource("bob", "Bob", max_units=0.5, generic=True),
        Resource("concrete", "Concrete", ResourceKind.MATERIAL, label="t", rates=(RateChange(None, 12000),)),
        Resource("travel", "Travel", ResourceKind.COST),
    )  # fmt: skip
    assignments = (
        Assignment("build.design", "alice"),
        Assignment("build.code", "bob", 0.5, 2400),
        Assignment("build.cure", "concrete", 4.0),
        Assignment("test", "travel"),
    )
    return Project(
        "Showcase",
        datetime(2027, 1, 4, 9),
        calendar="office",
        currency="GBP",
        calendars=(*builtin_calendars().values(), office, site, own),
        tasks=tasks,
        dependencies=deps,
        resources=resources,
        assignments=assignments,
        description="Everything the writer maps.",
    )
