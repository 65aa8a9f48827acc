"""What the page routes share: rendering with the viewer, redirects, problems by field."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from milepost.errors import InvalidInputError, MilepostError, Problem
from milepost.web.assets import vendor_file
from milepost.web.context import Page, Viewer
from milepost.web.templating import render

M = TypeVar("M", bound=BaseModel)


def page(ctx: Page, name: str, viewer: Viewer | None, status: int = 200, **values: Any) -> Response:
    """Render a template with what every page needs."""
    values.setdefault("messages", [])
    return render(  # type: ignore[no-any-return]
        ctx.request,
        name,
        {"viewer": viewer, "htmx_available": vendor_file("htmx.min.js") is not None, **values},
        status,
    )


def go(url: str, ctx: Page | None = None) -> Response:
    """Send the browser to ``url`` (after a form): 303 for a form, ``HX-Redirect`` for HTMX."""
    if ctx is not None and ctx.htmx:
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def form_model(model: type[M], **values: Any) -> M:
    """A form's values checked by ``model``; every problem named by its field."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = [
            Problem(str(e["type"]), str(e["msg"]).removeprefix("Value error, "), ".".join(str(p) for p in e["loc"]))
            for e in exc.errors()
        ]
        raise InvalidInputError(problems) from None


def by_field(exc: MilepostError) -> dict[str, str]:
    """The problems of an error keyed by the field they are about (first one each)."""
    out: dict[str, str] = {}
    for problem in exc.problems if isinstance(exc, InvalidInputError) else ():
        field = problem.path.split(".")[0] if problem.path else "_"
        out.setdefault(field, problem.message)
    if not out:
        out["_"] = exc.message
    return out


def safe_next(target: str | None) -> str:
    """A place to go back to after signing in: a path on this site only."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not target.isprintable()
    ):
        return "/"
    return target
