"""A Gantt chart drawn with text, for terminals.

Time runs from the project start to its finish across ``width`` character cells;
each task is a bar (``█``), summary tasks a bracket (``▀``), milestones a diamond
(``◆``).  Rows come back with flags so the caller can colour the critical path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from milepost.domain.schedule import Schedule


@dataclass(frozen=True, slots=True)
class GanttRow:
    """One line of the chart."""

    key: str
    label: str
    depth: int
    bar: str
    critical: bool
    summary: bool
    milestone: bool


@dataclass(frozen=True, slots=True)
class TextGantt:
    """The chart: a time scale line and one row per task."""

    scale: str
    rows: tuple[GanttRow, ...]


def text_gantt(schedule: Schedule, width: int = 60, *, only: set[str] | None = None) -> TextGantt:
    """Draw ``schedule`` in ``width`` cells; ``only`` limits the rows to those keys."""
    width = max(width, 10)
    t0, t1 = schedule.start, max(schedule.finish, schedule.start + 1)
    span = t1 - t0

    def cell(t: int) -> int:
        return min(width - 1, max(0, (t - t0) * width // span))

    rows = []
    project = schedule.project
    for st in schedule:
        if only is not None and st.key not in only:
            continue
        i = project.task_index[st.key]
        a = cell(schedule.columns.start[i])
        b = max(a, cell(max(schedule.columns.finish[i] - 1, schedule.columns.start[i])))
        if st.milestone and st.duration_minutes == 0:
            bar = " " * a + "◆"
        else:
            bar = " " * a + ("▀" if st.summary else "█") * (b - a + 1)
        rows.append(
            GanttRow(
                st.key,
                st.name,
                project.outline_level(st.key) - 1,
                bar.ljust(width),
                st.critical,
                st.summary,
                st.milestone,
            )
        )
    return TextGantt(_scale(schedule, width, cell), tuple(rows))


def _scale(schedule: Schedule, width: int, cell: object) -> str:
    """Month (or week, for short projects) labels placed at their first cell."""
    start, finish = schedule.start_date, schedule.finish_date
    days = max((finish - start).days, 1)
    line = [" "] * width
    step_weeks = days <= 120
    moment = start.replace(hour=0, minute=0)
    if step_weeks:
        moment -= timedelta(days=moment.weekday())
    else:
        moment = moment.replace(day=1)
    while moment <= finish:
        minutes = int((moment - schedule.origin).total_seconds() // 60)
        pos = cell(minutes) if moment >= start else 0  # type: ignore[operator]
        label = f"{moment:%d %b}" if step_weeks else f"{moment:%b %y}"
        if pos + len(label) <= width and all(c == " " for c in line[pos : pos + len(label) + 1]):
            line[pos : pos + len(label)] = label
        if step_weeks:
            moment += timedelta(days=7)
        else:
            moment = (moment.replace(day=28) + timedelta(days=4)).replace(day=1)
    return "".join(line)
