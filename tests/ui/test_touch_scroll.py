"""Drag-to-scroll: a tap clicks, a drag scrolls and clicks nothing, rows added later too."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
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

from ui.widgets.touch_scroll import enable_touch_scroll


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
