"""The server: the JSON API with the web pages mounted under it (``milepost serve``)."""

from __future__ import annotations

import gc
import sys

from fastapi import FastAPI

from milepost.api.app import create_app as create_api
from milepost.api.errors import status_of
from milepost.config import Settings, get_settings
from milepost.web.app import create_web


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole application: ``/api/v1``, ``/healthz``, ``/readyz`` and the pages."""
    settings = settings or get_settings()
    app = create_api(settings)
    app.mount("/", create_web(settings, app.state.sessions, status_of))
    return app


SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the interpreter before one waiting gets it (Python's
default: 0.005).  A request waits for the interpreter after each of its database
queries; while another request computes a schedule, each wait can last the whole
interval, so a six-query read took up to 60 ms longer."""


def serve_app() -> FastAPI:
    """The application of a ``milepost serve`` process: :func:`create_app`, then the
    objects made so far (modules, routes, templates) frozen out of the cyclic garbage
    collector, which otherwise walks them all again while a request builds a large
    schedule (measured: a 2,000-task schedule's JSON took 150 ms instead of 35 ms), and
    the interpreter handed between threads more often (:data:`SWITCH_INTERVAL`)."""
    app = create_app()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)
    return app
