"""Drag-to-scroll with momentum for every scrolling list on the touchscreen (one mechanism).

A finger on a list either taps (a button, a row) or drags (scrolls). Qt's ``QScroller`` was
used first: it holds presses back to tell the two apart and replays them later, and its
shared press-delay state lost taps for good after a list had moved under the finger (after
退订 the next 订购 did nothing; flaky across screens). This is simpler and deterministic:

- on a list of buttons (a QScrollArea) every press goes through at once, so buttons react as
  they always do; once the finger has moved more than ``THRESHOLD_PX`` vertically the gesture
  is a drag: the pressed button is released without a click and the list follows the finger;
- on an item view (QListWidget, QTableView) a press selects the row under it at once, so the
  press is held back (per view, no shared state) and replayed only when the finger lifts
  without having dragged: a drag never selects, presses or activates the row it started on
  (issue 13: dragging pre-selected the charge to dispute);
- the release that ends a drag is swallowed, so a drag never taps anything;
- the list tracks the finger 1:1; on release it keeps the finger's velocity over the last
  ``VELOCITY_WINDOW_S`` and decays exponentially (time constant ``DECAY_S``), positioned from
  the clock, not per tick, so a stalled event loop jumps instead of slowing the list;
- a press while the list is still moving stops it and taps nothing (the finger meant "stop");
- lists nest: every screen's body scrolls (ui/screen.py) and holds lists of its own. A gesture
  belongs to the innermost list under the finger; when that list cannot move that way (it has
  nothing to scroll, or is at its end), the drag moves the nearest enclosing list that can (one
  gesture, one list moving). A move past the threshold is a drag even where nothing can
  scroll: it never taps.

It watches the viewport and every widget inside it, including rows added later. Watching
every widget puts each of their events through Python, which made every screen's construction
and the first frame slow (issue 12: start-up); so a list not yet on screen watches only the
scroll area itself and is *armed* (watches the viewport and everything inside) on the
event-loop turn after the area's first paint, or at once when the pointer reaches it (Qt sends
Enter to the area before any press inside it), whichever comes first. A finger cannot touch a list
before it is painted.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QWidget,
)

THRESHOLD_PX = 24
VELOCITY_WINDOW_S = 0.1  # the finger's speed over its last 100 ms decides the flick
DECAY_S = 0.35  # a flick at v px/s travels about v * DECAY_S px
MIN_FLICK_PX_S = 150.0  # slower releases just stop (a finger lifted after a careful drag)
MAX_FLICK_PX_S = 9000.0
STOP_PX_S = 20.0
FRAME_MS = 16

Clock = Callable[[], float]


class Flick:
    """Exponential decay from ``start`` at ``velocity`` px/s (content pixels), pure maths."""

    def __init__(self, start: int, velocity: float, began: float) -> None:
        self.start, self.velocity, self.began = start, velocity, began

    def position(self, now: float) -> int:
        elapsed = max(0.0, now - self.began)
        return self.start + round(self.velocity * DECAY_S * (1 - math.exp(-elapsed / DECAY_S)))

    def speed(self, now: float) -> float:
        return abs(self.velocity) * math.exp(-max(0.0, now - self.began) / DECAY_S)


class DragScroll(QObject):
    """Attached to one scroll area (a QScrollArea or an item view)."""

    def __init__(self, area: QAbstractScrollArea, clock: Clock = time.monotonic) -> None:
        super().__init__(area)
        self._area = area
        self._clock = clock
        self._press: QPointF | None = None
        self._button: QAbstractButton | None = None  # the button under the finger, if any
        self._held: QMouseEvent | None = None  # an item view's press, replayed on a tap
        self._replaying = False
        self._stopping = False  # this press stopped a flick: it taps nothing
        self._samples: deque[tuple[float, float]] = deque()
        # this gesture's lists, innermost first, with their positions at the press
        self._chain: list[tuple[DragScroll, int]] = []
        self._target: tuple[DragScroll, int] | None = None  # the list this drag moves
        self.dragging = False
        self.flick: Flick | None = None
        # made on the first flick: every screen's body has one of these, and the first frame
        # must not need the ``Qt`` namespace (tests/ui/test_startup_path.py)
        self._timer: QTimer | None = None
        # An item view (the records list) rather than a plain scroll area. Asked of Qt's
        # meta-object: the first use of the QAbstractItemView class makes PySide create its
        # nine enums (~2 ms), before the first frame, for a kind of list the home screen lacks.
        self._item_view = area.inherits("QAbstractItemView")
        if self._item_view:
            from PySide6.QtCore import Qt

            # No keyboard on the kiosk: a list that took focus by any other way than a press
            # (focus coming back after an overlay, the focus chain) makes its first row
            # current, which the dispute screen takes as the charge to dispute, unseen.
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._armed = False
        if area.isVisible():
            self.arm()  # already on screen (a list made after its page was shown)
        else:
            # Only the area itself until it is painted; not even ``viewport()``: wrapping the
            # first widget Qt made in C++ makes PySide resolve its type against every QWidget
            # class, creating their enums (~9 ms, once per process) before the first frame.
            area.installEventFilter(self)

    @property
    def armed(self) -> bool:
        """True once every widget inside the list is watched (see the module docstring)."""
        return self._armed

    def arm(self) -> None:
        """Watch the viewport and every widget inside it from now on (idempotent)."""
        if self._armed:
            return
        self._armed = True
        self._area.removeEventFilter(self)
        self._watch(self._area.viewport())

    @property
    def area(self) -> QAbstractScrollArea:
        return self._area

    def enclosing(self) -> DragScroll | None:
        """The touch-scrolled list around this one (e.g. the screen's body), if any."""
        widget = self._area.parentWidget()
        while widget is not None:
            if isinstance(widget, QAbstractScrollArea):
                found = _drag_of(widget)
                if found is not None:
                    return found
            widget = widget.parentWidget()
        return None

    def _owns(self, watched: QObject) -> bool:
        """True when no touch-scrolled list inside this one lies under ``watched``."""
        widget = watched if isinstance(watched, QWidget) else None
        while widget is not None and widget is not self._area:
            if isinstance(widget, QAbstractScrollArea) and _drag_of(widget) is not None:
                return False
            widget = widget.parentWidget()
        return True

    def _watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)
        for child in widget.findChildren(QWidget):
            child.installEventFilter(self)

    # Momentum -----------------------------------------------------------------------------
    def step(self) -> None:
        """One frame of a flick (the timer's slot; tests with a manual clock call it)."""
        flick = self.flick
        if flick is None:
            return
        now = self._clock()
        bar = self._area.verticalScrollBar()
        target = flick.position(now)
        bar.setValue(target)
        if flick.speed(now) < STOP_PX_S or bar.value() != target:  # slow enough, or at an end
            self.stop()

    def stop(self) -> None:
        self.flick = None
        if self._timer is not None:
            self._timer.stop()

    def _velocity(self) -> float:
        """Finger speed (px/s, + = down) over the last VELOCITY_WINDOW_S of the gesture."""
        if len(self._samples) < 2:
            return 0.0
        (t0, y0), (t1, y1) = self._samples[0], self._samples[-1]
        return (y1 - y0) / (t1 - t0) if t1 > t0 else 0.0

    def _sample(self, y: float) -> None:
        now = self._clock()
        self._samples.append((now, y))
        while len(self._samples) > 2 and self._samples[1][0] <= now - VELOCITY_WINDOW_S:
            self._samples.popleft()
        if self._samples[0][0] < now - VELOCITY_WINDOW_S and len(self._samples) == 2:
            self._samples.popleft()  # the finger rested: nothing left of the window

    # Events -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self._armed:  # only the area itself is watched (see the module docstring)
            if kind == QEvent.Type.Paint:
                QTimer.singleShot(0, self, self.arm)
            elif kind == QEvent.Type.Enter or kind in _MOUSE:
                self.arm()  # the pointer is here before the first paint's timer ran
            return False
        if kind == QEvent.Type.ChildAdded:
            child = event.child()  # type: ignore[attr-defined]
            if isinstance(child, QWidget):
                self._watch(child)
            return False
        if self._replaying or kind not in _MOUSE or not isinstance(event, QMouseEvent):
            return False
        position = event.globalPosition()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            if not self._owns(watched):
                self._press = None  # an inner list's gesture
                return False
            # a quick second tap arrives as a double click, which an item view treats as a press
            return self._on_press(watched, event, position)
        if self._press is None:
            return False
        dy = position.y() - self._press.y()
        if kind == QEvent.Type.MouseMove:
            self._sample(position.y())
            if not self.dragging and abs(dy) > THRESHOLD_PX:
                self.dragging = True
                self._target = self._take(dy)
                if self._button is not None:
                    self._button.setDown(False)  # a drag, not a tap: no click
            if self.dragging:
                if self._target is not None:
                    target, start = self._target
                    target.area.verticalScrollBar().setValue(start - round(dy))
                return True
            # a held press: the view must not see moves with a button down (it drag-selects)
            return self._held is not None or self._stopping
        return self._on_release(watched, position)

    def _take(self, dy: float) -> tuple[DragScroll, int] | None:
        """The list a drag of ``dy`` moves: the innermost that can go that way (a table at its
        end hands the drag to the page around it), else the innermost that scrolls at all;
        None when nothing scrolls (the finger slid: still no tap)."""
        movable = [(d, v) for d, v in self._chain if d.area.verticalScrollBar().maximum() > 0]
        for scroller, value in movable:
            bar = scroller.area.verticalScrollBar()
            if (dy < 0 and value < bar.maximum()) or (dy > 0 and value > bar.minimum()):
                return scroller, value
        return movable[0] if movable else None

    def _on_press(self, watched: QObject, event: QMouseEvent, at: QPointF) -> bool:
        chain: list[DragScroll] = []
        scroller: DragScroll | None = self
        while scroller is not None:
            chain.append(scroller)
            scroller = scroller.enclosing()
        self._stopping = any(d.flick is not None for d in chain)
        for d in chain:
            d.stop()
        self._chain = [(d, d.area.verticalScrollBar().value()) for d in chain]
        self._target = None
        self._press, self.dragging = at, False
        self._samples.clear()
        self._sample(at.y())
        self._button = watched if isinstance(watched, QAbstractButton) else None
        self._held = None
        if self._stopping:
            self._button = None
            return True
        if self._item_view and watched is self._area.viewport():
            self._held = event.clone()
            return True
        return False

    def _on_release(self, watched: QObject, at: QPointF) -> bool:
        self._sample(at.y())
        dragged, held, stopping = self.dragging, self._held, self._stopping
        self._press, self.dragging, self._held, self._stopping = None, False, None, False
        if dragged and self._button is not None:
            self._button.setDown(False)
        self._button = None
        target, self._target, self._chain = self._target, None, []
        if dragged:
            if target is not None:
                target[0].fling(-self._velocity())
            return True
        if stopping:
            return True
        if held is not None and isinstance(watched, QWidget):
            self._replaying = True  # a tap after all: the view gets its press, then the release
            try:
                QApplication.sendEvent(watched, held)
            finally:
                self._replaying = False
        return False

    def fling(self, velocity: float) -> None:
        """Let the list run on at ``velocity`` content px/s (+ = towards the end)."""
        if abs(velocity) < MIN_FLICK_PX_S:
            return
        velocity = max(-MAX_FLICK_PX_S, min(MAX_FLICK_PX_S, velocity))
        self.flick = Flick(self._area.verticalScrollBar().value(), velocity, self._clock())
        if self._timer is None:
            from PySide6.QtCore import Qt

            self._timer = QTimer(self)
            self._timer.setTimerType(Qt.TimerType.PreciseTimer)
            self._timer.setInterval(FRAME_MS)
            self._timer.timeout.connect(self.step)
        self._timer.start()


_MOUSE = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
}


def _drag_of(area: QWidget) -> DragScroll | None:
    return next((c for c in area.children() if isinstance(c, DragScroll)), None)


def enable_touch_scroll(area: QAbstractScrollArea, clock: Clock = time.monotonic) -> DragScroll:
    """Let a finger drag and flick ``area``'s content; taps inside it work as usual."""
    return DragScroll(area, clock)
