"""Plain sentences for what the YAML parser and the schema check report.

Parser messages such as "did not find expected '-' indicator" and Pydantic's
"Input should be a valid dictionary or instance of TaskModel" are translated into
what a person writing a plan needs to know, and where to look.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Mark = tuple[int, int]


@dataclass(frozen=True)
class YamlError:
    """A YAML syntax problem in plain words, with its 1-based position."""

    code: str
    message: str
    line: int | None
    column: int | None


RECURSIVE_ALIAS = "an alias ('*name') refers to a mapping or list that contains it; copy the values instead"


def yaml_error(text: str, problem: str, at: Mark | None, context: str | None, context_at: Mark | None) -> YamlError:
    """Translate a parser error (``problem`` at ``at``, noticed ``context`` at ``context_at``)."""
    problem, context = problem.strip(), (context or "").strip()
    where = f"line {context_at[0]}, column {context_at[1]}" if context_at else "above"
    message: str | None = None
    if "quoted scalar" in context and context_at:
        quote = _char(text, context_at) or '"'
        if "end of stream" in problem or "end of the stream" in problem:
            at, message = context_at, f"this quote ({quote}) is never closed; add the closing {quote}"
        elif "escape" in problem:
            message = "not an escape sequence in double quotes; use single quotes for text with backslashes"
    elif "flow mapping" in context or "flow sequence" in context:
        opening = "{" if "mapping" in context else "["
        closing = "}" if opening == "{" else "]"
        message = (
            f"the '{opening}' at {where} is never closed: expected ',' or '{closing}' before this. "
            f"Close it, and put text that contains ',' or ': ' in quotes"
        )
    elif "expected '-' indicator" in problem:
        message = (
            f"bad indentation: this line lines up with neither the items of the list at {where} "
            "nor their keys; indent it with spaces like the line it belongs to"
        )
    elif "did not find expected key" in problem:
        message = (
            f"bad indentation: this line does not line up with the keys of the mapping at {where}; "
            "indent it with spaces like the key it belongs with"
        )
    elif "mapping values are not allowed" in problem:
        message = "unexpected ':' here: put a value that contains ': ' in quotes, or check this line's indentation"
    elif "block sequence entries are not allowed" in problem:
        message = "a '- ' list item is not allowed here: check the indentation, or quote a value that starts with '-'"
    elif "tab character" in problem or ("cannot start any token" in problem and _char(text, at) == "\t"):
        message = "tabs cannot indent YAML; use spaces"
    elif "cannot start any token" in problem:
        message = f"'{_char(text, at)}' cannot start a value; put the value in quotes"
    elif "anchor" in problem or "undefined alias" in problem:
        message = (
            "'*' refers to an anchor ('&name') that is not defined above; quote the text if '*' is meant literally"
        )
    elif "recursive" in problem or "recursion" in problem:
        message = RECURSIVE_ALIAS
    elif "mapping key must be" in problem:
        message = problem
    elif "invalid type: integer" in problem:
        message = "this number is too large to read; put it in quotes if it is an id"
    if message is None:
        message = f"not valid YAML: {problem}" + (f" ({context} at {where})" if context else "")
    return YamlError("yaml_syntax", message, *(at or (None, None)))


def _char(text: str, at: Mark | None) -> str:
    if at is None:
        return ""
    lines = text.split("\n")
    line = lines[at[0] - 1] if 0 < at[0] <= len(lines) else ""
    return line[at[1] - 1] if 0 < at[1] <= len(line) else ""


# ------------------------------------------------------------------------- schema
_MODELS = {
    "PlanModel": "a plan: a mapping with 'project' and 'tasks'",
    "ProjectModel": "the project's settings: a mapping with its name, start (or finish), timezone, calendar, ...",
    "TaskModel": "a task: a mapping with the task's key, name, duration, after, ...",
    "CalendarModel": "a calendar: a mapping with its base, week, holidays, exceptions, ...",
    "WorkWeekModel": "a work week: a mapping with from, to and week",
    "ExceptionModel": "an exception: a mapping with a date (or from and to), hours, name, repeat",
    "RecurrenceModel": "a repeat rule: a mapping with frequency, interval, weekdays, ...",
}
_PATTERNS = {"^[A-Z]{3}$": "a three-letter ISO 4217 code such as USD"}
_TYPES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "date_type": "a date such as 2027-03-05",
    "date_parsing": "a date such as 2027-03-05",
    "date_from_datetime_parsing": "a date such as 2027-03-05",
    "date_from_datetime_inexact": "a date such as 2027-03-05 (without a time)",
}
_BOUNDS = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than"}
_HOURS_KEY = re.compile(r"^\s*\d{1,2}:\d{2}\s*-")
HOURS = "working hours such as '09:00-13:00, 14:00-18:00', or off"


def expected(err: dict[str, Any]) -> str:
    """What a schema error says was expected, in plain words."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in ("model_type", "model_attributes_type"):
        return _MODELS.get(str(ctx.get("class_name")), "a mapping")
    if kind in _TYPES:
        return _TYPES[kind]
    if kind == "literal_error":
        choices = str(ctx.get("expected", ""))
        return f"one of {choices}" if " or " in choices else choices
    if kind in _BOUNDS:
        return f"{_BOUNDS[kind]} {next(iter(ctx.values()), '')}"
    if kind == "less_than_equal":
        return f"at most {ctx.get('le')}"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), f"text of the form {ctx.get('pattern')}")
    return str(err["msg"]).removeprefix("Input should be ")


def schema_message(loc: Sequence[str | int], errs: Sequence[dict[str, Any]]) -> str:
    """The sentence for one field's schema errors (several when the field allows several types)."""
    err = errs[0]
    got = err.get("input")
    label = _label(loc)
    if err["type"] == "value_error":
        return f"{label}: {_value_error(err)}"
    want = " or ".join(dict.fromkeys(expected(e) for e in errs))
    if "week" in loc or loc[-1] == "hours":
        want = HOURS
    elif loc[-1] == "key":
        want = "a key: letters, digits, _ and -"
    if got is None:
        if isinstance(loc[-1], int):
            return f"{label} is empty; expected {want}"
        message = f"'{label}' has no value; expected {want}"
        if isinstance(loc[-1], str) and _HOURS_KEY.match(loc[-1]):
            message += (
                ". Inside {...} a comma separates entries, so quote hours that contain one: "
                '{mon-fri: "09:00-13:00, 14:00-17:30"}'
            )
        return message
    shown = f" (got {got!r})" if not isinstance(got, dict | list) else ""
    return f"{label}: expected {want}{shown}"


def _value_error(err: dict[str, Any]) -> str:
    cause = (err.get("ctx") or {}).get("error")
    return str(cause) if cause is not None else str(err["msg"]).removeprefix("Value error, ")


def _label(loc: Sequence[str | int]) -> str:
    """``name`` for a field, ``item 2 of 'tasks'`` for a list item."""
    if loc and isinstance(loc[-1], int):
        names = [p for p in loc if isinstance(p, str)]
        return f"item {loc[-1] + 1} of '{names[-1]}'" if names else f"item {loc[-1] + 1}"
    names = [p for p in loc if isinstance(p, str)]
    return names[-1] if names else "value"


def unknown_key_message(key: str | int, allowed: Sequence[str]) -> str:
    """An unknown key, with the keys that are allowed there."""
    message = f"unknown key '{key}'; expected one of: {', '.join(allowed)}"
    if " " in str(key).strip():
        message += ". If this is the rest of a text with a comma inside {...}, put the text in quotes"
    return message
