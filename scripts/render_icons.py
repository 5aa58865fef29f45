"""Render every assets/icons/*.svg to <name>@72.png for the home tiles (run after editing an
icon; tests/ui/test_icons.py fails while a PNG is out of step with its SVG)."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtGui import QGuiApplication

from ui.icons import ICONS, TILE_ICON_SIZE, prerendered_path, render_svg

app = QGuiApplication([])
for svg in sorted(ICONS.glob("*.svg")):
    target = prerendered_path(svg.name, TILE_ICON_SIZE)
    render_svg(svg.name, TILE_ICON_SIZE).save(str(target), "PNG")
    print(target.name)
