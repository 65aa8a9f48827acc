"""Settings: environment variables (``MILEPOST_*``) and an optional TOML file.

Every setting, its default and its meaning are listed in ``docs/configuration.md`` (a
test keeps that table and this class equal); the environment wins over the file named
by ``MILEPOST_CONFIG``.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from milepost.errors import InvalidInputError, Problem

PREFIX = "MILEPOST_"


def default_database_url() -> str:
    """SQLite in the user's data directory (created on first use)."""
    folder = Path(user_data_dir("milepost", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'milepost.db'}"


class Settings(BaseSettings):
    """Milepost's configuration."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="forbid")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL of the workspace database: sqlite:///PATH (the default, in the user's data "
        "directory) or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE.",
    )
    secure_cookies: bool = Field(
        True, description="Send the session cookie over HTTPS only (false only for plain-HTTP tests on another host)."
    )
    session_hours: float = Field(12.0, gt=0, le=24 * 90, description="How long a browser sign-in lasts.")
    login_attempts: int = Field(
        10, ge=1, le=1000, description="Failed sign-ins allowed per e-mail and per client address in 15 minutes."
    )
    max_body_bytes: int = Field(
        20_000_000, ge=10_000, description="Largest request body accepted (uploads included); larger ones get 413."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read once: the file named by ``MILEPOST_CONFIG`` under the environment."""
    path = os.environ.get(f"{PREFIX}CONFIG")
    values = _read_file(path) if path else {}
    env = {k.removeprefix(PREFIX).lower() for k in os.environ if k.startswith(PREFIX)}
    try:
        return Settings.model_validate({k: v for k, v in values.items() if k not in env})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            where = f"{PREFIX}{name.upper()}" if name in env else f"'{name}' in {path}"
            problems.append(Problem("invalid_setting", f"{where}: {err['msg']}", name))
        raise InvalidInputError(problems) from None


def _read_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            values = tomllib.load(f)
    except OSError as exc:
        raise InvalidInputError(Problem("invalid_config", f"cannot read {path}: {exc.strerror}", file=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(Problem("invalid_config", f"{path} is not valid TOML: {exc}", file=path)) from None
    known = sorted(Settings.model_fields)
    unknown = [k for k in values if k not in known]
    if unknown:
        problems = [
            Problem("unknown_setting", f"unknown setting '{k}'; expected one of: {', '.join(known)}", k, file=path)
            for k in unknown
        ]
        raise InvalidInputError(problems)
    return values
