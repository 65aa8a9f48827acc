"""Access to ../shared/data (MS Project files, PSPLIB) beside the repository.

Where the folder is absent (a user's clone) the tests that need it skip with a clear
message; in CI (``CI=true``) its absence is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared(*parts: str) -> Path:
    """Path inside ../shared/data, or skip (fail in CI) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is not available: these tests need ../shared/data beside the repository"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def shared_files(folder: str, pattern: str) -> list[Path]:
    """Files in a shared folder for parametrisation (empty where the folder is absent)."""
    base = SHARED / folder
    return sorted(base.glob(pattern)) if base.exists() else []
