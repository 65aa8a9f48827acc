"""The Milepost plan file: YAML, readable, diffable, with a published JSON Schema."""

from milepost.io.planfile.reader import parse_plan, read_plan
from milepost.io.planfile.schema import plan_json_schema
from milepost.io.planfile.writer import dump_plan, write_plan

__all__ = ["dump_plan", "parse_plan", "plan_json_schema", "read_plan", "write_plan"]
