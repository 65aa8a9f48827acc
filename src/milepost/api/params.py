"""Query parameters shared by the routes, and the ETag of a single object."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response

from milepost.schemas.common import MAX_PAGE

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
Search = Annotated[
    str,
    Query(max_length=200, pattern=r"^[^\x00]*$", description="Only items whose key or name contain this."),
]
Version = Annotated[int | None, Query(ge=1, description="The version last read (or send an If-Match header).")]


def tagged(response: Response, view: dict[str, Any]) -> dict[str, Any]:
    """The view, with its version as the reply's ETag (send it back in If-Match)."""
    response.headers["ETag"] = f'"{view["version"]}"'
    return view
