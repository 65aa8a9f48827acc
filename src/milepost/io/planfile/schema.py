"""The plan file's JSON Schema, generated from its Pydantic models.

Editors use it for completion and checking (``# yaml-language-server: $schema=...``);
``milepost schema`` prints it and ``docs/plan.schema.json`` is kept equal to it.
"""

from __future__ import annotations

from typing import Any

from milepost.io.planfile.model import PlanModel

SCHEMA_ID = "https://milepost.dev/schema/plan-1.json"


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the plan file format."""
    schema = PlanModel.model_json_schema(by_alias=True, mode="validation")
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID}
    return {**head, **schema, "title": "Milepost plan"}
