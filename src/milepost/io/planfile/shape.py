"""Check the structure of the plan data against :class:`PlanModel`, repairing as it goes.

Pydantic stops at the structure: a missing project name or an empty ``tasks:`` would
leave nothing to check further.  So each problem is reported, the data is repaired
where it was found (an optional key is removed, a required one gets a placeholder, a
bad list item a stand-in that conversion skips) and the check runs again, until the
data fits.  The places repaired are returned, so that follow-on problems there are
not reported a second time.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from milepost.errors import Problem
from milepost.io.planfile.found import Found, Path
from milepost.io.planfile.messages import schema_message, unknown_key_message
from milepost.io.planfile.model import PlanModel


@dataclass
class Shape:
    """The checked plan (``None`` if the data could not be repaired) and what was repaired.

    ``dropped``: bad values removed or replaced; problems at, inside or around them
    follow from the problem already reported.  ``filled``: missing required keys given a
    placeholder; problems at or inside them are follow-ons.  ``skip``: list items (tasks,
    links, exceptions, ...) replaced by stand-ins that conversion must ignore.
    """

    plan: PlanModel | None
    problems: list[Found] = field(default_factory=list)
    dropped: list[Path] = field(default_factory=list)
    filled: list[Path] = field(default_factory=list)
    skip: set[Path] = field(default_factory=set)

    def follows_on(self, loc: Sequence[str | int]) -> bool:
        """Whether a problem at ``loc`` follows from one already reported."""
        t = tuple(loc)
        return any(t[: len(p)] == p or p[: len(t)] == t for p in self.dropped) or any(
            t[: len(p)] == p for p in self.filled
        )


# Placeholders: for every required field, and for an item of each list (the test suite
# checks that each model field is covered).  Placeholder task keys are not valid keys,
# so they can never clash with a real one.
_REQUIRED: dict[str, Any] = {
    "project": {},
    "name": "",
    "frequency": "daily",
    "from": "2000-01-01",
    "to": "2000-01-01",
    "week": {},
    "units": "0%",
    "resource": "?",
    "start": "2000-01-01",
    "finish": "2000-01-01",
}
_ITEMS: dict[str, Any] = {
    "tasks": {"key": "?", "milestone": True},
    "after": "?",
    "exceptions": {"date": "2000-01-01"},
    "work_weeks": {"from": "2000-01-01", "to": "2000-01-01", "week": {}},
    "holidays": "GB",
    "weekdays": "mon",
    "resources": {"key": "?"},
    "assign": "?",
    "needs": "?",
    "rates": {},
    "availability": {"units": "0%"},
}
_SKIPPED_ITEMS = {
    "tasks",
    "after",
    "exceptions",
    "work_weeks",
    "holidays",
    "resources",
    "assign",
    "rates",
    "availability",
}
_counter = itertools.count(1)


def check_shape(data: dict[str, Any]) -> Shape:
    """Validate ``data`` (which is repaired in place) and report every structural problem."""
    shape = Shape(None)
    for _ in range(50):
        try:
            shape.plan = PlanModel.model_validate(data)
            return shape
        except ValidationError as exc:
            errors = exc.errors()
        for loc, errs in _by_field(data, errors):
            missing = errs[0]["type"] == "missing"
            # a key missing inside something already repaired is no news
            news = not any(loc[: len(p)] == p for p in (*shape.dropped, *shape.filled)) if missing else True
            if news and not (not missing and shape.follows_on(loc)):
                shape.problems.append(_problem(loc, errs))
            if not _repair(data, loc, missing, shape):
                return shape
    return shape


def entry_problems(data: Any, exc: ValidationError, root: type[BaseModel]) -> list[Problem]:
    """Every problem of one entry (``data`` checked against ``root``), each with its field path."""
    return [
        replace(found.problem, path=".".join(str(p) for p in found.loc))
        for found in (_problem(loc, errs, root) for loc, errs in _by_field(data, exc.errors()))
    ]


def _problem(loc: Path, errs: list[dict[str, Any]], root: type[BaseModel] = PlanModel) -> Found:
    kind = errs[0]["type"]
    if kind in ("extra_forbidden", "invalid_key"):  # an unknown key, or one that is not even text
        allowed = field_names(loc[:-1], root)
        return Found(loc, Problem("unknown_key", unknown_key_message(loc[-1], allowed)), True)
    if kind == "missing":
        return Found(loc[:-1], Problem("missing_key", f"'{loc[-1]}' is required here"))
    return Found(loc, Problem("invalid_value", schema_message(loc, errs)))


def _by_field(data: Any, errors: list[Any]) -> Iterator[tuple[Path, list[Any]]]:
    """Errors grouped by field path.  A field that takes several types (``after``: a text or
    a list of texts) gets one error per type; keep those of the type the value has."""
    grouped: dict[Path, list[Any]] = {}
    for err in errors:
        grouped.setdefault(_clean_loc(err["loc"]), []).append(err)
    for loc in list(grouped):
        value = _node(data, loc)
        if isinstance(value, list) and any(k[: len(loc)] == loc and len(k) > len(loc) for k in grouped):
            del grouped[loc]  # a list with bad items: its items are the problem, not its type
    return iter(grouped.items())


def _clean_loc(loc: Sequence[Any]) -> Path:
    """Drop Pydantic's type labels (``str``, ``list[str]``, ``function-after[...]``, ``[key]``)."""
    return tuple(
        part
        for part in loc
        if not (isinstance(part, str) and ("[" in part or part in _TYPE_LABELS or part.startswith("function-")))
    )


