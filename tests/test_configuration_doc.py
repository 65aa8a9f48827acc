"""docs/configuration.md lists every setting, under its environment variable."""

from __future__ import annotations

from pathlib import Path

from milepost.config import PREFIX, Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`") for line in text.splitlines() if line.startswith("| `")}
    assert set(Settings.model_fields) <= rows
    for name in Settings.model_fields:
        assert f"`{PREFIX}{name.upper()}`" in text
