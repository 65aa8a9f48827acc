"""The web pages as an application of their own, mounted under the API's app (see
:mod:`milepost.server`): its errors are pages, not JSON."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from milepost.config import Settings
from milepost.errors import MilepostError, NotFoundError, PermissionDeniedError
from milepost.storage.db import SessionFactory
from milepost.web.assets import STATIC, vendor_file
from milepost.web.context import SignInRequired, login_url, page_context
from milepost.web.routes import auth, calendars, gantt, home, levelling, resources, table, task
from milepost.web.routes import settings as project_settings
from milepost.web.routes.common import by_field, page

log = logging.getLogger("milepost.web")
TITLES = {401: "Please sign in", 403: "Not allowed", 404: "Not found", 409: "Changed meanwhile", 422: "Not accepted"}


def create_web(settings: Settings, sessions: SessionFactory, status_of: Callable[[MilepostError], int]) -> FastAPI:
    """The pages, sharing the API's database sessions, settings and error statuses."""
    web = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    web.state.settings = settings
    web.state.sessions = sessions
    for router in (auth.router, home.router, gantt.router, table.router, task.router, project_settings.router):
        web.include_router(router)
    for router in (resources.router, levelling.router, calendars.router):
        web.include_router(router)

    @web.get("/static/vendor/{name}", include_in_schema=False)
    def vendor(name: str) -> Response:
        path = vendor_file(name)
        if path is None:
            raise NotFoundError(f"{name} is not installed (run  npm ci  in the source folder)")
        return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})

    web.mount("/static", StaticFiles(directory=STATIC), name="static")

    @web.exception_handler(SignInRequired)
    def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        target = login_url(exc.target) if not exc.target.startswith("/account") else exc.target
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": target})
        return Response(status_code=303, headers={"Location": target})

    @web.exception_handler(MilepostError)
    def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, MilepostError)
        status = status_of(exc)
        ctx = page_context(request)
        message = (
            exc.message
            if not isinstance(exc, NotFoundError)
            else "This page does not exist, or is not shared with you."
        )
        if isinstance(exc, PermissionDeniedError):
            message = exc.message[:1].upper() + exc.message[1:] + "."
        problems = by_field(exc)
        return page(
            ctx, "error.html", None, status, title=TITLES.get(status, "Not done"), message=message, problems=problems
        )

    @web.exception_handler(RequestValidationError)
    def invalid(request: Request, _exc: Exception) -> Response:
        ctx = page_context(request)
        return page(ctx, "error.html", None, 422, title=TITLES[422], message="The form was not filled in as expected.")

    @web.exception_handler(HTTPException)
    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith("/api/"):  # an API path that does not exist: answer as the API does
            body = {"code": "not_found", "message": f"no such endpoint: {request.url.path}", "problems": []}
            return JSONResponse(body, status_code=exc.status_code)
        ctx = page_context(request)
        title = TITLES.get(exc.status_code, "Not found")
        return page(ctx, "error.html", None, exc.status_code, title=title, message="This page does not exist.")

    return web
