"""Lists inside a scrolled page (every screen's body scrolls, ui/screen.py): one gesture moves
one list, the innermost that can go that way; a drag never taps or selects; the Screen base
keeps ``layout_`` as its body's layout."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.test_touch_scroll import FrozenClock, _drag
from ui.widgets.touch_scroll import enable_touch_scroll


def _page(qtbot: QtBot, inner_rows: int) -> tuple[QScrollArea, QListWidget, list[str]]:
    """A page taller than its window: a button, a list of ``inner_rows`` rows, more buttons."""
    taps: list[str] = []
    content = QWidget()
    box = QVBoxLayout(content)
    top = QPushButton("top")
    top.setMinimumHeight(200)
    top.clicked.connect(lambda: taps.append("top"))
    box.addWidget(top)
    rows = QListWidget()
    rows.addItems([f"row {i}" for i in range(inner_rows)])
    rows.setFixedHeight(300)
    rows.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    rows.currentRowChanged.connect(lambda row: taps.append(f"row {row}"))
    box.addWidget(rows)
    for index in range(6):
        button = QPushButton(f"below {index}")
        button.setMinimumHeight(200)
        box.addWidget(button)
    page = QScrollArea()
    page.setWidgetResizable(True)
    page.setWidget(content)
    page.resize(600, 700)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    enable_touch_scroll(page, FrozenClock())
    enable_touch_scroll(rows, FrozenClock())
    QApplication.processEvents()
    return page, rows, taps


def test_a_drag_on_a_list_with_room_moves_that_list_only(app: QApplication, qtbot: QtBot) -> None:
    page, rows, taps = _page(qtbot, inner_rows=60)
    assert rows.verticalScrollBar().maximum() > 0 and page.verticalScrollBar().maximum() > 0
    _drag(qtbot, page, rows.viewport(), -150)
    assert rows.verticalScrollBar().value() > 100
    assert page.verticalScrollBar().value() == 0
    assert taps == [] and rows.selectedItems() == []


def test_a_drag_on_a_list_that_cannot_scroll_moves_the_page(
    app: QApplication, qtbot: QtBot
) -> None:
    page, rows, taps = _page(qtbot, inner_rows=2)
    assert rows.verticalScrollBar().maximum() == 0
    _drag(qtbot, page, rows.viewport(), -150)
    assert page.verticalScrollBar().value() > 100
    assert taps == [] and rows.selectedItems() == []  # the row under the finger: not chosen


def test_a_list_at_its_end_hands_the_drag_to_the_page(app: QApplication, qtbot: QtBot) -> None:
    page, rows, taps = _page(qtbot, inner_rows=60)
    rows.verticalScrollBar().setValue(rows.verticalScrollBar().maximum())
    _drag(qtbot, page, rows.viewport(), -150)
    assert page.verticalScrollBar().value() > 100
    assert taps == []


def test_a_drag_on_a_button_of_the_page_moves_the_page_and_taps_nothing(
    app: QApplication, qtbot: QtBot
) -> None:
    page, rows, taps = _page(qtbot, inner_rows=60)
    top = page.findChildren(QPushButton)[0]
    _drag(qtbot, page, top, -150)
    assert page.verticalScrollBar().value() > 100
    assert rows.verticalScrollBar().value() == 0
    assert taps == []


def test_the_screen_body_scrolls_and_layout_is_the_bodys(app: QApplication, qtbot: QtBot) -> None:
    from kiosk.config import Config
    from ui.screen import Screen
    from ui.widgets.touch_scroll import DragScroll

    class _Ctx:
        config = Config()

    screen = Screen(_Ctx())  # type: ignore[arg-type]
    qtbot.addWidget(screen)
    assert screen.layout_.parentWidget() is screen.body
    assert screen.body_scroll.widget() is screen.body
    assert screen.body_scroll.findChild(DragScroll) is not None
    for index in range(12):
        button = QPushButton(f"b{index}")
        button.setMinimumHeight(120)
        screen.layout_.addWidget(button)
    screen.resize(800, 600)
    screen.show()
    qtbot.waitExposed(screen)
    QApplication.processEvents()
    assert screen.body_scroll.verticalScrollBar().maximum() > 0  # taller content scrolls
    assert screen.body.width() <= screen.body_scroll.viewport().width()  # never sideways
