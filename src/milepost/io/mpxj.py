"""Import MS Project ``.mpp``, Primavera ``.xer`` and P6 XML (and more) through MPXJ.

MPXJ (https://www.mpxj.org, a Java library, on PyPI as ``mpxj`` with ``JPype1``)
reads dozens of project formats.  Milepost lets MPXJ convert the file to MS Project
XML (its ``MSPDIWriter``) and reads that with :func:`milepost.io.mspdi.reader.read_mspdi`,
so every format goes through one mapping and one import report.

This is optional: it needs ``pip install 'milepost[mpxj]'`` and a Java 11+ runtime.
Without them :func:`read_with_mpxj` raises :class:`MilepostError` with the code
``mpxj_unavailable`` and says what to install.  The Java virtual machine starts on
first use and stays up for the life of the process (JPype cannot restart it).
"""

from __future__ import annotations

import importlib
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from milepost.errors import InvalidInputError, MilepostError, Problem
from milepost.io.mspdi.reader import MspdiImport, read_mspdi

INSTALL_HINT = (
    "install it with `pip install 'milepost[mpxj]'` and a Java 11+ runtime (e.g. `apt-get install default-jre`)"
)
"""File types handed to MPXJ (P6 XML files end in ``.xml``: pass them explicitly)."""

_state: dict[str, Any] = {}


def mpxj_available() -> bool:
    """Whether MPXJ can be used (the packages are installed and Java starts)."""
    try:
        start_jvm()
    except MilepostError:
        return False
    return True


def start_jvm() -> None:
    """Start the Java virtual machine with MPXJ on its class path (once per process).

    Raises
    ------
    MilepostError
        Code ``mpxj_unavailable`` when ``mpxj``/``JPype1`` are not installed, no Java
        runtime is found, or a JVM without MPXJ was already started.
    """
    if "reader" in _state:
        return
    try:
        jpype: Any = importlib.import_module("jpype")
        importlib.import_module("mpxj")  # puts MPXJ's jars on JPype's class path
    except ImportError as exc:
        raise _unavailable(f"the Python packages are missing ({exc})") from None
    try:
        if not jpype.isJVMStarted():
            jpype.startJVM("-Djava.awt.headless=true", "-Dlog4j2.level=OFF", convertStrings=False)
        reader = jpype.JClass("org.mpxj.reader.UniversalProjectReader")
        writer = jpype.JClass("org.mpxj.mspdi.MSPDIWriter")
        version = str(jpype.JClass("java.lang.System").getProperty("java.version"))
    except Exception as exc:  # JVMNotFoundException, a JVM too old, classes missing
        raise _unavailable(f"Java could not start MPXJ ({type(exc).__name__}: {exc})") from None
    _state.update(reader=reader, writer=writer, java=version, jpype=jpype)


def java_version() -> str:
    """The version of the Java runtime MPXJ runs on (starts it if needed)."""
    start_jvm()
    return str(_state["java"])


def _unavailable(reason: str) -> MilepostError:
    return MilepostError(f"MPXJ is not available: {reason}; {INSTALL_HINT}", code="mpxj_unavailable")


def read_with_mpxj(path: str | Path) -> MspdiImport:
    """Read any project file MPXJ understands, through MS Project XML.

    Parameters
    ----------
    path:
        An ``.mpp``, ``.xer``, P6 XML, ``.mpx``... file; MPXJ tells the format from the
        content, not the name.

    Returns
    -------
    MspdiImport
        The project, the import report (what was not mapped) and the dates the source
        tool had computed, as for an MSPDI file.

    Raises
    ------
    InvalidInputError
        The file is missing, or MPXJ does not recognise or cannot read it.
    MilepostError
        Code ``mpxj_unavailable`` when MPXJ or Java is missing.
    """
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(Problem("unreadable_file", "the file does not exist", file=str(p)))
    start_jvm()
    try:
        project = _state["reader"]().read(str(p))
    except Exception as exc:  # a Java exception: MPXJ could not read the file
        raise InvalidInputError(
            Problem("mpxj_read_failed", f"MPXJ could not read this file: {_java_message(exc)}", file=str(p))
        ) from None
    if project is None:
        raise InvalidInputError(
            Problem("unknown_format", "MPXJ does not recognise this file as a project file", file=str(p))
        )
    with tempfile.TemporaryDirectory(prefix="milepost-mpxj-") as tmp:
        converted = Path(tmp) / f"{p.stem}.xml"
        try:
            _state["writer"]().write(project, str(converted))
        except Exception as exc:
            raise InvalidInputError(
                Problem("mpxj_convert_failed", f"MPXJ could not convert this file: {_java_message(exc)}", file=str(p))
            ) from None
        try:
            return read_mspdi(converted)
        except InvalidInputError as exc:  # positions in the converted file mean nothing to the user
            raise InvalidInputError([replace(pr, file=str(p), line=None, column=None) for pr in exc.problems]) from None


def _java_message(exc: BaseException) -> str:
    message = getattr(exc, "getMessage", None)
    text = str(message()) if callable(message) else str(exc)
    return text if text and text != "None" else type(exc).__name__
