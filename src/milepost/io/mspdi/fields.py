"""Which MSPDI fields Milepost maps, which it recomputes, and the report of the rest.

A field that is neither mapped nor one of MS Project's computed values, and that
carries something other than its empty or zero default, is listed in the import
report with the number of tasks, resources or assignments that have it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from lxml import etree

from milepost.domain.wording import plural
from milepost.io.mspdi.xmltree import child, children, record

PROJECT_MAPPED = {
    "Name",
    "Title",
    "StartDate",
    "FinishDate",
    "ScheduleFromStart",
    "CalendarUID",
    "MinutesPerDay",
    "MinutesPerWeek",
    "DaysPerMonth",
    "CurrencyCode",
    "HonorConstraints",
    "StatusDate",
    "Calendars",
    "Tasks",
    "Resources",
    "Assignments",
}
PROJECT_METADATA = {"Subject", "Category", "Company", "Manager", "Author", "Keywords", "Comments"}

TASK_MAPPED = {
    "UID",
    "ID",
    "Name",
    "OutlineLevel",
    "Type",
    "IsNull",
    "Duration",
    "DurationFormat",
    "Estimated",
    "Milestone",
    "Summary",
    "Priority",
    "Notes",
    "ConstraintType",
    "ConstraintDate",
    "Deadline",
    "CalendarUID",
    "Manual",
    "ManualStart",
    "ManualFinish",
    "PercentComplete",
    "ActualStart",
    "ActualFinish",
    "EffortDriven",
    "PredecessorLink",
    "Start",
    "Finish",
}
# values MS Project derives from the plan; Milepost computes its own
TASK_COMPUTED = {
    "OutlineNumber",
    "WBS",
    "CreateDate",
    "Work",
    "ResumeValid",
    "OverAllocated",
    "Critical",
    "IsSubprojectReadOnly",
    "ExternalTask",
    "EarlyStart",
    "EarlyFinish",
    "LateStart",
    "LateFinish",
    "StartVariance",
    "FinishVariance",
    "WorkVariance",
    "FreeSlack",
    "TotalSlack",
    "StartSlack",
    "FinishSlack",
    "FixedCostAccrual",
    "PercentWorkComplete",
    "Cost",
    "OvertimeCost",
    "OvertimeWork",
    "ActualDuration",
    "ActualCost",
    "ActualOvertimeCost",
    "ActualWork",
    "ActualOvertimeWork",
    "RegularWork",
    "RemainingDuration",
    "RemainingCost",
    "RemainingWork",
    "RemainingOvertimeCost",
    "RemainingOvertimeWork",
    "ACWP",
    "CV",
    "SV",
    "BCWS",
    "BCWP",
    "VAC",
    "CPI",
    "SPI",
    "EAC",
    "TCPI",
    "LevelAssignments",
    "LevelingCanSplit",
    "IgnoreResourceCalendar",
    "HideBar",
    "Rollup",
    "PhysicalPercentComplete",
    "EarnedValueMethod",
    "IsPublished",
    "CommitmentType",
    "GUID",
    "ManualDuration",
    "DurationText",
    "StartText",
    "FinishText",
    "LevelingDelayFormat",
    "Recurring",
    "TimephasedData",
    "IsSubproject",
    "Active",
    "IsNull",
    "Stop",
    "Resume",
    "CalendarUID",
}
RESOURCE_MAPPED = {
    "UID",
    "ID",
    "Name",
    "Type",
    "IsNull",
    "MaxUnits",
    "CalendarUID",
    "StandardRate",
    "OvertimeRate",
    "CostPerUse",
    "Group",
    "IsGeneric",
    "MaterialLabel",
    "EmailAddress",
    "Notes",
}
RESOURCE_COMPUTED = {
    "Initials",
    "WorkGroup",
    "PeakUnits",
    "OverAllocated",
    "CanLevel",
    "AccrueAt",
    "Work",
    "RegularWork",
    "OvertimeWork",
    "ActualWork",
    "RemainingWork",
    "ActualOvertimeWork",
    "RemainingOvertimeWork",
    "PercentWorkComplete",
    "StandardRateFormat",
    "Cost",
    "OvertimeRateFormat",
    "OvertimeCost",
    "ActualCost",
    "ActualOvertimeCost",
    "RemainingCost",
    "RemainingOvertimeCost",
    "WorkVariance",
    "CostVariance",
    "SV",
    "CV",
    "ACWP",
    "BCWS",
    "BCWP",
    "IsInactive",
    "IsEnterprise",
    "BookingType",
    "CreationDate",
    "GUID",
    "TimephasedData",
    "IsBudget",
    "IsCostResource",
    "AssnOwner",
    "AssnOwnerGuid",
    "Start",
    "Finish",
}
ASSIGNMENT_MAPPED = {"UID", "TaskUID", "ResourceUID", "Units", "Work"}
ASSIGNMENT_COMPUTED = {
    "PercentWorkComplete",
    "ActualCost",
    "ActualOvertimeCost",
    "ActualOvertimeWork",
    "ActualWork",
    "ACWP",
    "Confirmed",
    "Cost",
    "CostRateTable",
    "CostVariance",
    "CV",
    "Delay",
    "Finish",
    "FinishVariance",
    "WorkVariance",
    "HasFixedRateUnits",
    "FixedMaterial",
    "LevelingDelay",
    "LinkedFields",
    "Milestone",
    "Overallocated",
    "OvertimeCost",
    "OvertimeWork",
    "RegularWork",
    "RemainingCost",
    "RemainingOvertimeCost",
    "RemainingOvertimeWork",
    "RemainingWork",
    "ResponsePending",
    "Start",
    "Stop",
    "Resume",
    "StartVariance",
    "UpdateNeeded",
    "VAC",
    "WorkContour",
    "BCWS",
    "BCWP",
    "TimephasedData",
    "BookingType",
    "CreationDate",
    "GUID",
    "ActualStart",
    "ActualFinish",
    "SV",
    "BudgetCost",
    "BudgetWork",
    "RateScale",
    "LevelingDelayFormat",
}
_EMPTY = {"", "0", "-1", "0.0", "PT0H0M0S", "false", "-65535"}


def report_unmapped(root: etree._Element, note: Callable[[str, str], None]) -> None:
    """Add a note for every field with a value that Milepost neither maps nor recomputes."""
    proj = record(root)
    meta = sorted(k for k in PROJECT_METADATA if proj.text(k))
    if meta:
        note("unmapped_project_field", f"project properties not imported: {', '.join(meta)}")
    for section in ("OutlineCodes", "WBSMasks", "ExtendedAttributes"):
        if len(children(child(root, section), section[:-1])):
            note("unmapped_custom_fields", f"{section} (custom field definitions) were not imported")
    _count(root, "Tasks", "Task", TASK_MAPPED | TASK_COMPUTED, "task", note)
    _count(root, "Resources", "Resource", RESOURCE_MAPPED | RESOURCE_COMPUTED, "resource", note)
    _count(root, "Assignments", "Assignment", ASSIGNMENT_MAPPED | ASSIGNMENT_COMPUTED, "assignment", note)


def _count(
    root: etree._Element, section: str, tag: str, known: set[str], what: str, note: Callable[[str, str], None]
) -> None:
    counts: Counter[str] = Counter()
    for el in children(child(root, section), tag):
        rec = record(el)
        if rec.flag("IsNull"):
            continue
        counts.update(k for k, v in rec.fields.items() if k not in known and v.strip() not in _EMPTY)
        counts.update(k for k, items in rec.lists.items() if k not in known and items)
    for name, n in sorted(counts.items()):
        note("unmapped_field", f"{name} was not imported ({plural(n, what)})")
