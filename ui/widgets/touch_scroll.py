"""Drag-to-scroll for every scrolling list on the touchscreen (one mechanism for all).

A finger on a list either taps (a button, a row) or drags (scrolls). Qt's ``QScroller`` was
used first: it holds presses back to tell the two apart and replays them later, and its
shared press-delay state lost taps for good after a list had moved under the finger (after
退订 the next 订购 did nothing; flaky across screens). This is simpler and deterministic:

- every press goes through at once, so buttons react as they always do;
- once the finger has moved more than ``THRESHOLD_PX`` vertically, the gesture is a drag: the
  pressed button is released without a click and the list follows the finger;
- the release that ends a drag is swallowed, so a drag never taps anything.

It watches the viewport and every widget inside it, including rows added later.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QWidget

THRESHOLD_PX = 24


class DragScroll(QObject):
    """Attached to one scroll area (a QScrollArea or an item view)."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self._area = area
        self._press: QPointF | None = None
        self._button: QAbstractButton | None = None  # the button under the finger, if any
        self._start_value = 0
        self.dragging = False
        self._watch(area.viewport())

    def _watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)
        for child in widget.findChildren(QWidget):
            child.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ChildAdded:
            child = event.child()  # type: ignore[attr-defined]
            if isinstance(child, QWidget):
                self._watch(child)
            return False
        if kind not in _MOUSE or not isinstance(event, QMouseEvent):
            return False
        position = event.globalPosition()
        bar = self._area.verticalScrollBar()
        if kind == QEvent.Type.MouseButtonPress:
            self._press, self._start_value, self.dragging = position, bar.value(), False
            self._button = watched if isinstance(watched, QAbstractButton) else None
            return False
        if self._press is None:
            return False
        dy = position.y() - self._press.y()
        if kind == QEvent.Type.MouseMove:
            if not self.dragging and abs(dy) > THRESHOLD_PX and bar.maximum() > 0:
                self.dragging = True
                if self._button is not None:
                    self._button.setDown(False)  # a drag, not a tap: no click
            if self.dragging:
                bar.setValue(self._start_value - round(dy))
                return True
            return False
        # MouseButtonRelease
        dragged, self._press, self.dragging = self.dragging, None, False
        if dragged and self._button is not None:
            self._button.setDown(False)
        self._button = None
        return dragged


_MOUSE = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.MouseButtonRelease,
}


def enable_touch_scroll(area: QAbstractScrollArea) -> DragScroll:
    """Let a finger drag ``area``'s content; taps inside it work as usual."""
    return DragScroll(area)
