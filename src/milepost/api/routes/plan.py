"""Tasks (with WBS moves) and their comments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from milepost.api.context import Ctx, IfMatch
from milepost.api.params import Limit, Offset, Search, Version, tagged
from milepost.schemas.activity import CommentCreate, CommentRead
from milepost.schemas.common import Page
from milepost.schemas.tasks import TaskCreate, TaskMove, TaskRead, TaskUpdate
from milepost.services import activity, tasks

router = APIRouter(tags=["plan"])
Parent = Annotated[
    str, Query(pattern=r"^(all|top|\d+)$", description="all (every task), top (the top level), or a task id.")
]


@router.get("/projects/{project_id}/tasks", response_model=Page[TaskRead])
def list_tasks(
    project_id: int, ctx: Ctx, parent: Parent = "all", q: Search = "", limit: Limit = 100, offset: Offset = 0
) -> Any:
    """Tasks, level by level in WBS order; of one summary with ``parent``; by key or name with ``q``."""
    under: int | str | None = None if parent == "top" else parent if parent == "all" else int(parent)
    return ctx.run(tasks.list_tasks, project_id, parent=under, q=q, limit=limit, offset=offset)


@router.post("/projects/{project_id}/tasks", response_model=TaskRead, status_code=status.HTTP_201_CREATED)
def create_task(project_id: int, body: TaskCreate, response: Response, ctx: Ctx) -> Any:
    """A new task, written as in a plan file."""
    return tagged(response, ctx.run(tasks.create_task, project_id, body))


@router.get("/projects/{project_id}/tasks/{task_id}", response_model=TaskRead)
def get_task(project_id: int, task_id: int, response: Response, ctx: Ctx) -> Any:
    """One task."""
    return tagged(response, ctx.run(tasks.get_task, project_id, task_id))


@router.patch("/projects/{project_id}/tasks/{task_id}", response_model=TaskRead)
def update_task(project_id: int, task_id: int, body: TaskUpdate, response: Response, ctx: Ctx, version: IfMatch) -> Any:
    """Change a task (members: the progress of their own tasks)."""
    return tagged(response, ctx.run(tasks.update_task, project_id, task_id, body, version))


@router.delete("/projects/{project_id}/tasks/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(project_id: int, task_id: int, ctx: Ctx, header: IfMatch, version: Version = None) -> None:
    """Delete a task with its subtasks, links and assignments."""
    ctx.run(tasks.delete_task, project_id, task_id, header or version)


@router.post("/projects/{project_id}/tasks/{task_id}/move", response_model=TaskRead)
def move_task(project_id: int, task_id: int, body: TaskMove, response: Response, ctx: Ctx, version: IfMatch) -> Any:
    """Indent, outdent, move up or down, or move under another task."""
    if body.version is None and version is not None:
        body = body.model_copy(update={"version": version})
    return tagged(response, ctx.run(tasks.move_task, project_id, task_id, body))


@router.get("/projects/{project_id}/tasks/{task_id}/comments", response_model=Page[CommentRead])
def list_comments(project_id: int, task_id: int, ctx: Ctx, limit: Limit = 100, offset: Offset = 0) -> Any:
    """A task's comments, oldest first."""
    return ctx.run(activity.list_comments, project_id, task_id, limit=limit, offset=offset)


@router.post(
    "/projects/{project_id}/tasks/{task_id}/comments", response_model=CommentRead, status_code=status.HTTP_201_CREATED
)
def add_comment(project_id: int, task_id: int, body: CommentCreate, ctx: Ctx) -> Any:
    """Comment on a task (members and up)."""
    return ctx.run(activity.add_comment, project_id, task_id, body)


@router.delete("/projects/{project_id}/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_comment(project_id: int, comment_id: int, ctx: Ctx) -> None:
    """Delete a comment (its author, or a manager)."""
    ctx.run(activity.delete_comment, project_id, comment_id)
