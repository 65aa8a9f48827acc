"""The shape of a plan file, as Pydantic models (and the source of its JSON Schema).

These models check structure and types only; notations (durations, links, hours,
constraints) are parsed when the plan becomes a domain project, where the project's
work units are known.  Unknown keys are errors, not ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from milepost.domain.duration import DURATION_UNITS
from milepost.domain.project import ConstraintType
from milepost.domain.resource import HIGHEST_SKILL, LOWEST_SKILL
from milepost.io.planfile.syntax import DAYS_PATTERN, HOURS_PATTERN, MOMENT_PATTERN, parse_moment

FORMAT_VERSION = 1


def _anycase(word: str) -> str:
    """A JSON Schema (ECMA 262) pattern for ``word`` in any case: no inline flags there."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


KEY_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_-]*$"
_NUMBER = r"(\d+(\.\d*)?|\.\d+)"
DURATION_PATTERN = rf"^\s*{_NUMBER}\s*[eE]?\s*({'|'.join(_anycase(u) for u in DURATION_UNITS)})?\s*\??\s*$"
_DATED = "|".join(_anycase(c.value) for c in ConstraintType if c.needs_date)
_UNDATED = "|".join(_anycase(c.value) for c in ConstraintType if not c.needs_date)
CONSTRAINT_PATTERN = rf"^\s*(({_UNDATED})|({_DATED})\s+\d{{4}}-\d{{2}}-\d{{2}}([ T]\d{{2}}:\d{{2}}(:\d{{2}})?)?)\s*$"

Key = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": KEY_PATTERN}, {"type": "integer", "minimum": 0}],
            "description": "Stable key of this task among its siblings: letters, digits, _ and - (no dots or "
            "spaces). The full key joins the keys of its summary tasks with dots, e.g. design.api.",
        }
    ),
]
DurationText = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": DURATION_PATTERN}, {"type": "number", "minimum": 0}],
            "description": "Duration such as 3d, 4h, 2w, 1mo, 30m; e for elapsed time (5ed); ? marks an "
            "estimate (3d?). A bare number means days.",
        }
    ),
]
HoursText = Annotated[
    str | Literal[False],
    Field(
        json_schema_extra={"pattern": HOURS_PATTERN},
        description="Working hours such as '09:00-13:00, 14:00-18:00', or off.",
    ),
]
Moment = Annotated[
    dt.date | dt.datetime,
    BeforeValidator(parse_moment),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MOMENT_PATTERN,
            "description": "A date (2027-03-05) or local date-time (2027-03-05 14:00), without a UTC offset.",
        }
    ),
]
DaysText = Annotated[
    str, Field(json_schema_extra={"pattern": DAYS_PATTERN}, description="A weekday or range: mon-fri, sat, mon,wed.")
]
WeekdayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
UnitsText = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"}, {"type": "number", "minimum": 0}],
            "description": "Units: 50%, 100%, or a number of full-time people (2).",
        }
    ),
]
PercentText = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"}, {"type": "number", "minimum": 0}],
            "description": "A percentage: 40% (or 40).",
        }
    ),
]
MoneyText = Annotated[
    str,
    WithJsonSchema(
        {"anyOf": [{"type": "string"}, {"type": "number", "minimum": 0}], "description": "An amount: 1250.50."}
    ),
]
RateText = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(/\s*[hHdD])?\s*$"}, {"type": "number"}],
            "description": "A rate per hour (85/h, or 85) or per working day (680/d).",
        }
    ),
]


