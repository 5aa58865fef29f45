from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from ui.icons import ICONS, TILE_ICON_SIZE, icon_pixmap, prerendered_path, render_svg


def test_prerendered_pngs_match_their_svgs(app: QApplication) -> None:
    svgs = sorted(ICONS.glob("*.svg"))
    assert svgs
    for svg in svgs:
        png = prerendered_path(svg.name, TILE_ICON_SIZE)
        assert png.exists(), f"run scripts/render_icons.py ({png.name} missing)"
        fresh = (
            render_svg(svg.name, TILE_ICON_SIZE)
            .toImage()
            .convertToFormat(QImage.Format.Format_ARGB32)
        )
        stored = QImage(str(png)).convertToFormat(QImage.Format.Format_ARGB32)
        assert stored.size() == fresh.size()
        differing = sum(
            1
            for y in range(fresh.height())
            for x in range(fresh.width())
            if abs(fresh.pixelColor(x, y).alpha() - stored.pixelColor(x, y).alpha()) > 8
        )
        assert differing <= 10, f"{png.name} is out of step with {svg.name}"


def test_other_sizes_render_from_svg(app: QApplication) -> None:
    assert icon_pixmap("pay.svg", 40).width() == 40
    assert icon_pixmap("pay.svg", TILE_ICON_SIZE).width() == TILE_ICON_SIZE
