"""Reading MSPDI XML safely and turning elements into plain records.

The parser refuses external entities and network access (an MSPDI file is data, not
a program) and reports malformed XML with its line and column.  Files that are not XML
at all (empty, binary, a ``.mpp`` or a workbook renamed to ``.xml``) are named as such.

A :class:`Record` reads typed values (numbers, dates, ISO durations, times of day);
a value it cannot read becomes a problem with the element's line in the
:class:`Source`, and reading goes on with the default, so one run reports every bad
value of the file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from milepost.errors import InvalidInputError, Problem
from milepost.io.mspdi.codes import parse_datetime, parse_iso_duration

NS = "http://schemas.microsoft.com/project"
_PREFIX = "{" + NS + "}"

FIRST_DATE = datetime(1984, 1, 1)
LAST_DATE = datetime(2149, 12, 31, 23, 59)
"""MS Project's range of dates (Project 2007 and later)."""
MAX_INT = 2**31 - 1
"""MSPDI's integers are 32-bit."""
MAX_NUMBER = 1e15
"""Larger decimals (rates, units, lags) are garbage."""

_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")


@dataclass
class Source:
    """The file being read and every problem found in it so far."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, code: str, message: str, line: int | None = None) -> None:
        """Record a problem at ``line`` of the file."""
        self.problems.append(Problem(code, message, file=self.file, line=line))

    def check(self) -> None:
        """Raise :class:`InvalidInputError` with every problem found, if any."""
        if self.problems:
            raise InvalidInputError(self.problems)


def shown(value: str, limit: int = 40) -> str:
    """A value for a message: quoted, control characters escaped, long ones cut."""
    text = value if len(value) <= limit else value[:limit] + "..."
    return repr(text) if not text.isprintable() else f"'{text}'"


@dataclass
class Record:
    """One element's simple children by tag (``fields``) and repeated children (``lists``)."""

    fields: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[etree._Element]] = field(default_factory=dict)
    line: int | None = None
    name: str = ""
    """The element's tag (``Task``, ``Calendar``...)."""
    lines: dict[str, int] = field(default_factory=dict)
    source: Source | None = None

    def text(self, tag: str, default: str = "") -> str:
        """Text of child ``tag`` (``default`` when absent or empty)."""
        return self.fields.get(tag) or default

    def flag(self, tag: str) -> bool:
        """``1``/``true`` -> True."""
        return self.fields.get(tag, "0").strip().lower() in ("1", "true")

    def integer(self, tag: str, default: int = 0, *, low: int = -MAX_INT - 1, high: int = MAX_INT) -> int:
        """Integer value of child ``tag`` within ``low..high`` (``default`` when absent or invalid)."""
        value = self.fields.get(tag)
        if not value:
            return default
        if not _INTEGER.match(value):
            self.bad(tag, "invalid_number", "a whole number", value)
            return default
        number = int(float(value)) if "." in value else int(value)
        if not low <= number <= high:
            self.bad(tag, "value_out_of_range", f"a whole number from {low} to {high}", value)
            return default
        return number

    def number(self, tag: str, default: float = 0.0, *, low: float = -MAX_NUMBER) -> float:
        """Decimal value of child ``tag``, at least ``low`` (``default`` when absent or invalid)."""
        value = self.fields.get(tag)
        if not value:
            return default
        try:
            number = float(value)
        except ValueError:
            self.bad(tag, "invalid_number", "a number", value)
            return default
        if not math.isfinite(number) or not low <= number <= MAX_NUMBER:
            self.bad(tag, "value_out_of_range", f"a number from {low:g} to {MAX_NUMBER:g}", value)
            return default
        return number

    def moment(self, tag: str) -> datetime | None:
        """Date-time of child ``tag`` (``None`` when absent or invalid)."""
        value = self.fields.get(tag)
        if not value:
            return None
        try:
            moment = parse_datetime(value)
        except (ValueError, OverflowError):
            self.bad(tag, "invalid_date", "a date-time such as 2027-03-01T08:00:00", value)
            return None
        if not FIRST_DATE <= moment <= LAST_DATE:
            self.bad(tag, "date_out_of_range", "a date within MS Project's range, 1984-01-01 to 2149-12-31", value)
            return None
        return moment

    def duration(self, tag: str, default: int = 0) -> int:
        """Minutes of the ISO 8601 duration in child ``tag`` (``default`` when absent or invalid)."""
        value = self.fields.get(tag)
        if not value:
            return default
        try:
            return parse_iso_duration(value)
        except (ValueError, OverflowError):
            self.bad(tag, "invalid_duration", "an ISO 8601 duration such as PT8H0M0S", value)
            return default

    def clock(self, tag: str, default: int = 0) -> int:
        """Minutes after midnight of the time of day in child ``tag`` (``08:00:00`` -> 480)."""
        value = self.fields.get(tag)
        if not value:
            return default
        m = _CLOCK.match(value)
        if m is None or int(m[1]) > 24 or int(m[2]) > 59 or (int(m[1]) == 24 and int(m[2])):
            self.bad(tag, "invalid_time", "a time of day such as 08:00:00", value)
            return default
        return int(m[1]) * 60 + int(m[2])

    def bad(self, tag: str, code: str, expected: str, value: str) -> None:
        """Report that child ``tag`` does not hold ``expected``."""
        self.problem(code, f"<{tag}> must be {expected}, got {shown(value)}", tag)

    def problem(self, code: str, message: str, tag: str | None = None) -> None:
        """Report a problem with this element (at child ``tag``'s line when given)."""
        text = f"{self.label()}: {message}"
        line = self.lines.get(tag, self.line) if tag else self.line
        if self.source is None:
            raise InvalidInputError(Problem(code, text, line=line))
        self.source.problem(code, text, line)

    def label(self) -> str:
        """How messages name the element: ``task 'Design' (UID 3)``."""
        what = re.sub(r"(?<!^)(?=[A-Z])", " ", self.name).lower() or "element"
        name = self.fields.get("Name", "")
        uid = self.fields.get("UID", "")
        parts = [what]
        if name:
            parts.append(shown(name))
        if uid:
            parts.append(f"(UID {uid[:12]})")
        return " ".join(parts)


