"""Post-conditions of a schedule, reported as diagnostics rather than errors.

* ``negative_float``: a task's late dates are earlier than its early dates, because a
  constraint or deadline cannot be met by the logic (MS Project's negative slack).
* ``constraint_overrides_logic``: a must-start/finish-on or start/finish-no-later-than
  constraint placed a task earlier than its predecessors allow (MS Project's default
  "tasks will always honor their constraint dates").
* ``deadline_missed``: a task is scheduled to finish after its deadline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from milepost.domain.duration import describe_minutes
from milepost.domain.project import Project
from milepost.domain.schedule import Diagnostic, ScheduleColumns, Severity, describe_moment
from milepost.engine.calendars.compiled import to_datetime
from milepost.engine.network import NO_DATE, Network

if TYPE_CHECKING:
    from milepost.engine.scheduler import Passes


def find_diagnostics(
    project: Project, net: Network, passes: Passes, columns: ScheduleColumns, *, levelled: bool = False
) -> tuple[Diagnostic, ...]:
    """Every diagnostic of a computed schedule, most severe first, then in outline order
    (``levelled``: its float counts the resources' hand-overs, and the messages say so)."""
    cause = "its logic and its resources" if levelled else "its logic"
    out: list[tuple[int, int, Diagnostic]] = []
    tasks = project.tasks
    units = project.units
    n = net.n_tasks
    tf = np.asarray(columns.total_float, dtype=np.int64)
    leaf = ~net.is_summary[:n]
    for i in np.flatnonzero((tf < 0) & leaf).tolist():
        t = tasks[i]
        out.append(
            (
                1,
                i,
                Diagnostic(
                    "negative_float",
                    Severity.WARNING,
                    f"'{t.label}' has {describe_minutes(-int(tf[i]), units)} of negative float: "
                    f"a constraint or deadline cannot be met by {cause}",
                    t.key,
                ),
            )
        )
    overridden = (passes.early.overridden if not net.from_finish else passes.late.overridden)[:n]
    for i in np.flatnonzero(overridden).tolist():
        t = tasks[i]
        c = t.constraint
        assert c is not None
        assert c.date is not None
        out.append(
            (
                1,
                i,
                Diagnostic(
                    "constraint_overrides_logic",
                    Severity.WARNING,
                    f"{c.type.value} {describe_moment(c.date, end_of_day=c.type.on_finish)} on '{t.label}' "
                    "overrides its dependencies; "
                    "the task is scheduled against its logic",
                    t.key,
                ),
            )
        )
    finish = np.asarray(columns.finish, dtype=np.int64)
    dl = net.deadline[:n]
    for i in np.flatnonzero((dl != NO_DATE) & (finish > dl)).tolist():
        t = tasks[i]
        late = net.calendars[net.project_calendar].work_between(int(dl[i]), int(finish[i]))
        deadline = describe_moment(t.deadline, end_of_day=True) if t.deadline is not None else ""
        out.append(
            (
                1,
                i,
                Diagnostic(
                    "deadline_missed",
                    Severity.WARNING,
                    f"'{t.label}' finishes {to_datetime(int(finish[i])):%Y-%m-%d %H:%M}, "
                    f"{describe_minutes(late, units)} after its deadline {deadline}",
                    t.key,
                ),
            )
        )
    out.sort(key=lambda x: (x[0], x[1], x[2].code))
    return tuple(d for _, _, d in out)
