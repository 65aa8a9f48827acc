"""The predecessors column: ``design.api FS +2d, review SS; 3FS+2 days``.

Items are separated by commas, semicolons or line breaks.  Each is the link notation
``REF [FS|SS|FF|SF] [+/-LAG]`` of the plan file, where REF is a key, a task number or a
task name, or MS Project's compact form ``3FS+2d`` / ``3SS-1 day`` (task number, type
and lag run together).  Lags take the same units as durations (``+2d``, ``+3 days``,
``-4h``, ``+2ed``) or a percentage of the predecessor's duration (``+50%``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from milepost.domain.duration import ZERO, Lag, WorkUnits
from milepost.domain.project import Dependency, LinkType
from milepost.io.tasktable.cells import amount, text
from milepost.io.tasktable.columns import Column
from milepost.io.tasktable.drafts import Context, Draft, Lookup

_SEPARATORS = re.compile(r"[,;\n]")
_COMPACT = re.compile(r"^(\d+)\s*(FS|SS|FF|SF)?\s*([+-].*)?$", re.IGNORECASE)
_TYPED_LAG = re.compile(r"^(FS|SS|FF|SF)([+-].*)$", re.IGNORECASE)
_TYPES = {t.value: t for t in LinkType}


def split_link(item: str) -> tuple[str, LinkType, str]:
    """``"design.api FS +2d"`` -> ``("design.api", FS, "+2d")``; the lag text may be empty.

    The reference may contain spaces (a task name); a type or lag is recognised only
    after a space (or glued to a task number: ``3FS+2d``).
    """
    if m := _COMPACT.match(item):
        return m[1], _TYPES[(m[2] or "FS").upper()], (m[3] or "").strip()
    tokens = item.split()
    lag = ""
    for k in range(1, len(tokens)):
        if tokens[k][:1] in "+-":
            lag = " ".join(tokens[k:])
            del tokens[k:]
            break
    if len(tokens) > 1 and (m := _TYPED_LAG.match(tokens[-1])) and not lag:
        tokens[-1:] = [m[1]]
        lag = m[2]
    ltype = LinkType.FS
    if len(tokens) > 1 and tokens[-1].upper() in _TYPES:
        ltype = _TYPES[tokens.pop().upper()]
    return " ".join(tokens), ltype, lag


def read_links(ctx: Context, drafts: Sequence[Draft], lookup: Lookup, units: WorkUnits) -> dict[Dependency, int]:
    """Every link of the predecessors column, with the row it was written on."""
    links: dict[Dependency, int] = {}
    if Column.PREDECESSORS not in ctx.columns.index:
        return links
    for d in drafts:
        raw = text(ctx.columns.cell(Column.PREDECESSORS, d.cells))
        for item in filter(None, (part.strip() for part in _SEPARATORS.split(raw))):
            dep = _link(ctx, d, item, lookup, units)
            if dep is not None:
                links.setdefault(dep, d.row)
    return links


def _link(ctx: Context, d: Draft, item: str, lookup: Lookup, units: WorkUnits) -> Dependency | None:
    whole = lookup.find(item)
    if isinstance(whole, int):  # a key or a name, spaces and all
        return Dependency(lookup.drafts[whole].key, d.key)
    ref, ltype, lag_text = split_link(item)
    found = lookup.find(ref)
    if isinstance(found, str):
        ctx.problem("unknown_task", f"predecessor {found}", d.row, Column.PREDECESSORS)
        return None
    lag: Lag = ZERO
    if lag_text:
        try:
            lag = amount(lag_text, units=units, signed=True)
        except ValueError as exc:
            ctx.problem(getattr(exc, "code", "invalid_link"), f"in '{item}': {exc}", d.row, Column.PREDECESSORS)
            return None
    return Dependency(lookup.drafts[found].key, d.key, ltype, lag)
