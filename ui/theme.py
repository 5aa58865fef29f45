"""Loads the QSS file and fills its size tokens for the standard or the large-text scale."""

from __future__ import annotations

import re
from pathlib import Path

STYLES = Path(__file__).resolve().parents[1] / "assets" / "styles"

# Pixel sizes at 1080p. Body text ≥ 24 px (≥ 36 px large), secondary text ≥ 22 px (≥ 30 px
# large); touch targets ≥ 80 px (≥ 110 px large). tests/ui/test_walk_fit.py holds every screen
# to the minimums of MINIMUMS below.
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
        "tile": 170,
        "header": 104,
        "header_button": 80,  # the standard target minimum (it was 72)
        "records_min": 460,  # 详单's table: its header and 4.5 rows of `target` at the least
        "banner_pad": 16,  # above and below the words of an error or notice
    },
    "large": {
        # issue 13 Deliver 4: body >= 36 px, secondary text >= 30 px, every target >= 110 px
        "small": 30,
        "body": 36,
        "button": 38,
        "title": 40,
        "heading": 48,
        "display": 64,
        "keypad": 56,
        "countdown": 128,
        "target": 110,
        "key": 110,
        "key_w": 180,
        "tile": 170,  # titles only in large-text mode (ui/screens/home.py)
        "header": 126,  # header_button + 2 x 8 px
        "header_button": 110,
        # 详单's table: its header and 4.5 rows of `target`; the page scrolls for the rest
        "records_min": 580,
        "banner_pad": 10,  # the words are bigger: less room around them keeps keypads in view
    },
}

# Room around words, not sizes of words or targets: these may shrink in large-text mode.
SPACINGS = frozenset({"banner_pad"})

# What every screen must keep (tests/ui/walk_audit.py): the smallest text and tap target.
MINIMUMS: dict[str, dict[str, int]] = {
    "standard": {"body": 24, "secondary": 22, "target": 80},
    "large": {"body": 36, "secondary": 30, "target": 110},
}

_TOKEN = re.compile(r"@\{(\w+)\}")


def stylesheet(large_text: bool, path: Path = STYLES / "kiosk.qss") -> str:
    """The style sheet with every ``@{token}`` replaced; an unknown token raises KeyError."""
    scale = SCALES["large" if large_text else "standard"]
    return _TOKEN.sub(lambda m: str(scale[m.group(1)]), path.read_text(encoding="utf-8"))


def size(name: str, large_text: bool) -> int:
    """One size token, for the few places that lay out in code (e.g. the chart)."""
    return SCALES["large" if large_text else "standard"][name]


# Text colour on background colour, as used in kiosk.qss; tests hold each to WCAG AA (4.5:1).
CONTRAST_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("body text", "#1A2433", "#F2F5F9"),
    ("titles", "#0F2A47", "#F2F5F9"),
    ("hints", "#3D4B5C", "#F2F5F9"),
    ("captions on cards", "#4A5868", "#FFFFFF"),
    ("header text", "#FFFFFF", "#0B5FA5"),
    ("hall name on header", "#DCEBFA", "#0B5FA5"),
    ("header buttons", "#0B5FA5", "#FFFFFF"),
    ("secondary buttons", "#0B5FA5", "#E6EEF7"),
    ("primary buttons", "#FFFFFF", "#0B5FA5"),
    ("danger buttons", "#FFFFFF", "#B3261E"),
    ("end session", "#A3261B", "#FCE8E6"),
    ("errors", "#8A1F15", "#FDECEA"),
    ("notices", "#0F2A47", "#E8F1FB"),
    ("disabled buttons", "#56616E", "#EDF0F3"),
    ("countdown", "#B3261E", "#FFFFFF"),
    ("tile subtitles", "#4A5868", "#FFFFFF"),
)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
