"""Fixtures of the web tests (see :mod:`tests.web.browsing`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.browsing import BROWSING, chromium, live_server, pg_server, pg_web, web

__all__ = ["live_server", "pg_server", "pg_web", "web"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests one after the other, last, so that they share one browser."""
    items.sort(key=lambda item: bool(BROWSING.intersection(getattr(item, "fixturenames", ()))))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Close the shared browser after the last test in a row that uses it, once its pages are
    closed: Playwright's synchronous API keeps an event loop running in the main thread, which
    other tests (``asyncio.run``) must not inherit."""
    try:
        yield
    finally:
        if nextitem is None or not BROWSING.intersection(getattr(nextitem, "fixturenames", ())):
            chromium.close()
