"""Building MSPDI elements: namespaced children, MSPDI's value spellings, XML-safe text."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from lxml import etree

from milepost.io.mspdi.xmltree import NS

_Q = "{" + NS + "}"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Value = str | int | float | bool | datetime | Decimal | None


def sub(parent: etree._Element, tag: str, value: Value = None) -> etree._Element:
    """Append child ``tag`` (in the MSPDI namespace) with ``value`` spelt as MSPDI wants."""
    el = etree.SubElement(parent, _Q + tag)
    if value is not None:
        el.text = spell(value)
    return el


def spell(value: Value) -> str:
    """``True`` -> ``1``, ``2.50`` -> ``2.5``, a datetime -> ``2027-01-04T08:00:00``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if value is None:
        return ""
    return number(value)


def number(value: float) -> str:
    """A float with no exponent and no trailing zeros (``1``, ``0.5``, ``33.3333``)."""
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry (control characters)."""
    return _NOT_XML.sub("", value)


def element(tag: str) -> etree._Element:
    """A root element ``tag`` in the MSPDI namespace (the default namespace of the file)."""
    return etree.Element(_Q + tag, nsmap={None: NS})  # type: ignore[dict-item]
