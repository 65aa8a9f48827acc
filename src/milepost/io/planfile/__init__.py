"""The Milepost plan file: YAML, readable, diffable, with a published JSON Schema.

The functions are imported on first use, so reading a plan does not load the writer
(and PyYAML with it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["dump_plan", "parse_plan", "plan_json_schema", "read_plan", "write_plan"]

if TYPE_CHECKING:
    from milepost.io.planfile.reader import parse_plan, read_plan
    from milepost.io.planfile.schema import plan_json_schema
    from milepost.io.planfile.writer import dump_plan, write_plan

_LAZY = {
    "parse_plan": "milepost.io.planfile.reader",
    "read_plan": "milepost.io.planfile.reader",
    "plan_json_schema": "milepost.io.planfile.schema",
    "dump_plan": "milepost.io.planfile.writer",
    "write_plan": "milepost.io.planfile.writer",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'milepost.io.planfile' has no attribute '{name}'")
