"""Projects, their members and audit log; importing and exporting whole plans."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from milepost.api.context import Ctx, IfMatch
from milepost.api.params import Limit, Offset, Search, Version, tagged
from milepost.schemas.activity import AuditRead
from milepost.schemas.common import Page
from milepost.schemas.projects import (
    ImportRead,
    MemberRead,
    MemberUpdate,
    MemberWrite,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
)
from milepost.services import activity, members, projects

router = APIRouter(tags=["projects"])
ExportFormat = Annotated[
    str, Query(max_length=8, description="yaml (plan file), xml (MS Project), xlsx, csv, json or ics.")
]


@router.get("/projects", response_model=Page[ProjectRead])
def list_projects(ctx: Ctx, q: Search = "", limit: Limit = 100, offset: Offset = 0) -> Any:
    """The projects one is a member of."""
    return ctx.run(projects.list_projects, q=q, limit=limit, offset=offset)


@router.post("/projects", response_model=ProjectRead, status_code=status.HTTP_201_CREATED)
def create_project(body: ProjectCreate, ctx: Ctx) -> Any:
    """A new, empty project (its creator is its owner)."""
    return ctx.run(projects.create_project, body)


@router.post("/projects/import", response_model=ImportRead, status_code=status.HTTP_201_CREATED)
def import_project(
    ctx: Ctx,
    file: Annotated[UploadFile, File(description="A plan file, MS Project XML, a task list (.csv, .xlsx)...")],
    name: Annotated[str | None, Form(max_length=300, description="Name of the new project.")] = None,
) -> Any:
    """A new project from a file; the reply lists what could not be mapped."""
    content = file.file.read(projects.MAX_IMPORT_BYTES + 1)
    return ctx.run(projects.import_project, file.filename or "upload", content, name=name)


@router.get("/projects/{project_id}", response_model=ProjectRead)
def get_project(project_id: int, response: Response, ctx: Ctx) -> Any:
    """One project."""
    return tagged(response, ctx.run(projects.get_project, project_id))


@router.patch("/projects/{project_id}", response_model=ProjectRead)
def update_project(project_id: int, body: ProjectUpdate, response: Response, ctx: Ctx, version: IfMatch) -> Any:
    """Change settings (owners)."""
    return tagged(response, ctx.run(projects.update_project, project_id, body, version))


@router.delete("/projects/{project_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project_id: int, ctx: Ctx, header: IfMatch, version: Version = None) -> None:
    """Delete a project and everything in it (owners)."""
    ctx.run(projects.delete_project, project_id, header or version)


@router.get("/projects/{project_id}/export", response_class=Response)
def export_project(project_id: int, ctx: Ctx, format: ExportFormat = "yaml", resource: str | None = None) -> Response:
    """The project as a file: a plan file (the Git and backup format), MS Project XML, Excel..."""
    body, media, filename = ctx.run(projects.export_project, project_id, format, resource=resource)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/projects/{project_id}/members", response_model=list[MemberRead])
def list_members(project_id: int, ctx: Ctx) -> Any:
    """Everyone on the project, with their role."""
    return ctx.run(members.list_members, project_id)


@router.post("/projects/{project_id}/members", response_model=MemberRead, status_code=status.HTTP_201_CREATED)
def add_member(project_id: int, body: MemberWrite, ctx: Ctx) -> Any:
    """Give a user a role on the project (owners)."""
    return ctx.run(members.add_member, project_id, body)


@router.patch("/projects/{project_id}/members/{user_id}", response_model=MemberRead)
def update_member(project_id: int, user_id: int, body: MemberUpdate, ctx: Ctx) -> Any:
    """Change a member's role (owners)."""
    return ctx.run(members.update_member, project_id, user_id, body)


@router.delete("/projects/{project_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_member(project_id: int, user_id: int, ctx: Ctx) -> None:
    """Take a user off the project (owners; anyone may leave)."""
    ctx.run(members.remove_member, project_id, user_id)


@router.get("/projects/{project_id}/audit", response_model=Page[AuditRead])
def project_audit(
    project_id: int,
    ctx: Ctx,
    entity: Annotated[str | None, Query(max_length=30)] = None,
    entity_id: int | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """Every change to the project, newest first: who, when, before and after."""
    return ctx.run(activity.project_audit, project_id, entity=entity, entity_id=entity_id, limit=limit, offset=offset)
