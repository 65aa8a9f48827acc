"""Reading a table of cells from a CSV file or an Excel workbook.

CSV: UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode text"), or
Windows-1252 as a fallback; the separator (comma, semicolon, tab or bar) is taken from
the header line.  Excel: ``.xlsx``/``.xlsm`` through openpyxl, values as Excel stored
them (dates as dates, numbers as numbers, formulas as their last computed value).
Rows keep their spreadsheet row numbers (1-based) so problems point at the right cell.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from milepost.errors import InvalidInputError, Problem
from milepost.io.tasktable.cells import Cell

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


@dataclass(frozen=True)
class Sheet:
    """The non-empty rows of a table: ``(row number, cells)``, plus notes on how it was read."""

    file: str
    rows: list[tuple[int, tuple[Cell, ...]]]
    notes: list[str] = field(default_factory=list)


def read_sheet(path: str | Path, *, sheet: str | None = None, data: bytes | None = None) -> Sheet:
    """Read the table in a CSV file or a worksheet of an Excel workbook.

    Parameters
    ----------
    path:
        The file; its suffix tells the format.
    sheet:
        Worksheet name (Excel only); the first worksheet when ``None``.
    data:
        The file's content, when it is already in memory (an upload); ``path`` then only
        names it.

    Raises
    ------
    InvalidInputError
        Unknown format, unreadable file or missing worksheet.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in CSV_SUFFIXES + EXCEL_SUFFIXES:
        hint = "save it as .xlsx or .csv" if suffix == ".xls" else "expected .csv, .tsv, .txt, .xlsx or .xlsm"
        raise _error(str(p), "unknown_format", f"cannot read '{p.name}' as a task table: {hint}")
    try:
        raw = data if data is not None else p.read_bytes()
    except OSError as exc:
        raise _error(str(p), "unreadable_file", f"cannot read '{p}': {exc.strerror or exc}") from None
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(str(p), raw, sheet)
    result = _read_csv(str(p), raw)
    if sheet is not None:
        result.notes.append(f"a CSV file has a single table; the sheet name '{sheet}' was ignored")
    return result


def _error(file: str, code: str, message: str) -> InvalidInputError:
    return InvalidInputError(Problem(code, message, file=file))


def _decode(raw: bytes, notes: list[str]) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:  # a cut or damaged file
            notes.append("the file is damaged UTF-16: the bytes that could not be read became \ufffd")
            return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append("the file is not UTF-8; it was read as Windows-1252 (Western European)")
        return raw.decode("cp1252", errors="replace")


def _separator(content: str) -> str:
    """The separator that occurs most often in the first non-empty line (comma on a tie)."""
    first = next((line for line in content.splitlines() if line.strip()), "")
    outside = first.split('"')[::2]  # ignore separators inside quoted headers
    counts = {sep: sum(part.count(sep) for part in outside) for sep in _SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _read_csv(file: str, raw: bytes) -> Sheet:
    notes: list[str] = []
    content = _decode(raw, notes)
    sep = _separator(content)
    if sep != ",":
        notes.append(f"read as {_SEPARATORS[sep]}-separated values")
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    for number, record in enumerate(csv.reader(io.StringIO(content, newline=""), delimiter=sep), start=1):
        cells = tuple(value.strip() or None for value in record)
        if any(c is not None for c in cells):
            rows.append((number, cells))
    return Sheet(file, rows, notes)


def _read_excel(file: str, raw: bytes, sheet: str | None) -> Sheet:
    try:
        with warnings.catch_warnings():  # openpyxl warns about what it cannot read; the cells say it
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, *_DAMAGED) as exc:
        raise _error(file, "unreadable_file", f"'{Path(file).name}' is not a readable Excel workbook ({exc})") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            names = ", ".join(f"'{n}'" for n in wb.sheetnames)
            raise _error(file, "unknown_sheet", f"the workbook has no sheet '{sheet}' (sheets: {names})")
        if not hasattr(ws, "reset_dimensions"):
            raise _error(file, "unknown_sheet", f"sheet '{ws.title}' is a chart, not a table")
        ws.reset_dimensions()  # some writers record wrong dimensions; read every row there is
        notes = [f"read sheet '{ws.title}'"] if len(wb.sheetnames) > 1 else []
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        for number, values in enumerate(_worksheet_rows(ws, file), start=1):
            cells = tuple(_excel_value(v) for v in values)
            if any(c is not None for c in cells):
                rows.append((number, cells))
    finally:
        wb.close()
    return Sheet(file, rows, notes)


_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, SyntaxError, NotImplementedError)
"""What openpyxl raises on a damaged workbook: a broken archive, bad compressed data,
XML that is not well-formed (``ParseError`` is a ``SyntaxError``), bad cell values, an
archive entry whose zip version or compression ``zipfile`` does not know
(``NotImplementedError``, found by Hypothesis)."""


def _worksheet_rows(ws: Any, file: str) -> list[tuple[object, ...]]:
    """The values of every row; a read-only worksheet reads the archive only now."""
    try:
        with warnings.catch_warnings():  # dates out of Excel's range come back as errors (#VALUE!)
            warnings.simplefilter("ignore")
            return list(ws.iter_rows(min_row=1, values_only=True))
    except _DAMAGED as exc:
        message = f"'{Path(file).name}' is a damaged Excel workbook: its sheet '{ws.title}' cannot be read ({exc})"
        raise _error(file, "unreadable_file", message) from None


def _excel_value(value: object) -> Cell:
    if isinstance(value, str):
        return value.strip() or None
    if value is None or isinstance(value, int | float | bool):
        return value
    if isinstance(value, datetime | date | time | timedelta):
        return value
    return str(value)
