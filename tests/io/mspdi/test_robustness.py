"""Damaged MS Project XML gives a project or clear problems, never a traceback.

Real files (MS Project's own in ../shared/data/mspdi, and what our writer produces)
are mutated: elements deleted, repeated or swapped, values replaced with garbage
(negative, huge, empty, not a number, 2027-13-45, bad ISO durations, codes MSPDI does
not have), links added (often closing a loop) and outline levels changed; then the
bytes are cut short, given invalid UTF-8 or a wrong encoding.  The only acceptable
outcomes are a project that schedules (or that the scheduler refuses with a
:class:`MilepostError`) and an :class:`InvalidInputError` whose problems each say
what is wrong, in which file.  Inputs that once broke the reader are kept in
``crashers/`` (see ``tests/io/test_crasher_corpus.py``).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import milepost
from milepost.engine import schedule
from milepost.errors import InvalidInputError
from milepost.io.mspdi.reader import read_mspdi
from milepost.io.mspdi.writer import dump_mspdi
from milepost.io.mspdi.xmltree import NS
from tests.io.mspdi.samples import showcase
from tests.io.outcomes import attempt
from tests.shared_data import shared_files

EXAMPLES = Path(__file__).parents[3] / "examples"
CASES = Path(__file__).parent / "cases"
Q = "{" + NS + "}"
XML_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")

GARBAGE = [
    "",
    " ",
    "-1",
    "-99999",
    "0",
    "1",
    "2",
    "3",
    "7",
    "19",
    "39",
    "99",
    "-65535",
    "7.5",
    "99999999999999999999",
    "1e309",
    "nan",
    "inf",
    "abc",
    "é",
    "true",
    "2027-13-45T00:00:00",
    "2027-13-45",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "PT99999999H0M0S",
    "-PT8H0M0S",
    "P-1D",
    "PTxH",
    "PT8H",
    "25:00:00",
    "24:00:00",
    "xx:yy",
    "8",
]


@cache
def sources() -> tuple[bytes, ...]:
    """Files MS Project saved, files our writer produces, and our hand-written cases."""
    found = [p.read_bytes() for p in shared_files("mspdi", "*.xml")]
    found += [p.read_bytes() for p in sorted(CASES.glob("*.xml"))]
    found.append(dump_mspdi(showcase()))
    for plan in sorted(EXAMPLES.glob("*.yaml")):
        project = milepost.load(plan)
        found.append(dump_mspdi(project, milepost.schedule(project)))
    return tuple(found)


def _mutate_tree(draw: st.DrawFn, root: etree._Element) -> None:
    elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
    el = draw(st.sampled_from(elements))
    parent = el.getparent()
    assert parent is not None
    action = draw(st.sampled_from(["delete", "repeat", "swap", "garble", "garble", "garble", "link", "level"]))
    if action == "delete":
        parent.remove(el)
    elif action == "repeat":
        parent.insert(parent.index(el), copy.deepcopy(el))
    elif action == "swap" and len(parent) > 1:
        other = parent[draw(st.integers(0, len(parent) - 1))]
        if other is not el:
            i, j = parent.index(el), parent.index(other)
            parent.remove(el)
            parent.insert(j, el)
            parent.remove(other)
            parent.insert(i, other)
    elif action == "garble" and len(el) == 0:
        el.text = draw(st.sampled_from(GARBAGE) | st.text(XML_CHARACTERS, max_size=12))
    elif action == "link":  # a link between any two tasks, which often closes a loop
        tasks = list(root.iter(Q + "Task"))
        uids = [t.findtext(Q + "UID") for t in tasks]
        if tasks and any(uids):
            succ = draw(st.sampled_from(tasks))
            link = etree.SubElement(succ, Q + "PredecessorLink")
            for tag, value in (
                ("PredecessorUID", draw(st.sampled_from([u for u in uids if u]))),
                ("Type", draw(st.sampled_from(["0", "1", "2", "3", "9"]))),
                ("LinkLag", draw(st.sampled_from(["0", "4800", "-4800", "50", "1e12"]))),
                ("LagFormat", draw(st.sampled_from(["7", "8", "19", "20", "44"]))),
            ):
                etree.SubElement(link, Q + tag).text = value
    elif action == "level":
        levels = list(root.iter(Q + "OutlineLevel"))
        if levels:
            draw(st.sampled_from(levels)).text = str(draw(st.integers(-1, 6)))


def _mutate_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    action = draw(st.sampled_from(["none", "none", "none", "cut", "insert", "encoding", "break"]))
    if action == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if action == "insert":
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\xff\xfe", b"\x00", b"\xc3", b"\xe9", b"<", b"&", b"]]>", b"<!--"]))
        return data[:at] + junk + data[at:]
    if action == "encoding":
        return data.replace(b"UTF-8", draw(st.sampled_from([b"UTF-16", b"latin-1", b"KLINGON"])), 1)
    if action == "break":  # drop one '>' somewhere
        ends = [i for i, c in enumerate(data) if c == ord(">")]
        if ends:
            i = draw(st.sampled_from(ends))
            return data[:i] + data[i + 1 :]
    return data


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A real MSPDI file with a few elements changed, then perhaps its bytes."""
    root = etree.fromstring(draw(st.sampled_from(sources())))
    for _ in range(draw(st.integers(1, 4))):
        _mutate_tree(draw, root)
    return _mutate_bytes(draw, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def assert_clean(path: Path) -> None:
    """Read and schedule ``path``: a project, or problems that each say what and where."""
    imported, error = attempt(lambda: read_mspdi(path))
    if imported is None:
        assert isinstance(error, InvalidInputError), error
        for problem in error.problems:
            assert len(problem.message) > 10, problem
            assert problem.file == str(path), problem
            assert problem.code.replace("_", "").isalpha(), problem
        return
    assert all(note.message for note in imported.notes)
    _, refused = attempt(lambda: schedule(imported.project))
    assert refused is None or len(refused.message) > 10  # e.g. a constraint beyond what a calendar can reach


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mspdi") / "damaged.xml"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=damaged())
def test_a_damaged_mspdi_file_gives_a_project_or_problems_never_a_traceback(work: Path, data: bytes) -> None:
    work.write_bytes(data)
    assert_clean(work)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8")))
def test_any_bytes_named_xml_give_a_clear_problem(work: Path, data: bytes) -> None:
    work.write_bytes(data)
    with pytest.raises(InvalidInputError) as info:
        read_mspdi(work)
    assert info.value.code in ("empty_file", "not_xml", "malformed_xml", "not_mspdi", "mspdi_missing_date")
    assert info.value.problems[0].file == str(work)
