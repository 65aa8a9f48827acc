"""A calendar's editor: the working week (hours per weekday, or off), public holidays by
country code, and exceptions (holidays, time off, changed hours) on a day or from-to.

The form edits the calendar's plan-file entry through the calendar service; what it
does not show (work weeks, recurring exceptions) is kept as it is.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from milepost.domain.calendar import builtin_calendars
from milepost.engine.load import Period
from milepost.errors import ConflictError, InvalidInputError, MilepostError, PermissionDeniedError
from milepost.io.planfile.entries import read_calendar
from milepost.io.planfile.syntax import WEEKDAYS, format_hours
from milepost.schemas.calendars import CalendarCreate, CalendarUpdate
from milepost.services import calendars, planning
from milepost.services.access import Action, Actor
from milepost.storage.db import Session
from milepost.web.context import PageCtx, Viewer
from milepost.web.routes.common import by_field, form_model, go, page
from milepost.web.routes.resources import render, resources_page

router = APIRouter()
Csrf = Annotated[str, Form()]
DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
                     strict=True))  # fmt: skip
BLANK_ROWS = 3
"""Empty exception rows offered for new holidays or time off."""


def calendar_fields(key: str, entry: dict[str, Any]) -> dict[str, Any]:
    """The editor's values of a calendar entry (hours per weekday: '' when not given, so
    from the base calendar; ``off``; or the spans)."""
    week = read_calendar(key, entry).week.days
    holidays = entry.get("holidays") or []
    exceptions = entry.get("exceptions") or []
    rows = [
        {
            "name": e.get("name", ""),
            "from": str(e.get("date") or e.get("from") or ""),
            "to": str(e.get("to") or ""),
            "hours": str(e.get("hours") or ""),
        }
        for e in exceptions
        if "repeat" not in e
    ]
    return {
        "name": entry.get("name", ""),
        "base": entry.get("base") or "",
        "week": {d: "" if hours is None else format_hours(hours) for d, hours in zip(WEEKDAYS, week, strict=True)},
        "holidays": holidays if isinstance(holidays, str) else ", ".join(holidays),
        "rows": rows,
    }


def form_fields(form: dict[str, str]) -> dict[str, Any]:
    """The editor's values as typed (rows marked for removal left out)."""
    count = int(form.get("rows", "0")) if form.get("rows", "0").isdigit() else 0
    rows = []
    for i in range(min(count, 1000)):
        row = {f: form.get(f"exc-{i}-{f}", "").strip() for f in ("name", "from", "to", "hours")}
        if form.get(f"exc-{i}-remove") != "on" and any(row.values()):
            rows.append(row)
    return {
        "name": form.get("name", "").strip(),
        "base": form.get("base", "").strip(),
        "week": {d: form.get(f"week-{d}", "").strip() for d in WEEKDAYS},
        "holidays": form.get("holidays", "").strip(),
        "rows": rows,
    }


def calendar_body(fields: dict[str, Any], kept: list[dict[str, Any]]) -> dict[str, Any]:
    """The plan entry of the editor's values, with the recurring exceptions ``kept``."""
    exceptions: list[dict[str, Any]] = []
    for row in fields["rows"]:
        entry: dict[str, Any] = {"name": row["name"]} if row["name"] else {}
        start, end = row["from"] or row["to"], row["to"]
        if end and end != start:
            entry.update({"from": start, "to": end})
        else:
            entry["date"] = start or None
        if row["hours"] and row["hours"].lower() != "off":
            entry["hours"] = row["hours"]
        exceptions.append(entry)
    return {
        "name": fields["name"],
        "base": fields["base"] or None,
        "week": {d: hours for d, hours in fields["week"].items() if hours},
        "holidays": [c.strip() for c in fields["holidays"].replace(";", ",").split(",") if c.strip()],
        "exceptions": exceptions + kept,
    }


def problems_of(exc: MilepostError) -> dict[str, str]:
    """Problems by the editor's fields: ``week.mon``, ``exc.2`` (the row), ``holidays``..."""
    if not isinstance(exc, InvalidInputError):
        return by_field(exc)
    out: dict[str, str] = {}
    for problem in exc.problems:
        parts = problem.path.split(".") if problem.path else []
        if parts[:1] == ["week"] and len(parts) > 1:
            field = f"week.{parts[1]}"
        elif parts[:1] == ["exceptions"] and len(parts) > 1 and parts[1].isdigit():
            field = f"exc.{parts[1]}"
        else:
            field = parts[0] if parts else "_"
        out.setdefault(field, problem.message)
    return out


def editor(session: Session, actor: Actor, project_id: int, calendar_id: int) -> dict[str, Any]:
    """Everything the editor shows."""
    plan = planning.planned(session, actor, project_id)
    found = calendars.get_calendar(session, actor, project_id, calendar_id)
    own = calendars.list_calendars(session, actor, project_id, limit=500)["items"]
    entry = found["definition"]
    return {
        "project": plan.record,
        "tab": "resources",
        "calendar": found,
        "current": calendar_fields(found["key"], entry),
        "kept": [e for e in entry.get("exceptions") or [] if "repeat" in e],
        "work_weeks": entry.get("work_weeks") or [],
        "bases": sorted({*builtin_calendars(), *(c["key"] for c in own)} - {found["key"]}),
        "editable": plan.may(Action.EDIT),
        "days": DAY_NAMES,
        "blank_rows": BLANK_ROWS,
    }


