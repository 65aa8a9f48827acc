"""YAML read again with PyYAML, with the line and column of every key, value and item.

Only needed when a problem must be placed in the file (or when ``ryaml`` cannot say
where or why the text is not valid YAML), so this module, and PyYAML with it, is
imported only then: construction is overridden to record the position of every key,
value and list item, so a field path such as ``("tasks", 3, "after", 0)`` maps back to
a position.  Its scalars follow the same YAML 1.2 core rules as ``ryaml`` (no YAML 1.1
dates, ``yes``/``off`` booleans, sexagesimal numbers or merge keys), so both parsers
build the same data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from milepost.io.planfile.messages import RECURSIVE_ALIAS, YamlError, yaml_error

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Loc = Sequence[str | int]
Mark = tuple[int, int]  # 1-based line, column


@dataclass
class YamlDocument:
    """Parsed data plus positions, keyed by ``id()`` of each container."""

    data: Any
    keys: dict[int, dict[Any, Mark]] = field(default_factory=dict)
    values: dict[int, dict[Any, Mark]] = field(default_factory=dict)
    containers: dict[int, Mark] = field(default_factory=dict)
    duplicates: list[tuple[Mark, str]] = field(default_factory=list)

    def position(self, loc: Loc, *, key: bool = False) -> Mark | None:
        """Line and column of the value at ``loc`` (of its key with ``key=True``).

        Falls back to the nearest enclosing container that exists.
        """
        node: Any = self.data
        best = self.containers.get(id(node), (1, 1))
        for i, raw in enumerate(loc):
            part = _key(node, raw)
            last = i == len(loc) - 1
            table = (self.keys if key and last else self.values).get(id(node))
            if not _has(node, part):
                break
            if table and part in table:
                best = table[part]
            node = node[part]
            best = best if last else self.containers.get(id(node), best)
        return best


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _key(node: Any, part: str | int) -> str | int:
    """The key of ``node`` that ``part`` names (the schema reads ``5:`` as the text "5")."""
    if isinstance(node, dict) and part not in node:
        for k in node:
            if str(k).lower() == str(part).lower():
                return k  # type: ignore[no-any-return]
    return part


def _mark(node: yaml.Node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(_Base):  # type: ignore[misc]
    def __init__(self, stream: str, doc: YamlDocument) -> None:
        super().__init__(stream)
        self._doc = doc

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        keys: dict[Any, Mark] = {}
        values: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            k = self.construct_object(key_node, deep=deep)
            try:
                hash(k)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be plain text, not a list or a mapping", key_node.start_mark
                ) from None
            if k in out:
                self._doc.duplicates.append((_mark(key_node), str(k)))
            out[k] = self.construct_object(value_node, deep=deep)
            keys[k] = _mark(key_node)
            values[k] = _mark(value_node)
        self._doc.keys[id(out)] = keys
        self._doc.values[id(out)] = values
        self._doc.containers[id(out)] = _mark(node)
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        out = [self.construct_object(child, deep=deep) for child in node.value]
        self._doc.values[id(out)] = {i: _mark(child) for i, child in enumerate(node.value)}
        self._doc.containers[id(out)] = _mark(node)
        return out


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> list[Any]:
    return loader.construct_sequence(node, deep=True)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    return loader.construct_mapping(node, deep=True)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node), 0)


_SPECIAL_FLOATS = {"inf": float("inf"), "nan": float("nan")}


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node))
    special = _SPECIAL_FLOATS.get(text.lstrip("+-.").lower())
    if special is not None:
        return -special if text.startswith("-") else special
    return float(text)


# YAML 1.2 core schema, as ryaml reads it (checked against ryaml by the tests)
_CORE_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", [*"tTfF"]),
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", [*"~nN", ""]),
    ("tag:yaml.org,2002:int", r"[-+]?(?:0|[1-9][0-9]*|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+)", [*"-+0123456789"]),
    (
        "tag:yaml.org,2002:float",
        r"[-+]?(?:[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        [*"-+.0123456789"],
    ),
)


def _core_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's resolver table: by first character ('' for an empty scalar)."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, firsts in _CORE_RESOLVERS:
        rx = re.compile(rf"^(?:{pattern})$")
        for first in firsts:
            table.setdefault(first, []).append((tag, rx))
    return table


_Loader.yaml_implicit_resolvers = _core_resolvers()
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def locate_yaml(text: str) -> YamlDocument:
    """Parse with positions recorded (slow; for placing problems)."""
    doc = YamlDocument(None)
    loader = _Loader(text, doc)
    try:
        doc.data = loader.get_single_data()
    finally:
        loader.dispose()
    return doc


def pyyaml_error(text: str, exc: yaml.MarkedYAMLError) -> YamlError:
    """A PyYAML error in plain words, with its position."""

    def at(mark: Any) -> Mark | None:
        return (mark.line + 1, mark.column + 1) if mark is not None else None

    return yaml_error(text, exc.problem or str(exc), at(exc.problem_mark), exc.context, at(exc.context_mark))


def pyyaml_diagnosis(text: str) -> YamlError | None:
    """What PyYAML says is wrong, with its position (for errors ryaml gives none for)."""
    try:
        locate_yaml(text)
    except yaml.MarkedYAMLError as exc:
        return pyyaml_error(text, exc)
    except RecursionError:
        return YamlError("yaml_syntax", RECURSIVE_ALIAS, None, None)
    except Exception:  # only looking for an explanation; never fail here
        return None
    return None