_TYPE_LABELS = {"str", "int", "bool", "float", "date", "datetime", "list", "dict", "none"}
_MISSING = object()


def _node(data: Any, loc: Sequence[str | int]) -> Any:
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node


def _repair(data: Any, loc: Path, missing: bool, shape: Shape) -> bool:
    """Make the value at ``loc`` valid; ``False`` when that is not possible."""
    parent = _node(data, loc[:-1]) if loc else _MISSING
    last = loc[-1] if loc else None
    if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        name = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), "")
        if name not in _ITEMS:
            return len(loc) > 1 and _repair(data, loc[:-1], False, shape)
        parent[last] = _placeholder(name, _ITEMS)
        shape.dropped.append(loc)
        if name in _SKIPPED_ITEMS:
            shape.skip.add(loc)
        return True
    if not isinstance(parent, dict) or last is None:
        return False
    info = field_info(loc)
    if missing or (info is not None and info.is_required()):
        if not isinstance(last, str) or (last not in _REQUIRED and last != "key"):
            return False
        parent[last] = _placeholder(last, _REQUIRED)
        (shape.filled if missing else shape.dropped).append(loc)
    elif info is None and loc[:-1] == ("calendars",):
        parent[last] = {}  # keep the calendar, so references to it still resolve
        shape.dropped.append(loc)
    elif last in parent:
        del parent[last]
        shape.dropped.append(loc)
    else:
        return False
    return True


def _placeholder(name: str, table: dict[str, Any]) -> Any:
    if name == "key":
        return f"?{next(_counter)}"
    value = copy.deepcopy(table[name])
    if isinstance(value, dict) and value.get("key") == "?":
        value["key"] = f"?{next(_counter)}"
    return value


# ------------------------------------------------------------------ the models
def model_at(loc: Sequence[str | int], root: type[BaseModel] = PlanModel) -> type[BaseModel] | None:
    """The model of the object at ``loc`` in a ``root`` (``None`` for a list, a mapping of
    entries or a value)."""
    model: type[BaseModel] = root
    pending = False  # inside a list or mapping of models: the next part is an index or a key
    for part in loc:
        if pending:
            pending = False
            continue
        info = _field(model, part)
        inner = _model_in(info.annotation) if info is not None else None
        if info is None or inner is None:
            return None
        pending = "list[" in str(info.annotation) or "dict[" in str(info.annotation)
        model = inner
    return None if pending else model


def field_info(loc: Sequence[str | int]) -> FieldInfo | None:
    """The model field at ``loc`` (``None`` when ``loc`` is a list item or a mapping entry)."""
    model = model_at(loc[:-1]) if loc else None
    return _field(model, loc[-1]) if model is not None else None


def field_names(loc: Sequence[str | int], root: type[BaseModel] = PlanModel) -> list[str]:
    """The keys allowed in the object at ``loc``."""
    model = model_at(loc, root)
    return [f.alias or n for n, f in model.model_fields.items()] if model is not None else []


def _field(model: type[BaseModel], part: str | int) -> FieldInfo | None:
    return next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None
