"""Diagnostics' messages name dates as the plan wrote them."""

from __future__ import annotations

import milepost
from milepost.io.planfile import parse_plan

PLAN = """
milepost: 1
project: {{name: Deadlines, start: 2027-01-04}}
tasks:
  - {{key: a, duration: 3d}}
  - {{key: b, duration: 2d, after: [a], deadline: {deadline}}}
"""


def _deadline_message(deadline: str) -> str:
    schedule = milepost.schedule(parse_plan(PLAN.format(deadline=deadline)))
    (missed,) = [d for d in schedule.diagnostics if d.code == "deadline_missed"]
    return missed.message


def test_a_deadline_written_as_a_date_reads_as_the_end_of_that_day() -> None:
    message = _deadline_message("2027-01-06")
    assert message.endswith("after its deadline 2027-01-06 (end of day)"), message
    assert "2027-01-07 00:00" not in message


def test_a_deadline_with_a_time_of_day_keeps_it() -> None:
    message = _deadline_message('"2027-01-07 12:00"')
    assert message.endswith("after its deadline 2027-01-07 12:00"), message
