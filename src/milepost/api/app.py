"""The web application: ``create_app()`` builds it (``milepost serve`` runs it).

The app keeps no state of its own between requests beyond the database connection
pool, so any number of server processes can share one PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response

from milepost import __version__
from milepost.api import errors
from milepost.api.limits import BodyLimit
from milepost.api.routes import accounts, entities, health, jobs, plan, projects, scheduling
from milepost.config import Settings, get_settings
from milepost.schemas.common import ErrorOut
from milepost.storage.db import make_engine, session_factory

API = "/api/v1"
DESCRIPTION = """\
Milepost's API: projects, tasks (in a WBS), dependencies, calendars, resources and
assignments; scheduling and resource levelling; import and export of plan files and
MS Project XML; members, roles and an audit log.

Sign in with a personal API token (`Authorization: Bearer mp_...`, create one at
`POST /api/v1/tokens`) or the browser session (`POST /api/v1/auth/login`; changes then
need the `X-CSRF-Token` header). Every object has a `version`: send it back (in the
body or an `If-Match` header) with a change, and a change based on a stale version gets
409 with the object as it is now. Entries use the plan file's notation: `3d`, `SNET
2027-03-01`, `50%`, `+2d`.
"""
ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorOut, "description": "Refused: `code` says why, `problems` where (409: `current`)."},
    "5XX": {"model": ErrorOut, "description": "A fault on the server, or a database or solver not available."},
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for ``settings`` (by default read from the environment)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Milepost",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.sessions = session_factory(app.state.engine)
    errors.install(app)
    for router in (accounts.router, projects.router, plan.router, entities.router, scheduling.router, jobs.router):
        app.include_router(router, prefix=API, responses=ERRORS)
    app.include_router(health.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.url.path.startswith(API) and "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app
