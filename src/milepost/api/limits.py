"""Refuse request bodies larger than the configured limit (413), before reading them."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """ASGI middleware: a body over ``max_bytes`` gets 413, whether or not it says its
    length up front (chunked bodies are counted as they arrive)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or {}).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            # Refuse here, as the body grows past the limit: the error raised to stop the app
            # reading may be turned into another reply (FastAPI answers 400 to a body it
            # could not read), which is then dropped.
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    if not started and not refused:
                        refused = True
                        await self._refuse(send)
                    raise _TooLargeError
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLargeError):
            await self.app(scope, counted, tracked)

    async def _refuse(self, send: Send) -> None:
        body: dict[str, Any] = {
            "code": "payload_too_large",
            "message": f"the request body is larger than {self.max_bytes:,} bytes",
            "problems": [],
        }
        data = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": data})


class _TooLargeError(Exception):
    pass