REPEATED = {
    "PredecessorLink",
    "ExtendedAttribute",
    "Baseline",
    "TimephasedData",
    "WeekDay",
    "Exception",
    "WorkWeek",
    "WorkingTime",
    "AvailabilityPeriod",
    "Rate",
}


def local(tag: object) -> str:
    """Tag name without the MSPDI namespace."""
    text = str(tag)
    return text[len(_PREFIX) :] if text.startswith(_PREFIX) else text


def record(element: etree._Element, source: Source | None = None) -> Record:
    """The children of ``element`` as a :class:`Record` (problems go to ``source``)."""
    rec = Record(line=_line(element), name=local(element.tag), source=source)
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        name = local(child.tag)
        if name in REPEATED or len(child):
            rec.lists.setdefault(name, []).append(child)
        else:
            rec.fields[name] = (child.text or "").strip()
            line = _line(child)
            if line is not None:
                rec.lines[name] = line
    return rec


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def children(element: etree._Element | None, tag: str) -> list[etree._Element]:
    """Direct children named ``tag`` (namespace-free)."""
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and local(c.tag) == tag]


def child(element: etree._Element | None, tag: str) -> etree._Element | None:
    """The first direct child named ``tag``."""
    found = children(element, tag)
    return found[0] if found else None


_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0", "a binary Microsoft Office file (an .mpp?); save it as XML in MS Project, or read it "
     "with the mpxj extra under its own extension"),
    (b"PK\x03\x04", "a ZIP archive (an Excel workbook?), not XML"),
    (b"%PDF", "a PDF document, not XML"),
)  # fmt: skip


def _not_xml(head: bytes, file: str) -> Problem | None:
    """Why content starting with ``head`` cannot be XML at all (empty, binary...), or ``None``."""
    if not head.strip():
        return Problem("empty_file", "the file is empty: expected Microsoft Project XML (MSPDI)", file=file)
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return Problem("not_xml", f"the file is {what}", file=file, line=1)
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and (b"\x00" in head or not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")):
        return Problem(
            "not_xml",
            "the file is not XML (it does not start with '<'): expected Microsoft Project XML (MSPDI)",
            file=file,
            line=1,
        )
    return None


_POSITION = re.compile(r",\s*line \d+,\s*column \d+\s*$")


def parse_xml(path: Path) -> etree._Element:
    """The root of an MSPDI file; raises :class:`InvalidInputError` for anything else."""
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(
            Problem("unreadable_file", f"cannot read the file: {exc.strerror or exc}", file=file)
        ) from None
    refused = _not_xml(data[:4096], file)
    if refused is not None:
        raise InvalidInputError(refused)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        message = _POSITION.sub("", exc.msg or "") or "the parser gave up"
        raise InvalidInputError(
            Problem("malformed_xml", f"not well-formed XML: {message}", file=file, line=line, column=col)
        ) from None
    if root is None:
        raise InvalidInputError(Problem("malformed_xml", "not well-formed XML: no root element", file=file))
    if local(root.tag) != "Project" or (root.tag.startswith("{") and not root.tag.startswith(_PREFIX)):
        space, _, name = root.tag.rpartition("}")
        space = f' xmlns="{space.lstrip("{")}"' if space else ""
        hint = " (Primavera P6 XML: read it with the mpxj extra)" if "primavera" in space.lower() else ""
        raise InvalidInputError(
            Problem(
                "not_mspdi",
                f"this XML is not a Microsoft Project XML (MSPDI) file: its root is <{name}{space}>{hint}, "
                f'expected <Project xmlns="{NS}">',
                file=file,
                line=_line(root),
            )
        )
    return root
