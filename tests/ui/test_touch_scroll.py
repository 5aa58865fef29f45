"""Drag-to-scroll: a tap clicks, a drag scrolls and clicks nothing, rows added later too."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets.touch_scroll import enable_touch_scroll


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
    enable_touch_scroll(area)
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
