"""Drag-to-scroll: a tap clicks, a drag scrolls and clicks nothing, rows added later too."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPoint, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ui.theme import stylesheet
from ui.widgets.touch_scroll import DECAY_S, DragScroll, enable_touch_scroll

SCROLLBAR_MIN_PX = 48  # about 12 mm on a 21.5" 1080p panel: a fingertip


class FrozenClock:
    """The DragScroll's clock in tests: still unless a test moves it (no flick by accident:
    QTest's moves are instantaneous, which on a real clock is an infinitely fast finger)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _area(qtbot: QtBot) -> tuple[QScrollArea, QVBoxLayout, list[str]]:
    clicks: list[str] = []
    content = QWidget()
    rows = QVBoxLayout(content)
    for index in range(30):
        button = QPushButton(f"row {index}")
        button.setMinimumHeight(90)
        button.clicked.connect(lambda _=False, i=index: clicks.append(f"row {i}"))
        rows.addWidget(button)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    area.resize(600, 500)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    enable_touch_scroll(area, FrozenClock())
    return area, rows, clicks


def _drag(qtbot: QtBot, area: QScrollArea, widget: QWidget, dy: int) -> None:
    """A finger: press on ``widget``, move ``dy`` px on the glass (not with the moving list).
    Moves and the release go to the pressed widget, as Qt's mouse grab routes them."""
    glass = area.viewport()
    start = widget.mapTo(glass, widget.rect().center())
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())
    for step in range(1, 6):
        qtbot.mouseMove(widget, widget.mapFrom(glass, start + QPoint(0, dy * step // 5)))
        QApplication.processEvents()
    end = widget.mapFrom(glass, start + QPoint(0, dy))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def test_a_tap_clicks(app: QApplication, qtbot: QtBot) -> None:
    area, _rows, clicks = _area(qtbot)
    button = area.widget().findChildren(QPushButton)[2]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == ["row 2"]
    assert area.verticalScrollBar().value() == 0


def test_a_drag_scrolls_and_clicks_nothing(app: QApplication, qtbot: QtBot) -> None:
    area, _rows, clicks = _area(qtbot)
    button = area.widget().findChildren(QPushButton)[3]
    _drag(qtbot, area, button, -200)  # the finger moves up: the list follows
    assert area.verticalScrollBar().value() == 200
    assert clicks == []
    assert not button.isDown()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # and taps still work afterwards
    assert clicks == ["row 3"]


def test_small_jitter_is_still_a_tap(app: QApplication, qtbot: QtBot) -> None:
    area, _rows, clicks = _area(qtbot)
    button = area.widget().findChildren(QPushButton)[1]
    _drag(qtbot, area, button, -10)
    assert clicks == ["row 1"]
    assert area.verticalScrollBar().value() == 0


def test_rows_added_later_drag_too(app: QApplication, qtbot: QtBot) -> None:
    area, rows, clicks = _area(qtbot)
    late = QPushButton("late")
    late.setMinimumHeight(90)
    late.clicked.connect(lambda: clicks.append("late"))
    rows.insertWidget(0, late)
    QApplication.processEvents()
    _drag(qtbot, area, late, -150)
    assert area.verticalScrollBar().value() == 150
    assert clicks == []


def _list(qtbot: QtBot) -> tuple[QListWidget, list[str]]:
    """A dispute-like charge list: single selection, per-pixel scrolling, 60 rows."""
    seen: list[str] = []
    view = QListWidget()
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    for index in range(60):
        item = QListWidgetItem(f"charge {index}")
        item.setSizeHint(QSize(500, 80))
        view.addItem(item)
    view.currentRowChanged.connect(lambda row: seen.append(f"current {row}"))
    view.clicked.connect(lambda index: seen.append(f"clicked {index.row()}"))
    view.pressed.connect(lambda index: seen.append(f"pressed {index.row()}"))
    view.activated.connect(lambda index: seen.append(f"activated {index.row()}"))
    view.resize(600, 500)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    enable_touch_scroll(view, FrozenClock())
    return view, seen


def _row_centre(view: QListWidget, row: int) -> QPoint:
    return view.visualRect(view.model().index(row, 0)).center()


def test_a_drag_on_a_list_selects_nothing(app: QApplication, qtbot: QtBot) -> None:
    # Issue 13: dragging a list selected the row under the finger (and pre-selected the
    # charge to dispute). The press that starts a drag must not reach the view.
    view, seen = _list(qtbot)
    glass = view.viewport()
    start = _row_centre(view, 3)
    qtbot.mousePress(glass, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(glass, start + QPoint(0, -40 * step))
    qtbot.mouseRelease(glass, Qt.MouseButton.LeftButton, pos=start + QPoint(0, -200))
    assert view.verticalScrollBar().value() == 200
    assert seen == []
    assert view.selectedItems() == []
    assert view.currentRow() == -1


def test_a_slow_start_then_drag_selects_nothing(app: QApplication, qtbot: QtBot) -> None:
    # Small moves under the threshold first (a finger settling), then the drag.
    view, seen = _list(qtbot)
    glass = view.viewport()
    start = _row_centre(view, 2)
    qtbot.mousePress(glass, Qt.MouseButton.LeftButton, pos=start)
    for dy in (-4, -9, -15, -60, -120):
        qtbot.mouseMove(glass, start + QPoint(0, dy))
    qtbot.mouseRelease(glass, Qt.MouseButton.LeftButton, pos=start + QPoint(0, -120))
    assert seen == []
    assert view.selectedItems() == []


def test_a_tap_on_a_list_selects_that_row(app: QApplication, qtbot: QtBot) -> None:
    view, seen = _list(qtbot)
    glass = view.viewport()
    qtbot.mouseClick(glass, Qt.MouseButton.LeftButton, pos=_row_centre(view, 2))
    assert view.currentRow() == 2
    assert [item.text() for item in view.selectedItems()] == ["charge 2"]
    assert "clicked 2" in seen and "current 2" in seen
    assert view.verticalScrollBar().value() == 0


def _kinetic(qtbot: QtBot) -> tuple[QScrollArea, DragScroll, FrozenClock, list[str]]:
    clock = FrozenClock()
    area, _rows, clicks = _area(qtbot)
    scroller = area.findChild(DragScroll)
    assert isinstance(scroller, DragScroll)
    scroller._clock = clock  # the one _area attached, on a clock this test moves
    return area, scroller, clock, clicks


def _swipe(
    qtbot: QtBot, area: QScrollArea, clock: FrozenClock, steps: list[tuple[float, int]]
) -> None:
    """A finger on the glass: ``steps`` are (seconds since the last event, dy so far)."""
    glass = area.viewport()
    start = QPoint(300, 250)
    qtbot.mousePress(glass, Qt.MouseButton.LeftButton, pos=start)
    for dt, dy in steps[:-1]:
        clock.now += dt
        qtbot.mouseMove(glass, start + QPoint(0, dy))
    dt, dy = steps[-1]
    clock.now += dt
    qtbot.mouseRelease(glass, Qt.MouseButton.LeftButton, pos=start + QPoint(0, dy))


def test_the_list_tracks_the_finger_one_to_one(app: QApplication, qtbot: QtBot) -> None:
    area, _scroller, clock, _clicks = _kinetic(qtbot)
    glass, bar = area.viewport(), area.verticalScrollBar()
    qtbot.mousePress(glass, Qt.MouseButton.LeftButton, pos=QPoint(300, 400))
    for dy in (30, 75, 160, 300):  # ~4 rows of 90 px per 300 px was the complaint: it is 1:1
        clock.now += 0.05
        qtbot.mouseMove(glass, QPoint(300, 400 - dy))
        assert bar.value() == dy
    clock.now += 0.3  # the finger rests, then lifts: no flick
    qtbot.mouseRelease(glass, Qt.MouseButton.LeftButton, pos=QPoint(300, 100))
    assert bar.value() == 300


def test_a_flick_keeps_going_and_decays(app: QApplication, qtbot: QtBot) -> None:
    area, scroller, clock, clicks = _kinetic(qtbot)
    bar = area.verticalScrollBar()
    # 20 px every 10 ms = 2000 px/s upwards at the release
    _swipe(qtbot, area, clock, [(0.01, -20 * i) for i in range(1, 11)] + [(0.0, -200)])
    assert bar.value() == 200
    flick = scroller.flick
    assert flick is not None and 1900 <= flick.velocity <= 2100
    clock.now += 0.1
    scroller.step()
    early = bar.value()
    assert 200 + 100 < early < 200 + 200  # moving fast (≈ 2000 px/s · 0.1 s, decaying)
    clock.now += 0.2
    scroller.step()
    assert (bar.value() - early) / 0.2 < (early - 200) / 0.1  # and slowing down
    clock.now += 5
    scroller.step()
    assert scroller.flick is None
    assert abs(bar.value() - (200 + round(2000 * DECAY_S))) <= 15  # ≈ v · DECAY_S further
    assert clicks == []


def test_only_the_last_100_ms_count(app: QApplication, qtbot: QtBot) -> None:
    area, scroller, clock, _clicks = _kinetic(qtbot)
    # fast at first, then a slow 100 ms before the release: the slow part decides, no flick
    steps = [(0.01, -40 * i) for i in range(1, 6)] + [(0.05, -202), (0.05, -204), (0.0, -204)]
    _swipe(qtbot, area, clock, steps)
    assert scroller.flick is None
    assert area.verticalScrollBar().value() == 204


def test_a_tap_stops_the_flick_and_taps_nothing(app: QApplication, qtbot: QtBot) -> None:
    area, scroller, clock, clicks = _kinetic(qtbot)
    bar = area.verticalScrollBar()
    _swipe(qtbot, area, clock, [(0.01, -30 * i) for i in range(1, 8)] + [(0.0, -210)])
    clock.now += 0.05
    scroller.step()
    assert scroller.flick is not None
    stopped_at = bar.value()
    button = area.widget().childAt(area.widget().mapFrom(area.viewport(), QPoint(300, 250)))
    assert isinstance(button, QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert scroller.flick is None
    clock.now += 1
    scroller.step()
    assert bar.value() == stopped_at  # it stays where the finger stopped it
    assert clicks == []  # that tap meant "stop", not "open this row"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the next tap is a tap
    assert clicks == [button.text()]


def test_a_flick_stops_at_the_end(app: QApplication, qtbot: QtBot) -> None:
    area, scroller, clock, _clicks = _kinetic(qtbot)
    bar = area.verticalScrollBar()
    _swipe(qtbot, area, clock, [(0.01, -80 * i) for i in range(1, 6)] + [(0.0, -400)])
    assert scroller.flick is not None and scroller.flick.velocity >= 7900
    clock.now += 2
    scroller.step()
    assert bar.value() == bar.maximum()
    assert scroller.flick is None


def test_a_flick_runs_on_its_own_timer(app: QApplication, qtbot: QtBot) -> None:
    # the real clock and the real frame timer: the flick moves the list and ends by itself
    area, _rows, _clicks = _area(qtbot)
    scroller = area.findChild(DragScroll)
    assert isinstance(scroller, DragScroll)
    scroller._clock = time.monotonic
    scroller.flick = None
    scroller.fling(1500.0)
    assert scroller.flick is not None
    qtbot.waitUntil(lambda: scroller.flick is None, timeout=5000)
    assert 300 <= area.verticalScrollBar().value() <= 600  # ≈ 1500 · DECAY_S


def test_the_scrollbar_fits_a_finger(app: QApplication, qtbot: QtBot) -> None:
    area, _rows, _clicks = _area(qtbot)
    area.setStyleSheet(stylesheet(large_text=False))
    area.verticalScrollBar().ensurePolished()
    assert area.verticalScrollBar().sizeHint().width() >= SCROLLBAR_MIN_PX


def test_focus_never_makes_a_row_current(app: QApplication, qtbot: QtBot) -> None:
    # Seen under real X events: after the idle overlay the list got focus back and its first
    # row became current: the dispute screen's charge to dispute, with nothing highlighted.
    window = QWidget()
    layout = QVBoxLayout(window)
    before = QPushButton("before")
    view = QListWidget()
    view.addItems([f"charge {i}" for i in range(10)])
    layout.addWidget(before)
    layout.addWidget(view)
    enable_touch_scroll(view, FrozenClock())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    before.setFocus()
    window.focusNextChild()
    QApplication.processEvents()
    assert view.currentRow() == -1


def _unshown_area() -> tuple[QScrollArea, DragScroll, list[str]]:
    """A list wired up before it is shown, as every screen's body is (ui/screen.py)."""
    clicks: list[str] = []
    content = QWidget()
    rows = QVBoxLayout(content)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    area.resize(600, 500)
    scroller = enable_touch_scroll(area, FrozenClock())
    for index in range(30):  # built after the wiring, like a screen's rows
        button = QPushButton(f"row {index}")
        button.setMinimumHeight(90)
        button.clicked.connect(lambda _=False, i=index: clicks.append(f"row {i}"))
        rows.addWidget(button)
    return area, scroller, clicks


def test_a_list_not_yet_painted_watches_only_its_viewport(app: QApplication, qtbot: QtBot) -> None:
    """Issue 12 (start-up): building a screen must not put every child's events through Python;
    the list is armed on the turn after its first paint, and then drags as any other."""
    area, scroller, clicks = _unshown_area()
    qtbot.addWidget(area)
    assert not scroller.armed
    area.show()
    qtbot.waitExposed(area)
    qtbot.waitUntil(lambda: scroller.armed, timeout=2000)
    button = area.widget().findChildren(QPushButton)[3]
    _drag(qtbot, area, button, -200)
    assert area.verticalScrollBar().value() == 200
    assert clicks == []
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == ["row 3"]


def test_the_pointer_arriving_arms_the_list_at_once(app: QApplication, qtbot: QtBot) -> None:
    """Qt sends Enter to the area before a press inside it: a press before the first
    paint's timer has run still starts a drag."""
    area, scroller, clicks = _unshown_area()
    qtbot.addWidget(area)
    area.show()  # shown, but no event processed yet: not painted
    assert not scroller.armed
    QApplication.sendEvent(area, QEvent(QEvent.Type.Enter))
    assert scroller.armed
    qtbot.waitExposed(area)
    _drag(qtbot, area, area.widget().findChildren(QPushButton)[3], -150)
    assert area.verticalScrollBar().value() == 150
    assert clicks == []
