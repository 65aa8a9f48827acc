"""Milepost: the workbench of a technical project manager.

>>> import milepost
>>> project = milepost.load("examples/web-launch.yaml")
>>> schedule = milepost.schedule(project)
>>> schedule.finish_date, schedule.driving_path
>>> levelled = milepost.level(project)  # resources levelled, every delay explained

The functions are imported on first use, so ``import milepost`` (and the command line)
start quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Project", "Schedule", "__version__", "level", "load", "schedule"]

if TYPE_CHECKING:
    from milepost.domain.project import Project
    from milepost.domain.schedule import Schedule
    from milepost.engine import schedule
    from milepost.engine.levelling.level import level
    from milepost.io.formats import load_project as load

_LAZY = {
    "Project": ("milepost.domain.project", "Project"),
    "Schedule": ("milepost.domain.schedule", "Schedule"),
    "schedule": ("milepost.engine", "schedule"),
    "level": ("milepost.engine.levelling.level", "level"),
    "load": ("milepost.io.formats", "load_project"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        module, attr = _LAZY[name]
        value = getattr(import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'milepost' has no attribute '{name}'")
