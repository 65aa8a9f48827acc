"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from milepost.services import health

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> Any:
    """The database answers and its schema is current (503 otherwise)."""
    ready, detail = health.readiness(request.app.state.sessions)
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "detail": detail}, status_code=200 if ready else 503
    )
