"""The five routes of a project entity (list, create, read, change, delete), made once
for dependencies, calendars, resources and assignments.

No ``from __future__ import annotations`` here: FastAPI reads the body types from the
annotations of the route functions built below, which must be real classes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel

from milepost.api.context import Ctx, IfMatch
from milepost.api.params import Limit, Offset, Version, tagged
from milepost.schemas.common import Page


@dataclass(frozen=True)
class Operations:
    """The service functions behind the routes of one kind of entity."""

    list: Callable[..., Any]
    get: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]


def _no_filters() -> dict[str, Any]:
    return {}


def add_routes(
    router: APIRouter,
    path: str,
    noun: str,
    ops: Operations,
    models: tuple[type[BaseModel], type[BaseModel], type[BaseModel]],
    filters: Callable[..., dict[str, Any]] = _no_filters,
) -> None:
    """Add the routes for ``/projects/{project_id}/{path}`` to ``router``."""
    create_model, update_model, read_model = models
    base = f"/projects/{{project_id}}/{path}"
    item = f"{base}/{{item_id}}"

    def list_items(
        project_id: int, ctx: Ctx, limit: Limit = 100, offset: Offset = 0, where: dict[str, Any] = Depends(filters)
    ) -> Any:
        return ctx.run(ops.list, project_id, limit=limit, offset=offset, **where)

    def create_item(project_id: int, body: create_model, response: Response, ctx: Ctx) -> Any:  # type: ignore[valid-type]
        return tagged(response, ctx.run(ops.create, project_id, body))

    def get_item(project_id: int, item_id: int, response: Response, ctx: Ctx) -> Any:
        return tagged(response, ctx.run(ops.get, project_id, item_id))

    def update_item(
        project_id: int,
        item_id: int,
        body: update_model,  # type: ignore[valid-type]
        response: Response,
        ctx: Ctx,
        version: IfMatch,
    ) -> Any:
        return tagged(response, ctx.run(ops.update, project_id, item_id, body, version))

    def delete_item(project_id: int, item_id: int, ctx: Ctx, header: IfMatch, version: Version = None) -> None:
        ctx.run(ops.delete, project_id, item_id, header or version)

    plural = f"{noun}s" if not noun.endswith("y") else f"{noun[:-1]}ies"
    router.add_api_route(base, list_items, methods=["GET"], response_model=Page[read_model],  # type: ignore[valid-type]
                         summary=f"List {plural}", operation_id=f"list_{path}")  # fmt: skip
    router.add_api_route(base, create_item, methods=["POST"], response_model=read_model,
                         status_code=status.HTTP_201_CREATED, summary=f"Create a {noun}",
                         operation_id=f"create_{path}")  # fmt: skip
    router.add_api_route(item, get_item, methods=["GET"], response_model=read_model, summary=f"Read a {noun}",
                         operation_id=f"get_{path}")  # fmt: skip
    router.add_api_route(item, update_item, methods=["PATCH"], response_model=read_model,
                         summary=f"Change a {noun} (send its version)", operation_id=f"update_{path}")  # fmt: skip
    router.add_api_route(item, delete_item, methods=["DELETE"], status_code=status.HTTP_204_NO_CONTENT,
                         summary=f"Delete a {noun} (send its version)", operation_id=f"delete_{path}")  # fmt: skip
