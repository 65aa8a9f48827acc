"""Schedules as data: the JSON document and CSV table shared by the CLI and the API.

Dates are ISO 8601 with the UTC offset of the project's time zone on that date.  Each
distinct minute of the date columns is formatted once, with NumPy in one go (offsets
looked up once per distinct day), so writing a 10,000-task schedule costs milliseconds,
not a second.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import orjson

from milepost.domain.duration import PercentLag
from milepost.domain.levelling import LevelResult
from milepost.domain.project import LinkType, Project
from milepost.domain.schedule import Schedule

DATE_COLUMNS = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")


def date_texts(schedule: Schedule, *columns: Sequence[int]) -> dict[int, str]:
    """ISO 8601 text, with the project time zone's UTC offset on that day, of every engine
    minute in ``columns``: each distinct minute is formatted once (a schedule's dates
    repeat a lot: most tasks start at 08:00 and finish at 17:00 on a few hundred days)."""
    minutes = sorted(set().union(*columns))
    arr = np.asarray(minutes, dtype=np.int64)
    epoch = np.datetime64(schedule.origin, "m")
    local = np.datetime_as_string(epoch + arr.astype("timedelta64[m]"), unit="m").tolist()
    zone = ZoneInfo(schedule.project.timezone)
    offsets: dict[int, str] = {}
    days = (arr // 1440).tolist()
    for day in dict.fromkeys(days):
        noon = schedule.origin + timedelta(days=day, hours=12)
        offsets[day] = _offset(noon.replace(tzinfo=zone))
    if len(set(offsets.values())) == 1:
        suffix = ":00" + next(iter(offsets.values()))
        return {m: text + suffix for m, text in zip(minutes, local, strict=True)}
    return {m: text + ":00" + offsets[d] for m, text, d in zip(minutes, local, days, strict=True)}


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset() or timedelta(0)
    total = int(delta.total_seconds() // 60)
    sign = "-" if total < 0 else "+"
    return f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def _predecessors(project: Project) -> dict[str, list[dict[str, Any]]]:
    """The ``predecessors`` entries of each task key."""
    preds: dict[str, list[dict[str, Any]]] = {}
    types = {t: t.value for t in LinkType}  # an enum's value is slow to read 30,000 times
    for d in project.dependencies:
        lag = d.lag
        if isinstance(lag, PercentLag):
            entry: dict[str, Any] = {"key": d.predecessor, "type": types[d.type], "lag_percent": lag.percent}
        elif lag.elapsed:
            entry = {"key": d.predecessor, "type": types[d.type], "lag_minutes": lag.minutes, "lag_elapsed": True}
        else:
            entry = {"key": d.predecessor, "type": types[d.type], "lag_minutes": lag.minutes}
        if d.successor in preds:
            preds[d.successor].append(entry)
        else:
            preds[d.successor] = [entry]
    return preds


def _assignments(project: Project) -> dict[str, list[dict[str, Any]]]:
    """The ``assignments`` entries of each task key."""
    assigned: dict[str, list[dict[str, Any]]] = {}
    for a in project.assignments:
        entry: dict[str, Any] = {"resource": a.resource, "units": a.units}
        if a.work is not None:
            entry["work_minutes"] = a.work
        if a.quantity is not None:
            entry["quantity"] = a.quantity
        assigned.setdefault(a.task, []).append(entry)
    return assigned


def schedule_to_dict(schedule: Schedule) -> dict[str, Any]:
    """The schedule as one JSON-ready object: ``project``, ``tasks``, ``diagnostics``."""
    project = schedule.project
    cols = schedule.columns
    preds = _predecessors(project)
    assigned = _assignments(project)
    wbs = project.wbs_codes()
    dates = [getattr(cols, name) for name in DATE_COLUMNS]
    text = date_texts(schedule, *dates, (schedule.start, schedule.finish))
    summaries = project.children
    tasks = []
    rows = zip(project.tasks, *dates, cols.duration, cols.total_float, cols.free_float, cols.critical, strict=True)
    for t, start, finish, es, ef, ls, lf, duration, tf, ff, critical in rows:
        key = t.key
        item: dict[str, Any] = {
            "key": key,
            "name": t.name,
            "wbs": wbs[key],
            "start": text[start],
            "finish": text[finish],
            "early_start": text[es],
            "early_finish": text[ef],
            "late_start": text[ls],
            "late_finish": text[lf],
            "duration_minutes": duration,
            "total_float_minutes": tf,
            "free_float_minutes": ff,
            "critical": critical,
            "summary": key in summaries,
            "milestone": t.milestone,
            "predecessors": preds.get(key) or [],
        }
        if key in assigned:
            item["assignments"] = assigned[key]
        if t.external_id is not None:
            item["external_id"] = t.external_id
        tasks.append(item)
    return {
        "project": {
            "name": project.name,
            "start": text[schedule.start],
            "finish": text[schedule.finish],
            "timezone": project.timezone,
            "driving_path": schedule.driving_path,
        },
        "tasks": tasks,
        "diagnostics": [
            {"code": d.code, "severity": d.severity.value, "message": d.message, "task": d.task}
            for d in schedule.diagnostics
        ],
    }


def schedule_to_json(schedule: Schedule, *, only: set[str] | None = None) -> bytes:
    """The schedule document as indented JSON (UTF-8); ``only`` keeps just those tasks."""
    doc = schedule_to_dict(schedule)
    if only is not None:
        doc["tasks"] = [t for t in doc["tasks"] if t["key"] in only]
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def level_to_dict(result: LevelResult, *, periods: bool = False) -> dict[str, Any]:
    """A levelled schedule as one JSON-ready object.

    The schedule document of :func:`schedule_to_dict` (its ``diagnostics`` those of the
    levelling, which include the levelled schedule's), plus ``makespan``, ``status``
    (``feasible`` / ``optimal``), ``lower_bound``, ``method``, ``objective`` (``makespan`` /
    ``lateness``: what the method minimised), ``resource_critical_path``
    and per task ``delay_minutes``, ``delayed_by`` and ``delay_resource`` (a resource with
    no task in ``delayed_by``: its working time held the task).  With
    ``periods`` (a PSPLIB instance), ``start``, ``finish``, ``makespan`` and
    ``lower_bound`` are integer periods.
    """
    doc = schedule_to_dict(result.schedule)
    doc["diagnostics"] = [  # the levelling's own (stopped early, not within float...) and the schedule's
        {"code": d.code, "severity": d.severity.value, "message": d.message, "task": d.task} for d in result.diagnostics
    ]
    columns = result.schedule.columns  # engine minutes; a PSPLIB period is one minute from minute 0
    for i, task in enumerate(doc["tasks"]):
        delay = result.delays.get(task["key"])
        task["delay_minutes"] = delay.minutes if delay else 0
        task["delayed_by"] = list(delay.delayed_by) if delay else []
        task["delay_resource"] = delay.resource if delay else None
        if periods:
            for name in DATE_COLUMNS:
                task[name] = getattr(columns, name)[i]
    doc["makespan"] = result.makespan_minutes
    doc["lower_bound"] = result.lower_bound_minutes
    doc["status"] = result.status.value
    doc["method"] = result.method.value
    doc["objective"] = result.objective.value
    doc["schedules"] = result.schedules
    doc["seconds"] = round(result.seconds, 3)
    doc["resource_critical_path"] = list(result.resource_critical_path)
    doc["time_unit"] = "period" if periods else "minute"
    if periods:
        doc["project"]["start"], doc["project"]["finish"] = result.schedule.start, result.schedule.finish
    return doc


CSV_COLUMNS = (
    "wbs",
    "key",
    "name",
    "start",
    "finish",
    "duration_minutes",
    "total_float_minutes",
    "free_float_minutes",
    "critical",
    "summary",
    "milestone",
    "predecessors",
    "external_id",
)


def schedule_to_csv(schedule: Schedule) -> str:
    """The schedule as CSV, one row per task in outline order."""
    doc = schedule_to_dict(schedule)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for t in doc["tasks"]:
        preds = "; ".join(
            f"{p['key']} {p['type']}" + (f" {p['lag_minutes']:+d}m" if p.get("lag_minutes") else "")
            for p in t["predecessors"]
        )
        writer.writerow(
            [
                t["wbs"],
                t["key"],
                t["name"],
                t["start"],
                t["finish"],
                t["duration_minutes"],
                t["total_float_minutes"],
                t["free_float_minutes"],
                t["critical"],
                t["summary"],
                t["milestone"],
                preds,
                t.get("external_id", ""),
            ]
        )
    return out.getvalue()
