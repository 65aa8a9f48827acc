"""Errors as HTTP replies: one table from error class to status, one body shape.

Every reply for a bad request is JSON ``{code, message, problems[], current?}``; a
server fault is a 500 with code ``internal_error`` and no traceback (it is logged).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from milepost.errors import (
    AuthenticationError,
    ConflictError,
    DatabaseUnavailableError,
    InfeasibleError,
    InvalidInputError,
    MilepostError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionRequiredError,
    Problem,
    RateLimitedError,
    SolverUnavailableError,
)

log = logging.getLogger("milepost.api")

STATUS: dict[type[MilepostError], int] = {
    InvalidInputError: 422,
    InfeasibleError: 422,
    NotFoundError: 404,
    ConflictError: 409,
    PermissionDeniedError: 403,
    AuthenticationError: 401,
    RateLimitedError: 429,
    PreconditionRequiredError: 428,
    SolverUnavailableError: 503,
    DatabaseUnavailableError: 503,
}
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    428: "version_required",
    429: "too_many_attempts",
}


def status_of(exc: MilepostError) -> int:
    """The HTTP status of an error: the entry of its nearest class in :data:`STATUS`."""
    return next((STATUS[c] for c in type(exc).__mro__ if c in STATUS), 400)


def error_body(code: str, message: str, problems: Sequence[dict[str, Any]] = (), **extra: Any) -> dict[str, Any]:
    """The JSON body of every error reply."""
    return {"code": code, "message": message, "problems": list(problems), **extra}


def _milepost_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MilepostError)
    problems = [_problem(p) for p in getattr(exc, "problems", ())]
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, ConflictError) and exc.current is not None:
        extra["current"] = exc.current
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = 'Bearer realm="milepost"'
    body = error_body(exc.code, exc.message, problems, **extra)
    return JSONResponse(_jsonable(body), status_code=status_of(exc), headers=headers)


def _problem(problem: Problem) -> dict[str, Any]:
    out: dict[str, Any] = {"code": problem.code, "message": problem.message, "path": problem.path}
    for name in ("file", "line", "column"):
        if getattr(problem, name) is not None:
            out[name] = getattr(problem, name)
    return out


BODY_TYPES = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")
"""Content types the API reads bodies in (JSON, and forms for uploads)."""


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    sent = request.headers.get("content-type", "").split(";")[0].strip().lower()
    about_body = any(tuple(e.get("loc", ()))[:1] == ("body",) for e in exc.errors())
    if about_body and sent and not (sent in BODY_TYPES or sent.endswith("+json")):
        message = f"the body must be JSON (Content-Type: application/json), not '{sent}'"
        return JSONResponse(error_body("unsupported_media_type", message), status_code=415)
    problems = [
        {"code": str(e.get("type", "invalid")), "message": _message(e), "path": _where(e)} for e in exc.errors()
    ]
    first = problems[0] if problems else {"path": "", "message": "invalid request"}
    where = f"{first['path']}: " if first["path"] else ""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return JSONResponse(error_body("invalid_input", f"{where}{first['message']}{more}", problems), status_code=422)


def _message(err: dict[str, Any]) -> str:
    text = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        return "unknown field"
    if err.get("type") == "missing" and tuple(err.get("loc", ())) == ("body",):
        return "the request needs a JSON body"
    if err.get("type") == "json_invalid":
        reason = str((err.get("ctx") or {}).get("error", "")).strip()
        where = err.get("loc", ())[-1:]
        at = f" at character {where[0]}" if where and isinstance(where[0], int) else ""
        return f"the body is not valid JSON{at}" + (f": {reason}" if reason else "")
    return text.removeprefix("Value error, ")


def _where(err: dict[str, Any]) -> str:
    if err.get("type") == "json_invalid":  # its place is a character of the body, not a field
        return ""
    return _path(err.get("loc", ()))


def _path(loc: Sequence[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "something went wrong on the server; it has been logged, and nothing was changed"
    return JSONResponse(error_body("internal_error", message), status_code=500)


def _jsonable(value: Any) -> Any:
    """JSON-ready, as the replies' models write it (``current`` reads as the object does)."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value, fallback=str)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(MilepostError, _milepost_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
