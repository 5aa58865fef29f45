"""after_first_paint: the callback runs once, only after the widget's first frame."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from ui.first_paint import after_first_paint


def test_callback_runs_once_after_the_first_paint(app: QApplication, qtbot: QtBot) -> None:
    label = QLabel("首页")
    qtbot.addWidget(label)
    calls: list[bool] = []
    after_first_paint(label, lambda: calls.append(label.isVisible()))
    QApplication.processEvents()
    assert calls == []  # not shown, not painted
    label.show()
    qtbot.waitUntil(lambda: calls == [True])
    label.update()
    label.repaint()
    QApplication.processEvents()
    assert calls == [True]