def _render(ctx: PageCtx, viewer: Viewer, values: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    extra.setdefault("problems", {})
    extra.setdefault("fields", values["current"])
    return page(ctx, "project/calendar.html", viewer, status, **values, **extra)


@router.get("/projects/{project_id}/calendars/{calendar_id}")
def calendar_detail(ctx: PageCtx, project_id: int, calendar_id: int) -> Response:
    """A calendar (an editor for those who may change it)."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        values = editor(session, viewer.actor, project_id, calendar_id)
    return _render(ctx, viewer, values)


@router.post("/projects/{project_id}/calendars/{calendar_id}")
async def save_calendar(ctx: PageCtx, request: Request, project_id: int, calendar_id: int) -> Response:
    """Save the editor; a conflict shows the other person's calendar and keeps yours."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    fields = form_fields(form)
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, form.get("csrf_token") or None)  # else the header HTMX sends
        values = editor(session, viewer.actor, project_id, calendar_id)
        try:
            body = form_model(CalendarUpdate, **calendar_body(fields, values["kept"]),
                              version=int(form.get("version") or 0) or None)  # fmt: skip
            calendars.update_calendar(session, viewer.actor, project_id, calendar_id, body)
        except MilepostError as exc:
            session.rollback()
            if isinstance(exc, PermissionDeniedError):
                raise
            values = editor(session, viewer.actor, project_id, calendar_id)
            status, text = 422, "Not saved: see the marked fields."
            if isinstance(exc, ConflictError) and exc.current is not None:
                status, text = 409, _conflict(values["current"], fields)
            elif isinstance(exc, ConflictError):
                status, text = 409, exc.message[:1].upper() + exc.message[1:] + "."
            return _render(ctx, viewer, values, status, problems=problems_of(exc), fields=fields,
                           messages=[{"kind": "bad", "text": text}])  # fmt: skip
    return go(f"/projects/{project_id}/calendars/{calendar_id}?saved=1")


def _conflict(theirs: dict[str, Any], mine: dict[str, Any]) -> str:
    """What someone else saved meanwhile, against what was typed."""
    differences = [
        f"{label} is now '{theirs[f]}' (you typed '{mine[f]}')"
        for f, label in (("name", "Name"), ("base", "Based on"), ("holidays", "Public holidays"))
        if theirs[f] != mine[f]
    ]
    differences += [
        f"{DAY_NAMES[d]} is now '{theirs['week'][d] or 'from the base'}' (you typed '{mine['week'][d] or 'nothing'}')"
        for d in WEEKDAYS
        if theirs["week"][d] != mine["week"][d]
    ]
    if theirs["rows"] != mine["rows"]:
        differences.append("the exceptions are not the ones you sent")
    text = "Someone else saved this calendar after you opened it, so your changes were not saved. "
    if differences:
        text += "; ".join(differences[:8]) + ". "
    return text + "Your values are kept in the form: save again to replace theirs."


@router.post("/projects/{project_id}/calendars")
def add_calendar(
    ctx: PageCtx,
    project_id: int,
    key: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    base: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Add a calendar (then edit it)."""
    typed = {"key": key.strip(), "name": name.strip(), "base": base.strip()}
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf_token or None)
        try:
            body = form_model(CalendarCreate, key=typed["key"], name=typed["name"], base=typed["base"] or None)
            made = calendars.create_calendar(session, viewer.actor, project_id, body)
        except MilepostError as exc:
            session.rollback()
            if isinstance(exc, PermissionDeniedError):
                raise
            values = resources_page(session, viewer.actor, project_id, Period.WEEK)
            message = {"kind": "bad", "text": "Calendar not added: see the marked fields."}
            return render(ctx, viewer, values, 422, calendar_problems=by_field(exc), calendar_typed=typed,
                          messages=[message])  # fmt: skip
    return go(f"/projects/{project_id}/calendars/{made['id']}")


@router.post("/projects/{project_id}/calendars/{calendar_id}/delete")
def delete_calendar(
    ctx: PageCtx, project_id: int, calendar_id: int, version: Annotated[int, Form()], csrf_token: Csrf = ""
) -> Response:
    """Delete a calendar nothing uses."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf_token or None)
        try:
            calendars.delete_calendar(session, viewer.actor, project_id, calendar_id, version)
        except ConflictError as exc:
            session.rollback()
            values = resources_page(session, viewer.actor, project_id, Period.WEEK)
            text = exc.message[:1].upper() + exc.message[1:] + "."
            if exc.current is not None:
                text = "Not deleted: someone else changed this calendar meanwhile; check it and try again."
            return render(ctx, viewer, values, 409, messages=[{"kind": "bad", "text": text}])
    return go(f"/projects/{project_id}/resources#calendars")
