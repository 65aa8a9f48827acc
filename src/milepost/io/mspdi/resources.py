"""MSPDI resources and assignments."""

from __future__ import annotations

from lxml import etree

from milepost.domain.money import minor_digits
from milepost.domain.resource import Assignment, RateChange, Resource, ResourceKind
from milepost.io.mspdi.calendars import CalendarTable, slug, unique
from milepost.io.mspdi.codes import RESOURCE_KINDS
from milepost.io.mspdi.xmltree import Record, Source, child, children, record


def read_resources(
    root: etree._Element, cals: CalendarTable, currency: str, source: Source, lines: dict[str, int]
) -> tuple[list[Resource], dict[int, str]]:
    """The resources of the file and their keys by UID; ``lines`` gets the line of each key."""
    out: list[Resource] = []
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for el in children(child(root, "Resources"), "Resource"):
        rec = record(el, source)
        uid = rec.integer("UID", -1)
        if rec.flag("IsNull") or (uid == 0 and not rec.text("Name")):
            continue
        if uid in keys:
            rec.problem("duplicate_uid", f"another resource has UID {uid}", "UID")
            continue
        key = unique(slug(rec.text("Name"), f"resource-{uid}"), taken)
        taken.add(key)
        keys[uid] = key
        lines[key] = rec.line or 0
        out.append(_resource(rec, key, uid, cals, currency))
    return out, keys


def _resource(rec: Record, key: str, uid: int, cals: CalendarTable, currency: str) -> Resource:
    kind = RESOURCE_KINDS.get(rec.integer("Type", 1), ResourceKind.WORK)
    calendar = cals.keys.get(rec.integer("CalendarUID", -1))
    rates = (
        RateChange(
            None,
            _money(rec.number("StandardRate", low=0), currency),
            _money(rec.number("OvertimeRate", low=0), currency),
            _money(rec.number("CostPerUse", low=0), currency, hundredths=True),
        ),
    )
    return Resource(
        key=key,
        name=rec.text("Name"),
        kind=kind,
        max_units=rec.number("MaxUnits", 1.0) if kind is ResourceKind.WORK else 1.0,
        calendar=calendar if kind is ResourceKind.WORK else None,
        rates=rates if any((rates[0].standard, rates[0].overtime, rates[0].per_use)) else (),
        role=rec.text("Group") or None,
        generic=rec.flag("IsGeneric"),
        label=rec.text("MaterialLabel"),
        email=rec.text("EmailAddress"),
        notes=rec.text("Notes"),
        external_id=str(uid),
    )


def _money(value: float, currency: str, *, hundredths: bool = False) -> int:
    """An MSPDI amount in minor units of ``currency``: rates are currency per hour
    (37.5 is 37.50 an hour), costs such as CostPerUse are in hundredths (MPXJ agrees)."""
    major = value / 100 if hundredths else value
    scale: int = 10 ** minor_digits(currency)
    return round(major * scale)


def read_assignments(
    root: etree._Element,
    task_keys: dict[int, str],
    res_keys: dict[int, str],
    source: Source,
    lines: dict[str, int],
    max_work: int,
) -> list[Assignment]:
    """The assignments of the file; ``lines`` gets the line of each ``task->resource``."""
    out: list[Assignment] = []
    for el in children(child(root, "Assignments"), "Assignment"):
        rec = record(el, source)
        task = task_keys.get(rec.integer("TaskUID", -1))
        res = res_keys.get(rec.integer("ResourceUID", -1))
        if task is None or res is None:
            continue  # unassigned placeholder rows (ResourceUID -65535) or the project summary
        work = rec.duration("Work") if rec.text("Work") else None
        if work is not None and abs(work) > max_work:
            rec.problem("absurd_duration", "<Work> is more than 100 years of work; check the number", "Work")
            work = None
        units = rec.number("Units", 1.0)
        lines.setdefault(f"{task}->{res}", rec.line or 0)
        out.append(Assignment(task, res, units, work or None, external_id=rec.text("UID") or None))
    return out
