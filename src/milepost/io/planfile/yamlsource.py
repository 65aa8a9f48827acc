"""YAML parsing: fast for data, and exact about positions when something is wrong.

* :func:`parse_yaml` reads the data with ``ryaml`` (Rust, YAML 1.2 core schema:
  ``off`` and ``yes`` stay text, ``09:00`` is not a number, dates stay text until
  the schema reads them).  It is some 15 times faster than libyaml through PyYAML,
  which lets a 10,000-task plan load well inside a second.
* :func:`~milepost.io.planfile.positions.locate_yaml` re-reads the text with PyYAML
  only when a problem must be placed (that module, and PyYAML, are imported only then):
  it records the line and column of every key, value and list item, so a field path
  such as ``("tasks", 3, "after", 0)`` maps back to a position.
* ``ryaml`` refuses a mapping with a repeated key.  Then the data comes from the
  PyYAML reading instead (the last value of a repeated key wins) and every repeated
  key is reported, so the rest of the plan is still checked.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ryaml

from milepost.io.planfile.messages import YamlError, yaml_error

if TYPE_CHECKING:
    from milepost.io.planfile.positions import YamlDocument

Loc = Sequence[str | int]


class YamlSyntaxError(ValueError):
    """Text that is not valid YAML, with the 1-based position when known."""

    def __init__(self, code: str, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.column = code, message, line, column

    @classmethod
    def of(cls, err: YamlError) -> YamlSyntaxError:
        """From a translated parser error."""
        return cls(err.code, err.message, err.line, err.column)


@dataclass
class ParsedYaml:
    """The data of a YAML document, problems that did not stop reading it, and its positions."""

    data: Any
    problems: list[YamlSyntaxError]
    locator: Locator


_RYAML_MESSAGE = re.compile(
    r"^(?P<problem>.*?) at line (?P<line>\d+) column (?P<col>\d+)"
    r"(?:, (?P<context>.*?)(?: at line (?P<cline>\d+) column (?P<ccol>\d+))?)?\s*$",
    re.DOTALL,
)


def parse_yaml(text: str) -> ParsedYaml:
    """The data of one YAML document (raises :class:`YamlSyntaxError` when it cannot be read)."""
    try:
        return ParsedYaml(ryaml.loads(text), [], Locator(text))
    except ryaml.InvalidYamlError as exc:
        message = str(exc)
    except (ValueError, OverflowError, RecursionError) as exc:
        message = f"cannot read this YAML: {exc}"
    if "duplicate entry with key" in message:
        return _with_duplicates(text)
    found = _RYAML_MESSAGE.match(message)
    if found:
        context_mark = (int(found["cline"]), int(found["ccol"])) if found["cline"] else None
        err = yaml_error(
            text, found["problem"], (int(found["line"]), int(found["col"])), found["context"], context_mark
        )
        raise YamlSyntaxError.of(err)
    from milepost.io.planfile.positions import pyyaml_diagnosis

    raise YamlSyntaxError.of(
        pyyaml_diagnosis(text) or YamlError("yaml_syntax", f"not valid YAML: {message}", None, None)
    )


def _with_duplicates(text: str) -> ParsedYaml:
    """Read a document whose only fault may be repeated keys, reporting each one."""
    import yaml

    from milepost.io.planfile.positions import locate_yaml, pyyaml_error

    try:
        doc = locate_yaml(text)
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError.of(pyyaml_error(text, exc)) from None
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        raise YamlSyntaxError("yaml_syntax", f"not valid YAML: {exc}") from None
    problems = [
        YamlSyntaxError(
            "duplicate_key",
            f"key '{key}' appears more than once in this mapping; the last one would win, so remove or rename one",
            line,
            column,
        )
        for (line, column), key in doc.duplicates
    ]
    # the shape check may repair the data, so it gets a copy; positions keep the original
    return ParsedYaml(copy.deepcopy(doc.data), problems, Locator(text, doc))


class Locator:
    """Finds positions of field paths, parsing with positions only when first asked."""

    def __init__(self, text: str, doc: YamlDocument | None = None) -> None:
        self._text = text
        self._doc = doc
        self._failed = False

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value (or key) at ``loc``."""
        if self._doc is None and not self._failed:
            from milepost.io.planfile.positions import locate_yaml

            try:
                self._doc = locate_yaml(self._text)
            except Exception:  # without positions the problems are still reported
                self._failed = True
        found = self._doc.position(loc, key=key) if self._doc is not None else None
        return found or (None, None)
