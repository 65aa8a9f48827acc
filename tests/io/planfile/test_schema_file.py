"""The published JSON Schema (docs/plan.schema.json) stays equal to the code's, and the
bundled plans (examples/*.yaml, the starter plan of ``milepost init``) validate against it."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from milepost.io.planfile import plan_json_schema

ROOT = Path(__file__).parents[3]
SCHEMA_FILE = ROOT / "docs" / "plan.schema.json"
STARTER = Path(str(resources.files("milepost.cli").joinpath("starter.yaml")))
PLANS = [*sorted((ROOT / "examples").glob("*.yaml")), STARTER]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DROP = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}


class _EditorLoader(_Base):  # type: ignore[misc]
    """YAML as an editor's YAML 1.2 language server sees it: dates stay text and only
    true/false are booleans (so ``sat: off`` is the text ``off``)."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in found if tag not in _DROP]
    for first, found in _Base.yaml_implicit_resolvers.items()
}
_EditorLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def test_published_schema_is_up_to_date() -> None:
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    current = json.loads(json.dumps(plan_json_schema()))
    assert published == current, "docs/plan.schema.json is stale: run  milepost schema > docs/plan.schema.json"


@pytest.mark.parametrize("path", PLANS, ids=[p.name for p in PLANS])
def test_bundled_plan_validates_against_schema(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_EditorLoader)
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, f"{path} does not match the plan schema:\n" + "\n".join(errors)


def _schema() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _task_field(name: str) -> dict[str, Any]:
    return dict(_schema()["$defs"]["TaskModel"]["properties"][name])


def _patterns(node: Any) -> list[str]:
    """Every ``pattern`` in a schema fragment."""
    if isinstance(node, dict):
        own = [node["pattern"]] if "pattern" in node else []
        return own + [p for v in node.values() for p in _patterns(v)]
    return [p for v in node for p in _patterns(v)] if isinstance(node, list) else []


def _matches(field: dict[str, Any], text: str) -> bool:
    return any(re.search(p, text) for p in _patterns(field))


@pytest.mark.parametrize("text", ["3d", "3D", "2hrs", "2 hr", "1mon", "1MO", "30min", "5ed", "3d?", "1.5d", "2", ".5w"])
def test_duration_pattern_accepts_what_the_reader_accepts(text: str) -> None:
    from milepost.domain.duration import parse_duration

    parse_duration(text)
    assert _matches(_task_field("duration"), text)


@pytest.mark.parametrize("text", ["3x", "-2d", "2 days", "", "d"])
def test_duration_pattern_refuses_what_the_reader_refuses(text: str) -> None:
    assert not _matches(_task_field("duration"), text)


def test_a_bare_number_duration_is_allowed() -> None:
    branches = json.dumps(_task_field("duration"))
    assert '"type": "number"' in branches


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("ASAP", True),
        ("alap", True),
        ("snet 2027-03-01", True),
        ("Fnlt 2027-04-30 17:00", True),
        ("MSO 2027-03-01T09:00", True),
        ("SNET", False),
        ("ASAP 2027-01-01", False),
        ("XYZ 2027-01-01", False),
        ("SNET 2027-01-05T09:00Z", False),
    ],
)
def test_constraint_pattern_agrees_with_the_reader(text: str, ok: bool) -> None:
    from milepost.io.planfile.convert import parse_constraint

    try:
        parse_constraint(text)
        accepted = True
    except ValueError:
        accepted = False
    assert accepted == ok
    assert _matches(_task_field("constraint"), text) == ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [("2027-03-05", True), ("2027-03-05 14:00", True), ("2027-03-05T14:00:30", True), ("2027-03-05T14:00Z", False)],
)
def test_date_time_fields_are_local_dates_and_times(text: str, ok: bool) -> None:
    deadline = _task_field("deadline")
    assert '"format": "date-time"' not in json.dumps(_schema()), "JSON Schema's date-time requires a UTC offset"
    assert _matches(deadline, text) == ok


def test_keys_follow_the_key_pattern() -> None:
    schema = _schema()
    names = schema["properties"]["calendars"]["propertyNames"]["pattern"]
    assert re.search(names, "office-london")
    assert not re.search(names, "office.london")
    key = _task_field("key")
    assert _matches(key, "build_2")
    assert not _matches(key, "v1.2")
    assert not _matches(key, "design api")


def test_priority_does_not_promise_levelling() -> None:
    assert "levelling" not in _task_field("priority")["description"]
