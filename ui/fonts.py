"""Finds a CJK font at start-up; without one the kiosk refuses to start (no tofu boxes)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

log = logging.getLogger(__name__)

PREFERRED_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC")
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
CJK_PROBE = "营业厅自助缴费详单￥"


class MissingCjkFontError(RuntimeError):
    """No font that can draw Chinese is installed."""


def find_cjk_family(
    preferred: tuple[str, ...] = PREFERRED_FAMILIES, files: tuple[Path, ...] = FONT_FILES
) -> str:
    """The family to use for every widget; raises :class:`MissingCjkFontError` when none exists."""
    families = set(QFontDatabase.families())
    for family in preferred:
        if family in families and font_covers(QFont(family), CJK_PROBE):
            return family
    for path in files:
        if path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            loaded = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if loaded and font_covers(QFont(loaded[0]), CJK_PROBE):
                return str(loaded[0])
    raise MissingCjkFontError(
        "未找到中文字体 / no CJK font found. Install one, e.g. "
        "`apt-get install fonts-wqy-microhei`, then start the kiosk again."
    )


def missing_glyphs(font: QFont, text: str) -> set[str]:
    """Characters of ``text`` that ``font`` itself cannot draw (fallback fonts not counted)."""
    raw = QRawFont.fromFont(font)
    return {ch for ch in text if not ch.isspace() and not raw.supportsCharacter(ord(ch))}


def font_covers(font: QFont, text: str) -> bool:
    return not missing_glyphs(font, text)
