"""The reader never crashes and never stops early: its two YAML parsers agree, every
structural repair has a placeholder, and damaged plans give problems, not tracebacks."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
import ryaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from milepost.errors import InvalidInputError
from milepost.io.planfile import parse_plan
from milepost.io.planfile.model import PlanModel
from milepost.io.planfile.positions import locate_yaml
from milepost.io.planfile.shape import _ITEMS, _REQUIRED

SCALARS = [
    "off",
    "on",
    "yes",
    "no",
    "y",
    "n",
    "true",
    "True",
    "TRUE",
    "tRue",
    "false",
    "False",
    "FALSE",
    "fAlse",
    "~",
    "null",
    "Null",
    "NULL",
    "nUll",
    "09:00",
    "9:00",
    "1:30:00",
    "2027-01-04",
    "2027-13-01",
    "3d",
    "1,000",
    "inf",
    "nan",
    ".e1",
    "1e",
    "12e",
    "1__0",
    "1_000",
    "0x",
    "0o",
    "0b",
    "0",
    "-0",
    "+0",
    "00",
    "007",
    "-007",
    "017",
    "10",
    "+12",
    "-1",
    "0o17",
    "0O17",
    "0x1F",
    "0X1F",
    "+0x1F",
    "0x1f",
    "-0o7",
    "0b11",
    "0B1",
    "0o8",
    "0xG",
    "1e3",
    "1E3",
    "1.5e3",
    "1.0e+3",
    "1e-3",
    ".1e3",
    "1.e3",
    "00e1",
    "0e0",
    ".5",
    "5.",
    "+.5",
    "-.5",
    "1.",
    "0.0",
    "-0.0",
    "00.5",
    "007.5",
    ".inf",
    "-.inf",
    "+.inf",
    ".Inf",
    ".INF",
    ".nan",
    ".NaN",
    ".NAN",
    "-.nan",
    "",
    "2027-01-04 09:00",
]


@pytest.mark.parametrize("scalar", SCALARS)
def test_the_position_loader_reads_scalars_as_ryaml_does(scalar: str) -> None:
    text = f"k: {scalar}\n"
    fast, slow = ryaml.loads(text)["k"], locate_yaml(text).data["k"]
    assert type(fast) is type(slow)
    assert fast == slow or (fast != fast and slow != slow)  # nan


def test_the_position_loader_keeps_merge_keys_as_ryaml_does() -> None:
    text = "a: &x {b: 1}\nd:\n  <<: *x\n  e: 2\n"
    assert locate_yaml(text).data == ryaml.loads(text)


def _models(model: type[BaseModel]) -> typing.Iterator[type[BaseModel]]:
    yield model
    for info in model.model_fields.values():
        for arg in _args(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not model:
                yield from _models(arg)


def _args(annotation: object) -> typing.Iterator[object]:
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _args(arg)


def test_every_required_field_and_every_list_has_a_placeholder() -> None:
    for model in dict.fromkeys(_models(PlanModel)):
        for name, info in model.model_fields.items():
            alias = info.alias or name
            if info.is_required():
                assert alias in _REQUIRED or alias == "key", f"{model.__name__}.{alias} needs a placeholder"
            if any(typing.get_origin(a) is list for a in _args(info.annotation)):
                assert alias in _ITEMS, f"items of {model.__name__}.{alias} need a placeholder"


GOOD = Path(__file__).parents[3] / "examples"
PLANS = [p.read_text(encoding="utf-8") for p in sorted(GOOD.glob("*.yaml"))]


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A bundled plan with a few lines cut, repeated, re-indented or garbled."""
    lines = draw(st.sampled_from(PLANS)).splitlines()
    keys = sorted({m.group(1) for line in lines if (m := re.search(r"key: ([\w-]+)", line))})
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["cut", "repeat", "indent", "dedent", "garble", "empty-value", "link"]))
        if action == "link":  # a link to any task, which often closes a loop
            linked = [j for j, line in enumerate(lines) if "after: [" in line]
            if linked:
                j = draw(st.sampled_from(linked))
                lines[j] = lines[j].replace("after: [", f"after: [{draw(st.sampled_from(keys))}, ", 1)
        elif action == "cut":
            del lines[i]
        elif action == "repeat":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif action == "dedent":
            lines[i] = lines[i][2:]
        elif action == "empty-value" and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ":"
        else:
            j = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            junk = draw(st.sampled_from(["", "x", "-", ":", "{", "]", '"', "\t", "2027-13-01", "99", ", ", "&a", "*b"]))
            lines[i] = lines[i][:j] + junk + lines[i][j + 1 :]
        if not lines:
            break
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_a_damaged_plan_gives_problems_with_positions_never_a_traceback(text: str) -> None:
    try:
        parse_plan(text, "plan.yaml")
    except InvalidInputError as exc:
        for problem in exc.problems:
            assert len(problem.message) > 10
            assert problem.file == "plan.yaml"
