"""Icons: SVG sources in assets/icons, pre-rendered PNGs beside them for start-up.

The home screen's tiles load ``<name>@<size>.png`` (written by ``scripts/render_icons.py``
from the SVG; a test keeps them in step), so the first paint needs no SVG module. Any other
size is rendered from the SVG on demand.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QPixmap

ICONS = Path(__file__).resolve().parents[1] / "assets" / "icons"
TILE_ICON_SIZE = 72


def prerendered_path(name: str, size: int) -> Path:
    return ICONS / f"{Path(name).stem}@{size}.png"


def render_svg(name: str, size: int) -> QPixmap:
    """The icon ``name``.svg drawn into a transparent square pixmap."""
    # Imported here: the first frame loads PNGs only, and QPainter's first use costs ~1.5 ms.
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(ICONS / name))
    if not renderer.isValid():
        raise FileNotFoundError(f"icon {name} missing or invalid")
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))  # transparent
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


@lru_cache(maxsize=64)
def icon_pixmap(name: str, size: int) -> QPixmap:
    """The pre-rendered PNG when there is one, else the SVG rendered now."""
    png = prerendered_path(name, size)
    if png.exists():
        pixmap = QPixmap(str(png))
        if not pixmap.isNull():
            return pixmap
    return render_svg(name, size)
