"""Read a plan file into a validated :class:`~milepost.domain.project.Project`.

Every problem is reported at once, each with file, line and column: YAML syntax,
repeated or unknown keys, wrong types, bad notations, unknown references (with
suggestions), and the domain's invariants, including a dependency cycle named task by
task.  One problem does not hide another: the structure is repaired where it is wrong
(:mod:`~milepost.io.planfile.shape`), a missing start date gets a stand-in so the
assembled project can still be checked, and problems that only follow from one
already reported are left out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from milepost.domain.project import Project
from milepost.domain.validation import validate_project
from milepost.errors import InvalidInputError, Problem
from milepost.io.planfile.convert import convert_plan
from milepost.io.planfile.found import Found
from milepost.io.planfile.shape import check_shape
from milepost.io.planfile.yamlsource import Locator, YamlSyntaxError, parse_yaml


def read_plan(path: str | Path) -> Project:
    """Read and validate the plan file at ``path``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInputError(Problem("file_not_found", "no such file", file=str(p))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(Problem("unreadable_file", f"cannot read the file: {exc}", file=str(p))) from None
    return parse_plan(text, str(p))


def parse_plan(text: str, filename: str = "<plan>") -> Project:
    """Parse and validate plan-file text (``filename`` is used in messages)."""
    with gc_paused():
        return _parse_plan(text, filename)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that all
    stay alive (it would otherwise scan them again and again for nothing)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_plan(text: str, filename: str) -> Project:
    try:
        parsed = parse_yaml(text.removeprefix("\ufeff"))  # a byte order mark, as Notepad writes
    except YamlSyntaxError as exc:
        raise InvalidInputError(Problem(exc.code, exc.message, "", filename, exc.line, exc.column)) from None
    problems = [Problem(e.code, e.message, "", filename, e.line, e.column) for e in parsed.problems]
    where, data = parsed.locator, parsed.data
    if not isinstance(data, dict):
        problems.append(
            Problem("not_a_plan", "a plan file is a mapping with 'project' and 'tasks'", "", filename, 1, 1)
        )
        raise InvalidInputError(problems)
    shape = check_shape(data)
    problems += [_placed(where, filename, found) for found in shape.problems]
    if shape.plan is None:
        raise InvalidInputError(_sorted(problems))
    conv = convert_plan(shape.plan, shape.skip)
    later = [found for found in conv.problems if not shape.follows_on(found.loc)]
    reported = [found.loc for found in (*shape.problems, *conv.problems)]
    for prob in validate_project(conv.project):
        loc = tuple(conv.places.loc_of(prob))
        if not shape.follows_on(loc) and not _about_broken_calendar(prob, conv.project, reported):
            later.append(Found(loc, prob))
    problems += [_placed(where, filename, found) for found in later]
    if not problems and not conv.complete:  # never return a stand-in: say what was left out
        problems = [_placed(where, filename, found) for found in conv.problems]
    if problems:
        raise InvalidInputError(_sorted(problems))
    return conv.project


def _about_broken_calendar(problem: Problem, project: Project, reported: list[tuple[str | int, ...]]) -> bool:
    """Whether a calendar is said to have no working time while a problem was already
    found in its definition or its bases' (bad hours, say): that explains it."""
    if problem.code != "calendar_without_working_time":
        return False
    calendars = project.calendar_map
    key: str | None = problem.path.removeprefix("calendars[").removesuffix("]")
    chain: set[str] = set()
    while key is not None and key in calendars and key not in chain:
        chain.add(key)
        key = calendars[key].base
    return any(len(loc) > 1 and loc[0] == "calendars" and loc[1] in chain for loc in reported)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _placed(where: Locator, filename: str, found: Found) -> Problem:
    line, col = where.position(found.loc, key=found.at_key)
    problem = found.problem
    return replace(problem, path=problem.path or _dotted(found.loc), file=filename, line=line, column=col)


def _dotted(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
