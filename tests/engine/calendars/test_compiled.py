"""Working-time arithmetic on compiled calendars."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from milepost.engine.calendars.compiled import CompiledCalendar, to_datetime, to_minutes
from milepost.engine.calendars.days import DayResolver
from milepost.errors import InvalidInputError

MON = datetime(2027, 1, 4)  # a Monday


def compiled(cal: Calendar, *extra: Calendar, around: datetime = MON) -> CompiledCalendar:
    cals = {**builtin_calendars(), cal.key: cal, **{c.key: c for c in extra}}
    return CompiledCalendar(cal.key, cals, to_minutes(around))


def m(text: str) -> int:
    return to_minutes(datetime.fromisoformat(text))


STANDARD = compiled(builtin_calendars()["standard"])


def test_add_work_finishes_at_end_of_day_not_next_morning() -> None:
    assert to_datetime(STANDARD.add_work(m("2027-01-04 08:00"), 480)) == datetime(2027, 1, 4, 17)
    assert to_datetime(STANDARD.add_work(m("2027-01-04 08:00"), 5 * 480)) == datetime(2027, 1, 8, 17)
    assert to_datetime(STANDARD.add_work(m("2027-01-04 08:00"), 5 * 480 + 1)) == datetime(2027, 1, 11, 8, 1)


def test_lunch_break_is_skipped() -> None:
    assert to_datetime(STANDARD.add_work(m("2027-01-04 11:00"), 120)) == datetime(2027, 1, 4, 14)


def test_next_working_and_previous_finish() -> None:
    assert to_datetime(STANDARD.next_working(m("2027-01-08 17:00"))) == datetime(2027, 1, 11, 8)
    assert to_datetime(STANDARD.previous_finish(m("2027-01-09 10:00"))) == datetime(2027, 1, 8, 17)
    assert to_datetime(STANDARD.next_working(m("2027-01-04 12:30"))) == datetime(2027, 1, 4, 13)


def test_subtract_work_lands_on_start_of_span() -> None:
    assert to_datetime(STANDARD.subtract_work(m("2027-01-08 17:00"), 480)) == datetime(2027, 1, 8, 8)
    assert to_datetime(STANDARD.subtract_work(m("2027-01-11 08:00"), 480)) == datetime(2027, 1, 8, 8)


def test_work_between_counts_only_working_minutes() -> None:
    assert STANDARD.work_between(m("2027-01-04 00:00"), m("2027-01-11 00:00")) == 5 * 480
    assert STANDARD.work_between(m("2027-01-11 00:00"), m("2027-01-04 00:00")) == -5 * 480


def test_split_shift_and_weekend_crew() -> None:
    split = Calendar("split", week=WorkWeek((day_hours((540, 780), (900, 1140)),) * 5 + ((), ())))
    cal = compiled(split)
    assert to_datetime(cal.add_work(m("2027-01-04 12:00"), 120)) == datetime(2027, 1, 4, 16)
    crew = Calendar("crew", base="standard", week=WorkWeek((None,) * 5 + (day_hours((480, 960)),) * 2))
    wk = compiled(crew)
    assert to_datetime(wk.next_working(m("2027-01-09 00:00"))) == datetime(2027, 1, 9, 8)
    assert to_datetime(wk.add_work(m("2027-01-08 16:00"), 120)) == datetime(2027, 1, 9, 9)


def test_24h_calendar_runs_across_midnight() -> None:
    cal = compiled(builtin_calendars()["24h"])
    assert to_datetime(cal.add_work(m("2027-01-04 20:00"), 600)) == datetime(2027, 1, 5, 6)
    assert len(cal.starts) == 1  # every day merged into one span


def test_public_holidays_and_exceptions() -> None:
    gb = Calendar(
        "gb",
        base="standard",
        holidays=(HolidaySource("GB", "ENG"),),
        exceptions=(CalendarException(date(2027, 12, 29), date(2027, 12, 31), name="Shutdown"),),
    )
    cal = compiled(gb, around=datetime(2027, 12, 1))
    # Christmas (Sat 25 -> Mon 27 substitute), Boxing Day (Sun 26 -> Tue 28), shutdown 29-31, New Year (Sat 1 -> Mon 3)
    assert to_datetime(cal.next_working(m("2027-12-25 00:00"))) == datetime(2028, 1, 4, 8)


def test_extra_working_day_overrides_holiday_and_weekend() -> None:
    sat = Calendar(
        "sat",
        base="standard",
        exceptions=(CalendarException(date(2027, 1, 9), date(2027, 1, 9), day_hours((540, 720))),),
    )
    cal = compiled(sat)
    assert to_datetime(cal.add_work(m("2027-01-08 16:00"), 120)) == datetime(2027, 1, 9, 10)


def test_derived_calendar_inherits_base_exceptions() -> None:
    base = Calendar("base", base="standard", exceptions=(CalendarException(date(2027, 1, 5), date(2027, 1, 5)),))
    child = Calendar("child", base="base", week=WorkWeek((day_hours((600, 900)),) + (None,) * 6))
    cal = compiled(child, base)
    assert cal.work_between(m("2027-01-04 00:00"), m("2027-01-06 00:00")) == 300  # Mon 10-15 only, Tue holiday


def test_recurring_exception_first_monday_of_month() -> None:
    rec = Recurrence(Frequency.MONTHLY, week_of_month=1, weekday=0)
    cal = compiled(
        Calendar("r", base="standard", exceptions=(CalendarException(date(2027, 1, 4), date(2027, 1, 4), (), "", rec),))
    )
    assert cal.work_between(m("2027-02-01 00:00"), m("2027-02-02 00:00")) == 0
    assert cal.work_between(m("2027-02-08 00:00"), m("2027-02-09 00:00")) == 480
    assert cal.work_between(m("2027-03-01 00:00"), m("2027-03-02 00:00")) == 0


def test_dated_work_week() -> None:
    summer = WorkWeek((day_hours((480, 720)),) * 5 + ((), ()), "Summer", date(2027, 7, 1), date(2027, 8, 31))
    cal = compiled(Calendar("s", base="standard", work_weeks=(summer,)), around=datetime(2027, 7, 1))
    assert cal.work_between(m("2027-07-05 00:00"), m("2027-07-06 00:00")) == 240
    assert cal.work_between(m("2027-09-06 00:00"), m("2027-09-07 00:00")) == 480


def test_calendar_grows_on_demand_far_into_the_future() -> None:
    cal = compiled(builtin_calendars()["standard"])
    far = cal.add_work(m("2027-01-04 08:00"), 480 * 260 * 20)  # about twenty years of work
    assert to_datetime(far).year in (2046, 2047)
    assert cal.add_work(m("2027-01-04 08:00"), 480) == m("2027-01-04 17:00")  # positions stayed stable


def test_no_working_time_is_a_clear_error() -> None:
    with pytest.raises(InvalidInputError) as info:
        compiled(Calendar("never", week=WorkWeek(((),) * 7)))
    assert info.value.code == "calendar_without_working_time"


def test_absurd_duration_is_a_clear_error() -> None:
    with pytest.raises(InvalidInputError) as info:
        STANDARD.add_work(m("2027-01-04 08:00"), 10**12)
    assert info.value.code == "date_out_of_range"


instants = st.integers(m("2026-06-01 00:00"), m("2028-06-01 00:00"))


@settings(max_examples=300, deadline=None)
@given(a=instants, b=instants)
def test_add_work_inverts_work_between(a: int, b: int) -> None:
    """add_work(t, work_between(t, u)) == u for any u that is working time or a span end."""
    u = STANDARD.previous_finish(b)
    assert STANDARD.add_work(a, STANDARD.work_between(a, u)) == u


@settings(max_examples=300, deadline=None)
@given(t=instants, w=st.integers(0, 480 * 400))
def test_add_then_subtract_round_trips(t: int, w: int) -> None:
    start = STANDARD.next_working(t)
    end = STANDARD.add_work(start, w)
    assert STANDARD.work_between(start, end) == w
    if w:
        assert STANDARD.subtract_work(end, w) == start


@settings(max_examples=100, deadline=None)
@given(ts=st.lists(instants, min_size=1, max_size=50), w=st.integers(-480 * 50, 480 * 50))
def test_vector_and_scalar_agree(ts: list[int], w: int) -> None:
    arr = np.asarray(ts, dtype=np.int64)
    vec = STANDARD.shift(arr, w, start=False)
    assert vec.tolist() == [STANDARD.add_work(t, w) for t in ts]


def _day_by_day(cal: CompiledCalendar) -> list[tuple[int, int]]:
    """The spans of a compiled calendar's range, resolved one day at a time and merged
    across midnight: what the compiled arrays must hold."""
    resolver = DayResolver(cal._calendars, cal._lo, cal._hi)
    spans: list[tuple[int, int]] = []
    day, base = cal._lo, cal.t_lo
    while day <= cal._hi:
        for span in resolver.hours(cal.key, day):
            if spans and spans[-1][1] == base + span.start:
                spans[-1] = (spans[-1][0], base + span.end)
            else:
                spans.append((base + span.start, base + span.end))
        day += timedelta(days=1)
        base += 1440
    return spans


_NIGHT = builtin_calendars()["night"]
_SUMMER = WorkWeek((day_hours((480, 720)),) * 5 + ((), ()), "Summer", date(2027, 7, 1), date(2027, 8, 31))
_ALWAYS = WorkWeek((None, None, day_hours((0, 1440)), None, None, None, day_hours((600, 660))), "Always")
_MONTHLY = CalendarException(
    date(2027, 1, 4), date(2027, 1, 4), (), "", Recurrence(Frequency.MONTHLY, week_of_month=1, weekday=0)
)
_EXTRA = CalendarException(date(2027, 1, 9), date(2027, 1, 10), day_hours((0, 60), (1380, 1440)), "Weekend")


@pytest.mark.parametrize(
    "cals",
    [
        [builtin_calendars()["24h"]],
        [_NIGHT],
        [Calendar("h", base="night", holidays=(HolidaySource("GB", "ENG"),), exceptions=(_EXTRA,))],
        [Calendar("s", base="standard", work_weeks=(_SUMMER,), exceptions=(_MONTHLY,))],
        [Calendar("a", base="24h", work_weeks=(_ALWAYS,))],
        [
            Calendar("b", base="standard", exceptions=(_EXTRA,)),
            Calendar("c", base="b", holidays=(HolidaySource("US"),)),
        ],
    ],
)
def test_compiled_spans_are_the_days_resolved_one_by_one(cals: list[Calendar]) -> None:
    cal = compiled(cals[-1], *cals[:-1])
    cal.add_work(m("2027-01-04 08:00"), 480 * 260 * 4)  # grown twice
    assert list(zip(cal.starts.tolist(), cal.ends.tolist(), strict=True)) == _day_by_day(cal)
