"""The invoice and spam report screens' messages exist in both catalogues with the same
placeholders (tests/ui/test_i18n.py checks only the older key prefixes)."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.i18n import load_catalogue, placeholders

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "ui/screens/invoice/install.py",
    ROOT / "ui/screens/invoice/invoice.py",
    ROOT / "ui/screens/invoice/spam.py",
]
KEY = re.compile(r"""["']((?:invoice|spam|feature)\.[a-z0-9_.]+)["']""")


def test_every_key_used_exists_in_both_languages() -> None:
    zh, en = load_catalogue("zh_CN"), load_catalogue("en")
    used = {m.group(1) for path in SOURCES for m in KEY.finditer(path.read_text("utf-8"))}
    used = {k for k in used if not k.endswith(".svg")}
    assert len(used) > 30  # (enum members' texts are derived: tests/ui/test_enum_texts.py)
    assert sorted(k for k in used if k not in zh or k not in en) == []
    for key in used:
        assert placeholders(zh[key]) == placeholders(en[key]), key
