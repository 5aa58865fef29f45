"""The two lists of the 我的业务 screen: one white row per service, in a touch-scrolled column."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.card import card
from ui.widgets.touch_scroll import enable_touch_scroll


def _label(role: str, text: str = "", wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    return lab


def service_row(name: str, detail: str, fee: str, action: QWidget) -> QFrame:
    """Name and provider on the left, the monthly fee and the action (button or note) right."""
    text = QVBoxLayout()
    text.setSpacing(4)
    text.addWidget(_label("categoryName", name))
    text.addWidget(_label("caption", detail))
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(20)
    row.addLayout(text, 1)
    row.addWidget(_label("categoryTotal", fee, wrap=False))
    # The button keeps its whole text: the wrapping description gives way, never the action
    # (退订 was drawn half cut off, and "Unsubscribe" is longer still).
    action.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    row.addWidget(action)
    holder = QWidget()
    holder.setLayout(row)
    return card(holder)


class ServiceColumn(QWidget):
    """A heading, a calm line when empty, and the rows (scrolled when there are many)."""

    def __init__(self) -> None:
        super().__init__()
        self.heading = _label("categoryName")
        self.empty = _label("caption")
        self.empty.hide()
        self._list = QWidget()
        self._list.setObjectName("servicesList")
        self._rows = QVBoxLayout(self._list)
        self._rows.setContentsMargins(0, 0, 8, 0)
        self._rows.setSpacing(12)
        self._rows.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("servicesScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self._list)
        enable_touch_scroll(self.scroll_area)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        box.addWidget(self.heading)
        box.addWidget(self.empty)
        box.addWidget(self.scroll_area, 1)
        self.rows: list[QFrame] = []

    def set_rows(self, rows: list[QFrame], empty_text: str) -> None:
        """Replace the rows; old ones are deleted later (one may be sending this very click)."""
        for old in self.rows:
            self._rows.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.rows = rows
        for index, row in enumerate(rows):
            self._rows.insertWidget(index, row)
        self.empty.setText(empty_text)
        self.empty.setVisible(not rows)
