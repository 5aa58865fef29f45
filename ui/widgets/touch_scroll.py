"""Drag-to-scroll for lists on the touchscreen (one set-up for every scrolling list).

``QScroller`` with the left-mouse gesture lets a finger drag a list, as touch panels that
present themselves as a mouse need. Its default holds every press back for 0.25 s to tell a
tap from a drag; with buttons inside the list that delay lost presses for good once the
layout had changed under the list (after 退订 the next 订购 tap did nothing). Presses here go
through at once: the button shows it is pressed, and a drag that turns into scrolling
cancels it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QScroller, QScrollerProperties, QWidget


def enable_touch_scroll(viewport: QWidget) -> None:
    """Let a finger drag ``viewport`` (a scroll area's or an item view's viewport)."""
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
    scroller.setScrollerProperties(properties)
