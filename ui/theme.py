"""Loads the QSS file and fills its size tokens for the standard or the large-text scale."""

from __future__ import annotations

import re
from pathlib import Path

STYLES = Path(__file__).resolve().parents[1] / "assets" / "styles"

# Pixel sizes at 1080p. Body text ≥ 24 px (≥ 32 px large); touch targets ≥ 80 px (≥ 100 px large).
SCALES: dict[str, dict[str, int]] = {
    "standard": {
        "small": 22,
        "body": 26,
        "button": 28,
        "title": 30,
        "heading": 38,
        "display": 52,
        "keypad": 40,
        "countdown": 96,
        "target": 84,
        "key": 96,
        "key_w": 150,
        "tile": 200,
        "header": 104,
        "header_button": 72,
    },
    "large": {
        "small": 28,
        "body": 34,
        "button": 36,
        "title": 36,
        "heading": 46,
        "display": 60,
        "keypad": 52,
        "countdown": 120,
        "target": 104,
        "key": 112,
        "key_w": 170,
        "tile": 230,
        "header": 120,
        "header_button": 84,
    },
}

_TOKEN = re.compile(r"@\{(\w+)\}")


def stylesheet(large_text: bool, path: Path = STYLES / "kiosk.qss") -> str:
    """The style sheet with every ``@{token}`` replaced; an unknown token raises KeyError."""
    scale = SCALES["large" if large_text else "standard"]
    return _TOKEN.sub(lambda m: str(scale[m.group(1)]), path.read_text(encoding="utf-8"))


def size(name: str, large_text: bool) -> int:
    """One size token, for the few places that lay out in code (e.g. the chart)."""
    return SCALES["large" if large_text else "standard"][name]
