"""Durations and links in their short notation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from milepost.domain.duration import Duration, PercentLag, TimeUnit, WorkUnits, format_duration, parse_duration
from milepost.domain.notation import format_link, parse_link
from milepost.domain.project import LinkType


@pytest.mark.parametrize(
    ("text", "minutes", "unit", "elapsed", "estimated"),
    [
        ("3d", 1440, TimeUnit.DAY, False, False),
        ("4h", 240, TimeUnit.HOUR, False, False),
        ("2w", 4800, TimeUnit.WEEK, False, False),
        ("1mo", 9600, TimeUnit.MONTH, False, False),
        ("30m", 30, TimeUnit.MINUTE, False, False),
        ("5ed", 7200, TimeUnit.DAY, True, False),
        ("12eh", 720, TimeUnit.HOUR, True, False),
        ("1emo", 43200, TimeUnit.MONTH, True, False),
        ("3d?", 1440, TimeUnit.DAY, False, True),
        ("2.5d", 1200, TimeUnit.DAY, False, False),
        ("2", 960, TimeUnit.DAY, False, False),
    ],
)
def test_parse_duration(text: str, minutes: int, unit: TimeUnit, elapsed: bool, estimated: bool) -> None:
    assert parse_duration(text) == Duration(minutes, unit, elapsed, estimated)


def test_work_units_change_days_weeks_months() -> None:
    units = WorkUnits(hours_per_day=7.5, days_per_week=4, days_per_month=18)
    assert parse_duration("1d", units).minutes == 450
    assert parse_duration("1w", units).minutes == 1800
    assert parse_duration("1mo", units).minutes == 8100
    assert parse_duration("1ed", units).minutes == 1440


@pytest.mark.parametrize("text", ["", "3x", "d", "-3d", "3dd", "1.2.3d", "abc"])
def test_bad_durations_say_what_was_expected(text: str) -> None:
    with pytest.raises(ValueError, match="duration such as"):
        parse_duration(text)


def test_signed_durations_for_lags() -> None:
    assert parse_duration("-1d", signed=True).minutes == -480
    assert parse_duration("+4h", signed=True).minutes == 240


@given(
    st.integers(0, 10_000),
    st.sampled_from(list(TimeUnit)),
    st.booleans(),
    st.booleans(),
)
def test_format_then_parse_round_trips(minutes: int, unit: TimeUnit, elapsed: bool, estimated: bool) -> None:
    d = Duration(minutes, unit, elapsed, estimated)
    back = parse_duration(format_duration(d))
    assert back.minutes == d.minutes
    assert back.elapsed == d.elapsed
    assert back.estimated == d.estimated


@pytest.mark.parametrize(
    ("text", "ref", "ltype", "lag"),
    [
        ("design.api", "design.api", LinkType.FS, Duration(0)),
        ("review SS", "review", LinkType.SS, Duration(0)),
        ("build FF -1d", "build", LinkType.FF, Duration(-480, TimeUnit.DAY)),
        ("pour +3ed", "pour", LinkType.FS, Duration(4320, TimeUnit.DAY, elapsed=True)),
        ("spec ss +50%", "spec", LinkType.SS, PercentLag(50)),
        ("a SF +2h", "a", LinkType.SF, Duration(120, TimeUnit.HOUR)),
    ],
)
def test_parse_link(text: str, ref: str, ltype: LinkType, lag: object) -> None:
    note = parse_link(text)
    assert (note.ref, note.type, note.lag) == (ref, ltype, lag)
    assert parse_link(format_link(note.ref, note.type, note.lag)) == note


@pytest.mark.parametrize(("text", "match"), [("", "needs the key"), ("a QQ", "link type"), ("a SS 2x", "signed")])
def test_bad_links(text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_link(text)
