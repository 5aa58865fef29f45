"""The white rounded panel every screen groups content in (styled by object name)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget


def card(*widgets: QWidget, name: str = "card") -> QFrame:
    """A panel holding ``widgets`` one under the other."""
    frame = QFrame()
    frame.setObjectName(name)
    frame.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    box = QVBoxLayout(frame)
    box.setContentsMargins(28, 20, 28, 20)
    box.setSpacing(8)
    for widget in widgets:
        box.addWidget(widget)
    return frame
