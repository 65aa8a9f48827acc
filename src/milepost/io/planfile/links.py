"""Links of a plan file: the notation parsed, predecessors found by scope, suggestions
for the ones that name no task, and a sanity limit on lags and durations.

:class:`Notations` reads the durations and link notations of one plan with its work
units, each distinct text once: a plan repeats the same few durations (``3d``) and
names each task in several links.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping

from milepost.domain.duration import ZERO, Duration, TimeUnit, WorkUnits, parse_duration
from milepost.domain.notation import LinkNotation, parse_link
from milepost.domain.project import Dependency, Task
from milepost.io.planfile.found import Collector, Path
from milepost.io.planfile.scope import resolve_reference

MAX_YEARS = 100
"""A duration or lag longer than this many years of work is a typo (100000w)."""
_STAND_IN = re.compile(r"(^|\.)\?\d+(\.|$)")  # a stand-in key segment such as ?3 (an unreadable key)


class Limit:
    """Minutes in ``MAX_YEARS`` of work and of elapsed time (``low``: the smaller, for a
    quick first comparison)."""

    def __init__(self, units: WorkUnits) -> None:
        self.work, self.elapsed = MAX_YEARS * 52 * units.minutes_per(TimeUnit.WEEK), MAX_YEARS * 525_960.0
        self.low = min(self.work, self.elapsed)

    def exceeded(self, duration: Duration) -> bool:
        """Whether ``duration`` is absurdly long."""
        minutes = abs(duration.minutes)
        return minutes > self.low and minutes > (self.elapsed if duration.elapsed else self.work)


def too_long(duration: Duration) -> str:
    """Why ``duration`` is refused (for ``absurd_duration``)."""
    work = "" if duration.elapsed else " of work"
    return f"more than {MAX_YEARS} years{work}; check the number and the unit"


class Notations:
    """Durations and link notations of one plan, read with its work ``units`` and checked
    against the sanity :class:`Limit`; each distinct text is parsed once."""

    def __init__(self, units: WorkUnits) -> None:
        self.units = units
        self.limit = Limit(units)
        self._durations: dict[str, Duration] = {}
        self._links: dict[str, LinkNotation] = {}

    def duration(self, text: str) -> Duration:
        """The duration ``text`` (``ValueError`` when it is not one); check it with
        :meth:`absurd`."""
        found = self._durations.get(text)
        if found is None:
            found = self._durations[text] = parse_duration(text, self.units)
        return found

    def link(self, text: str) -> LinkNotation:
        """The link notation ``text`` (``ValueError`` when it is not one)."""
        found = self._links.get(text)
        if found is None:
            found = self._links[text] = parse_link(text, self.units)
        return found

    def absurd(self, duration: Duration) -> bool:
        """Whether ``duration`` (or a lag) is absurdly long."""
        limit = self.limit
        return abs(duration.minutes) > limit.low and limit.exceeded(duration)


def resolve_links(
    tasks: list[Task],
    links: list[tuple[Path, str, str]],
    notes: Notations,
    col: Collector,
    where: list[Path] | None = None,
) -> list[Dependency]:
    """Parse each link ``(where, text, successor)`` and find its predecessor by scope.

    ``where`` receives where each resolved link was written (in the order of the links
    returned).
    """
    keys = {t.key: t for t in tasks}
    deps: list[Dependency] = []
    suggest = _Suggestions(keys)
    for loc, text, succ in links:
        try:  # inline rather than col.attempt: this runs for every link
            note = notes.link(text)
        except ValueError as exc:
            col.add(loc, "invalid_link", str(exc))
            continue
        lag = note.lag
        if lag is not ZERO and isinstance(lag, Duration) and notes.absurd(lag):
            col.add(loc, "absurd_duration", f"in link '{text}': the lag is {too_long(lag)}")
            continue
        scope = keys[succ].parent
        pred = resolve_reference(note.ref, scope, keys)
        if pred is None:
            if not suggest.unreadable(note.ref, scope):
                hint = suggest(note.ref.lstrip("/"))
                col.add(loc, "unknown_task", f"'{succ}' follows '{note.ref}', but no task has that key{hint}")
            continue
        if where is not None:
            where.append(loc)
        deps.append(Dependency(pred, succ, note.type, lag))
    return deps


class _Suggestions:
    """Close matches for a misspelt reference: on full keys, and on their last segment
    (``api`` suggests ``build.api``).  Tasks whose key could not be read (a stand-in
    such as ``?3``) are never suggested."""

    def __init__(self, keys: Mapping[str, object]) -> None:
        self._keys = keys

    @functools.cached_property
    def keys(self) -> list[str]:
        """The task keys that can be suggested."""
        return [k for k in self._keys if not _STAND_IN.search(k)]

    @functools.cached_property
    def _unreadable(self) -> list[re.Pattern[str]]:
        def pattern(key: str) -> re.Pattern[str]:
            return re.compile(r"\.".join("[^.]+" if p.startswith("?") else re.escape(p) for p in key.split(".")))

        return [pattern(k) for k in self._keys if _STAND_IN.search(k)]

    def unreadable(self, ref: str, scope: str | None) -> bool:
        """Whether ``ref`` may name a task whose key could not be read (so no news)."""
        if not self._unreadable:
            return False
        candidates = [ref[1:]] if ref.startswith("/") else [ref]
        while scope is not None and not ref.startswith("/"):
            candidates.append(f"{scope}.{ref}")
            scope = scope.rsplit(".", 1)[0] if "." in scope else None
        return any(rx.fullmatch(c) for rx in self._unreadable for c in candidates)

    @functools.cached_property
    def by_last(self) -> dict[str, list[str]]:
        """Full keys by their last segment (built when first needed: only for problems)."""
        out: dict[str, list[str]] = {}
        for key in self.keys:
            out.setdefault(key.rsplit(".", 1)[-1], []).append(key)
        return out

    def __call__(self, ref: str) -> str:
        last = ref.rsplit(".", 1)[-1]
        found = list(self.by_last.get(last, []))
        found += difflib.get_close_matches(ref, self.keys, n=3)
        for near in difflib.get_close_matches(last, list(self.by_last), n=3):
            found += self.by_last[near]
        hint = list(dict.fromkeys(found))[:3]
        return f"; did you mean {', '.join(hint)}?" if hint else ""
