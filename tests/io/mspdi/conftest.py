"""MPXJ for the tests: the JVM starts once per test session.

Where ``mpxj``/``JPype1`` or Java are missing the MPXJ tests skip with the reason; in
CI (``CI=true``) that is a failure, so a broken CI image cannot hide them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from milepost.errors import MilepostError
from milepost.io.mpxj import start_jvm


def in_ci() -> bool:
    """Whether the tests run in CI (``CI`` set to true, 1 or yes)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def jclass() -> Callable[[str], Any]:
    """``jclass("org.mpxj.reader.UniversalProjectReader")``: a Java class, MPXJ on the class path."""
    try:
        start_jvm()
    except MilepostError as exc:
        if in_ci():
            pytest.fail(f"CI=true and MPXJ cannot run: {exc}")
        pytest.skip(f"MPXJ tests skipped: {exc}")
    import jpype  # type: ignore[import-untyped,unused-ignore]

    return jpype.JClass  # type: ignore[no-any-return]
