"""A big home-screen tile: icon, title, one line of explanation."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ui.icons import TILE_ICON_SIZE, icon_pixmap
from ui.props import align, no_focus


class Tile(QPushButton):
    """A push button laid out as a card. Its labels ignore presses, so a touch anywhere on the
    card reaches the button (QLabel passes mouse events it does not use to its parent)."""

    def __init__(self, icon: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        no_focus(self)
        self._icon = QLabel()
        self._icon.setPixmap(icon_pixmap(icon, TILE_ICON_SIZE))
        align(self._icon, "AlignCenter")
        self.title = QLabel()
        self.title.setObjectName("tileTitle")
        align(self.title, "AlignCenter")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("tileSubtitle")
        align(self.subtitle, "AlignCenter")
        self.subtitle.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 18, 12, 14)
        layout.setSpacing(8)
        layout.addWidget(self._icon)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)

    def set_texts(self, title: str, subtitle: str) -> None:
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.setAccessibleName(title)
