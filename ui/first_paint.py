"""Run something once the first frame of a widget is on screen.

Used to keep work off the path to the first painted home screen (the application-wide input
filters, the start-up bench probe): the callback runs on the event-loop turn after the
widget's first paint, i.e. after the whole frame with its children has been painted.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` once, on the event-loop turn after ``widget`` is first painted."""
    widget.installEventFilter(_FirstPaint(widget, callback))
