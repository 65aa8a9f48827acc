"""Jinja2 templates with autoescaping on, and the filters the pages share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined

from milepost import __version__
from milepost.domain.wording import plural
from milepost.web.assets import TEMPLATES

templates = Jinja2Templates(directory=str(TEMPLATES))
env = templates.env
env.undefined = StrictUndefined  # a misspelt name in a template is an error, not an empty string
env.autoescape = True  # every value is escaped unless a template says otherwise


def static(path: str) -> str:
    """The URL of one of our static files (versioned, so a new release is not served stale)."""
    return f"/static/{path}?v={__version__}"


def day(value: datetime | date | str | None, fmt: str = "%a %d %b %Y") -> str:
    """A date for people: ``Mon 01 Mar 2027``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.strftime(fmt)


def moment(value: datetime | str | None) -> str:
    """A date and time for people: ``Mon 01 Mar 2027 09:00``."""
    return day(value, "%a %d %b %Y %H:%M")


env.globals.update(static=static, version=__version__)
env.filters.update(day=day, moment=moment, plural=plural)


def render(request: Any, name: str, context: dict[str, Any], status: int = 200) -> Any:
    """A template as the response to ``request``."""
    return templates.TemplateResponse(request, name, context, status_code=status)
