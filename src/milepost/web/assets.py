"""Where the web pages' files are: our own static files (in the package) and the
front-end packages installed from npm (``node_modules``, never committed)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import milepost

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
VENDOR_FILES = {"htmx.min.js": ("htmx.org", "dist/htmx.min.js")}
"""What the pages load from npm packages: served name -> (package, file in it)."""


@cache
def node_modules() -> Path | None:
    """The ``node_modules`` folder: ``MILEPOST_NODE_MODULES``, or the one beside the sources."""
    given = os.environ.get("MILEPOST_NODE_MODULES")
    candidates = [Path(given)] if given else []
    here = Path(milepost.__file__).resolve().parent
    candidates += [here.parents[1] / "node_modules", Path.cwd() / "node_modules"]
    return next((c for c in candidates if (c / "htmx.org").is_dir()), None)


def vendor_file(name: str) -> Path | None:
    """An npm package's file the pages use, if installed."""
    if name not in VENDOR_FILES:
        return None
    folder = node_modules()
    if folder is None:
        return None
    package, inner = VENDOR_FILES[name]
    path = folder / package / inner
    return path if path.is_file() else None