class Strict(BaseModel):
    """Base: unknown keys are errors; field names may use their YAML aliases; a number
    where text is expected is read as its text (``key: 5``, ``duration: 2``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, coerce_numbers_to_str=True)


class ProjectModel(Strict):
    """Project settings."""

    name: str = Field(description="Project name.")
    start: Moment | None = Field(None, description="Project start; the plan is scheduled forward from it.")
    finish: Moment | None = Field(
        None, description="Project finish, for a plan scheduled backward from its finish (instead of start)."
    )
    timezone: str = Field("UTC", description="IANA time zone of all dates and calendars, e.g. Europe/London.")
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.")
    calendar: str = Field("standard", description="Key of the project calendar.")
    # a day of at least a minute, a week and a month of at least a day: smaller ones underflow to nothing
    hours_per_day: float = Field(8, ge=1 / 60, le=24, description="Working hours in a day of duration (MS Project: 8).")
    days_per_week: float = Field(5, ge=1, le=7, description="Working days in a week of duration (MS Project: 5).")
    days_per_month: float = Field(20, ge=1, le=31, description="Working days in a month of duration (MS Project: 20).")
    description: str = ""
    honor_constraints: bool = Field(
        True,
        description="MS Project's 'tasks will always honor their constraint dates': when false, links win over "
        "constraints that would pull a task earlier than its predecessors allow.",
    )
    status_date: Moment | None = Field(None, description="The date progress was last reported.")


class RecurrenceModel(Strict):
    """How an exception repeats."""

    frequency: Literal["daily", "weekly", "monthly", "yearly"]
    interval: int = Field(1, ge=1, le=1000, description="Every N days, weeks or months.")
    weekdays: list[WeekdayName] = Field(default_factory=list, description="Weekly: which days.")
    day: int | None = Field(None, ge=1, le=31, description="Monthly/yearly: day of the month.")
    week: int | None = Field(None, ge=1, le=5, description="Monthly/yearly: 1st..4th weekday, 5 = last.")
    weekday: WeekdayName | None = Field(None, description="Monthly/yearly with week: which weekday.")
    month: int | None = Field(None, ge=1, le=12, description="Yearly: month 1-12.")
    until: dt.date | None = Field(None, description="Last possible occurrence.")
    count: int | None = Field(None, ge=1, le=100000, description="Number of occurrences.")
    week_start: WeekdayName = Field("mon", description="Weekly with an interval: the first day of a week.")


class ExceptionModel(Strict):
    """A holiday, an extra working day, or changed hours; one day, a range, or recurring."""

    name: str = ""
    date: dt.date | None = Field(None, description="The day (or first occurrence when repeating).")
    from_: dt.date | None = Field(None, alias="from", description="First day of a range.")
    to: dt.date | None = Field(None, description="Last day of a range (inclusive).")
    hours: HoursText = Field(False, description="Working hours on these days; off (the default) for a holiday.")
    repeat: RecurrenceModel | None = None


class WorkWeekModel(Strict):
    """A work week that applies between two dates (e.g. summer hours)."""

    name: str = ""
    from_: dt.date = Field(alias="from")
    to: dt.date
    week: dict[DaysText, HoursText]


class CalendarModel(Strict):
    """A working-time calendar."""

    name: str = ""
    base: str | None = Field(None, description="Calendar this one derives from; days not given here come from it.")
    week: dict[DaysText, HoursText] = Field(
        default_factory=dict, description="Hours per weekday or range, e.g. mon-fri: 09:00-17:00, sat: off."
    )
    holidays: str | list[str] = Field(
        default_factory=list, description="Public holidays by country and subdivision: GB, GB-ENG, US-CA."
    )
    work_weeks: list[WorkWeekModel] = Field(default_factory=list)
    exceptions: list[ExceptionModel] = Field(default_factory=list)


class ManualModel(Strict):
    """The dates of a manually scheduled task."""

    start: Moment
    finish: Moment


class TaskFieldsModel(Strict):
    """The fields of a task itself (what the API edits); a plan entry adds its links,
    people and subtasks (:class:`TaskModel`)."""

    key: Key
    name: str = ""
    duration: DurationText | None = None
    milestone: bool = False
    deliverable: bool = Field(False, description="This task produces a deliverable.")
    priority: int = Field(500, ge=0, le=1000, description="0-1000, as in MS Project.")
    constraint: str | None = Field(
        None,
        json_schema_extra={"pattern": CONSTRAINT_PATTERN},
        description="ASAP, ALAP, or a type and date: SNET 2027-03-01, FNLT 2027-04-30 17:00, MSO, MFO, SNLT, FNET.",
    )
    deadline: Moment | None = Field(None, description="Target finish; missing it gives negative float.")
    calendar: str | None = Field(None, description="Task calendar key (default: the project calendar).")
    notes: str = ""
    manual: ManualModel | None = Field(
        None, description="Manually scheduled: the task keeps these dates; its successors follow from them."
    )
    progress: PercentText | None = Field(None, description="Percent complete, e.g. 40%.")
    actual_start: Moment | None = Field(None, description="When work really started (fixes the start).")
    actual_finish: Moment | None = Field(None, description="When work really finished (fixes the finish).")
    type: Literal["fixed_units", "fixed_duration", "fixed_work"] = Field(
        "fixed_units", description="Which of units, duration and work stays fixed when another changes."
    )
    effort_driven: bool = Field(False, description="Adding people shortens the task (work stays the same).")


class TaskModel(TaskFieldsModel):
    """A task, a summary task (with ``tasks``) or a milestone."""

    after: str | list[str] = Field(
        default_factory=list,
        description="Predecessors: 'KEY [FS|SS|FF|SF] [+/-LAG]', e.g. 'design.api +2d', 'review SS', "
        "'build FF -1d', 'spec SS +50%'. Keys resolve among siblings first, then outward; "
        "a leading / names a full key from the top (/design.api).",
    )
    id: str | int | None = Field(None, description="External id, e.g. the MS Project UID or a ticket number.")
    assign: str | list[str | AssignmentModel] = Field(
        default_factory=list,
        description="Resources on this task: 'KEY [UNITS%] [WORK]' such as 'alice', 'bob 50%', 'carol 100% 40h', "
        "or for a material 'KEY QUANTITY' ('cement 12'), or a mapping with resource/units/work/quantity.",
    )
    needs: str | list[str | RequestModel] = Field(
        default_factory=list,
        description="People asked for by role or skill, chosen when levelling: '2 backend-engineer', "
        "'python>=4', '0.5 qa python>=3', or a mapping with role/skill/level/count.",
    )
    tasks: list[TaskModel] = Field(default_factory=list, description="Subtasks; makes this a summary task.")


class RequestModel(Strict):
    """People asked for by role or skill, written out in full."""

    role: str | None = None
    skill: str | None = None
    level: int = Field(1, ge=1, le=5)
    count: float = Field(1.0, gt=0, description="Full-time people: 2, or 0.5 for half of one person.")


class AssignmentModel(Strict):
    """A resource on a task, written out in full."""

    resource: str
    units: UnitsText | None = None
    work: DurationText | None = None
    quantity: float | None = Field(None, ge=0, description="For a material: how much is used, in its label.")
    id: str | None = Field(None, description="External id, e.g. the MS Project assignment UID.")


class RateModel(Strict):
    """Cost rates from a date on."""

    from_: Moment | None = Field(None, alias="from")
    rate: RateText | None = None
    overtime_rate: RateText | None = None
    cost_per_use: MoneyText | None = None


class AvailabilityModel(Strict):
    """Units available between two dates."""

    from_: Moment | None = Field(None, alias="from")
    to: Moment | None = None
    units: UnitsText


class ResourceModel(Strict):
    """A person, a piece of equipment, a material or a cost item."""

    key: Key
    name: str = ""
    kind: Literal["work", "material", "cost"] = "work"
    units: UnitsText | None = Field(None, description="Maximum units: 100% (default), 50%, or 3 for a team of three.")
    calendar: str | None = Field(None, description="Working time and time off (default: the project calendar).")
    rate: RateText | None = Field(None, description="Standard rate, e.g. 85/h or 680/d (material: per unit).")
    overtime_rate: RateText | None = None
    cost_per_use: MoneyText | None = None
    rates: list[RateModel] = Field(default_factory=list, description="Rate changes from a date on.")
    availability: list[AvailabilityModel] = Field(default_factory=list, description="Units that change over time.")
    skills: dict[str, Annotated[int, Field(ge=LOWEST_SKILL, le=HIGHEST_SKILL)]] = Field(
        default_factory=dict, description="Skill levels 1-5, e.g. {python: 4}."
    )
    role: str | None = Field(None, description="The team or role, e.g. backend-engineer.")
    generic: bool = Field(False, description="A placeholder for someone with this role, not a named person.")
    label: str = Field("", description="Unit of a material: t, m3, licences.")
    email: str = ""
    notes: str = ""
    id: str | None = Field(None, description="External id, e.g. the MS Project resource UID.")


class PlanModel(Strict):
    """A Milepost plan file."""

    milepost: Literal[1] = Field(1, description="Plan file format version.")
    project: ProjectModel
    calendars: dict[str, CalendarModel] = Field(
        default_factory=dict,
        json_schema_extra={"propertyNames": {"pattern": KEY_PATTERN}},
        description="Calendars by key (letters, digits, _ and -); the built-in standard, 24h and night need no entry.",
    )
    resources: list[ResourceModel] = Field(default_factory=list, description="People, equipment, materials, costs.")
    tasks: list[TaskModel] = Field(default_factory=list)
