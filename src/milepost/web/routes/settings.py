"""A project's settings and members."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from milepost.errors import MilepostError
from milepost.schemas.projects import MemberUpdate, MemberWrite, ProjectUpdate
from milepost.services import members, projects
from milepost.services.access import Action, Actor, Role
from milepost.services.planning import planned
from milepost.storage.db import Session
from milepost.web.context import PageCtx
from milepost.web.routes.common import by_field, form_model, go, page

router = APIRouter()
Csrf = Annotated[str, Form()]
SETTINGS = ("name", "start", "finish", "timezone", "currency", "calendar", "hours_per_day", "days_per_week",
            "days_per_month", "status_date", "description")  # fmt: skip


def settings_page(session: Session, actor: Actor, project_id: int) -> dict[str, Any]:
    """The project's settings and members, and what the caller may change."""
    view = projects.get_project(session, actor, project_id)
    plan = planned(session, actor, project_id)
    return {
        "p": view,
        "project": plan.record,
        "members": members.list_members(session, actor, project_id),
        "owner": plan.may(Action.ADMINISTER),
        "roles": [r.value for r in Role],
        "calendars": sorted({c.key for c in plan.project.calendars}),
    }


@router.get("/projects/{project_id}/settings")
def settings(ctx: PageCtx, project_id: int) -> Response:
    """Settings and members."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session)
        values = settings_page(session, viewer.actor, project_id)
    return page(ctx, "project/settings.html", viewer, tab="settings", problems={}, typed={}, **values)


@router.post("/projects/{project_id}/settings")
async def save_settings(ctx: PageCtx, request: Request, project_id: int) -> Response:
    """Save the settings (owners)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    changes: dict[str, Any] = {k: (form.get(k, "").strip() or None) for k in SETTINGS}
    changes["name"] = changes["name"] or ""
    changes["description"] = form.get("description", "").strip()  # none: an empty text, not a missing one
    changes["honor_constraints"] = form.get("honor_constraints") == "on"
    anchor = form.get("anchor", "start")
    changes.pop("finish" if anchor == "start" else "start")
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, form.get("csrf_token", ""))
        try:
            body = form_model(ProjectUpdate, **changes, version=int(form.get("version") or 0) or None)
            projects.update_project(session, viewer.actor, project_id, body)
        except MilepostError as exc:
            session.rollback()
            values = settings_page(session, viewer.actor, project_id)
            message = {
                "kind": "bad",
                "text": exc.message if exc.code == "conflict" else "Not saved: see the marked fields.",
            }
            return page(ctx, "project/settings.html", viewer, 409 if exc.code == "conflict" else 422, tab="settings",
                        problems=by_field(exc), typed=changes, messages=[message], **values)  # fmt: skip
    return go(f"/projects/{project_id}/settings?saved=1")


@router.post("/projects/{project_id}/members")
def add_member(
    ctx: PageCtx, project_id: int, email: Annotated[str, Form()], role: Annotated[str, Form()], csrf_token: Csrf = ""
) -> Response:
    """Give someone a role on the project."""
    ctx.run(members.add_member, project_id, form_model(MemberWrite, email=email.strip(), role=role), csrf=csrf_token)
    return go(f"/projects/{project_id}/settings#members")


@router.post("/projects/{project_id}/members/{user_id}")
def change_member(
    ctx: PageCtx, project_id: int, user_id: int, role: Annotated[str, Form()], csrf_token: Csrf = ""
) -> Response:
    """Change someone's role."""
    ctx.run(members.update_member, project_id, user_id, form_model(MemberUpdate, role=role), csrf=csrf_token)
    return go(f"/projects/{project_id}/settings#members")


@router.post("/projects/{project_id}/members/{user_id}/remove")
def remove_member(ctx: PageCtx, project_id: int, user_id: int, csrf_token: Csrf = "") -> Response:
    """Take someone off the project."""
    ctx.run(members.remove_member, project_id, user_id, csrf=csrf_token)
    return go(f"/projects/{project_id}/settings#members")


@router.post("/projects/{project_id}/delete")
def delete_project(
    ctx: PageCtx, project_id: int, version: Annotated[int, Form()], confirm: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:  # fmt: skip
    """Delete the project (owners; the name must be typed to confirm)."""
    with ctx.transaction() as session:
        viewer = ctx.viewer(session, csrf_token)
        view = projects.get_project(session, viewer.actor, project_id)
        if confirm.strip() != view["name"]:
            values = settings_page(session, viewer.actor, project_id)
            message = {"kind": "bad", "text": "Type the project's name exactly to delete it."}
            return page(ctx, "project/settings.html", viewer, 422, tab="settings", problems={}, typed={},
                        messages=[message], **values)  # fmt: skip
        projects.delete_project(session, viewer.actor, project_id, version)
    return go("/")
