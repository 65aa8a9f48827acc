"""The WBS tree of a task table, and the keys of its tasks.

The tree comes from one column: a parent reference, a WBS/outline number (``1.2.3``)
or an outline level (1, 2, 3); failing those, from dotted keys (``build.api`` is under
``build``).  Keys come from the key column, else from the names (``Design the API`` ->
``design-the-api``), made unique among siblings; a task's full key is its parent's key,
a dot and its own (``build.api``), as in the plan file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from milepost.domain.wording import plural
from milepost.io.tasktable.cells import is_key, slug, text
from milepost.io.tasktable.columns import Column
from milepost.io.tasktable.drafts import Context, Draft, Lookup


def build_tree(ctx: Context, drafts: Sequence[Draft], lookup: Lookup) -> list[int]:
    """Set every draft's parent and key; returns the draft indices in outline order."""
    index = ctx.columns.index
    if Column.PARENT in index:
        _by_parent(ctx, drafts, lookup)
    elif Column.WBS in index:
        lookup.by_wbs = _by_wbs(ctx, drafts)
    elif Column.OUTLINE_LEVEL in index:
        _by_level(ctx, drafts)
    elif Column.KEY in index:
        _by_dotted_keys(drafts, lookup)
    order = list(_outline(drafts))
    _assign_keys(ctx, drafts, order)
    lookup.index_keys()
    return order


def _by_parent(ctx: Context, drafts: Sequence[Draft], lookup: Lookup) -> None:
    for i, d in enumerate(drafts):
        ref = text(ctx.columns.cell(Column.PARENT, d.cells))
        if not ref:
            continue
        found = lookup.find(ref)
        if isinstance(found, str):
            ctx.problem("unknown_parent", f"parent {found}", d.row, Column.PARENT)
        elif found == i:
            ctx.problem("invalid_parent", f"'{d.label}' cannot be its own parent", d.row, Column.PARENT)
        else:
            d.parent = found
    for i, d in enumerate(drafts):  # break parent cycles, reporting each once
        seen = [i]
        p = d.parent
        while p is not None and p not in seen:
            seen.append(p)
            p = drafts[p].parent
        if p == i:
            names = " -> ".join(drafts[j].label for j in [*seen, i])
            ctx.problem("parent_cycle", f"tasks are each other's parents: {names}", d.row, Column.PARENT)
            d.parent = None


def _by_wbs(ctx: Context, drafts: Sequence[Draft]) -> dict[str, int]:
    codes: dict[str, int] = {}
    wanted: list[tuple[int, str]] = []
    for i, d in enumerate(drafts):
        code = text(ctx.columns.cell(Column.WBS, d.cells)).rstrip(".")
        if not code:
            continue
        if any(not part.strip() for part in code.split(".")):
            ctx.problem("invalid_wbs", f"'{code}' is not an outline number such as 1.2.3", d.row, Column.WBS)
        elif code in codes:
            other = drafts[codes[code]].row
            ctx.problem("duplicate_wbs", f"outline number {code} is also on row {other}", d.row, Column.WBS)
        else:
            codes[code] = i
            if "." in code:
                wanted.append((i, code.rsplit(".", 1)[0]))
    for i, parent_code in wanted:
        if parent_code in codes:
            drafts[i].parent = codes[parent_code]
        else:
            ctx.problem(
                "unknown_parent", f"no row has outline number {parent_code}, the parent", drafts[i].row, Column.WBS
            )
    return codes


def _by_level(ctx: Context, drafts: Sequence[Draft]) -> None:
    stack: list[int] = []  # stack[k] = the latest draft at level k + 1
    for i, d in enumerate(drafts):
        raw = ctx.columns.cell(Column.OUTLINE_LEVEL, d.cells)
        level_text = text(raw)
        if not level_text:
            level = 1
        elif not level_text.isdecimal() or int(level_text) < 1:
            ctx.problem(
                "invalid_outline_level",
                f"'{level_text}' is not an outline level (1, 2, 3...)",
                d.row,
                Column.OUTLINE_LEVEL,
            )
            continue
        else:
            level = int(level_text)
        if level > len(stack) + 1:
            ctx.problem(
                "invalid_outline_level",
                f"outline level {level} follows level {len(stack)}: a level can only go one deeper at a time",
                d.row,
                Column.OUTLINE_LEVEL,
            )
            level = len(stack) + 1
        del stack[level - 1 :]
        d.parent = stack[-1] if stack else None
        stack.append(i)


def _by_dotted_keys(drafts: Sequence[Draft], lookup: Lookup) -> None:
    for d in drafts:
        if "." in d.ref:
            d.parent = lookup.by_ref.get(d.ref.rsplit(".", 1)[0])


def _outline(drafts: Sequence[Draft]) -> Iterator[int]:
    kids: dict[int | None, list[int]] = {}
    for i, d in enumerate(drafts):
        kids.setdefault(d.parent, []).append(i)
    stack = list(reversed(kids.get(None, [])))
    while stack:
        i = stack.pop()
        yield i
        stack.extend(reversed(kids.get(i, [])))


def _assign_keys(ctx: Context, drafts: Sequence[Draft], order: Sequence[int]) -> None:
    taken: dict[int | None, set[str]] = {}
    generated = 0
    changed: list[str] = []
    for i in order:
        d = drafts[i]
        parent_key = drafts[d.parent].key if d.parent is not None else None
        local = d.ref
        if parent_key is not None and local.startswith(parent_key + "."):
            local = local[len(parent_key) + 1 :]
        elif "." in local and d.parent is not None and ctx.columns.index.keys().isdisjoint(_TREE_COLUMNS):
            local = local.rsplit(".", 1)[1]
        if local and not is_key(local):
            fixed = slug(local, lower=False)
            changed.append(f"'{d.ref}' (row {d.row}) -> '{fixed}'")
            local = fixed
        if not local:
            local = slug(d.name) or "task"
            generated += 1
        siblings = taken.setdefault(d.parent, set())
        unique, n = local, 1
        while unique in siblings:
            n += 1
            unique = f"{local}-{n}"
        siblings.add(unique)
        d.key = f"{parent_key}.{unique}" if parent_key is not None else unique
    if generated:
        ctx.notes.append(f"keys were made from the names of {plural(generated, 'task')}")
    if changed:
        ctx.notes.append(f"keys changed to letters, digits, '_' and '-': {', '.join(changed)}")


_TREE_COLUMNS = {Column.PARENT, Column.WBS, Column.OUTLINE_LEVEL}
