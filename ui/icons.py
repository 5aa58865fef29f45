"""SVG icons from assets/icons rendered at any size."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "assets" / "icons"


@lru_cache(maxsize=64)
def icon_pixmap(name: str, size: int) -> QPixmap:
    """The icon ``name``.svg drawn into a transparent square pixmap."""
    renderer = QSvgRenderer(str(ICONS / name))
    if not renderer.isValid():
        raise FileNotFoundError(f"icon {name} missing or invalid")
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap
