"""The double-confirmation panel: nothing happens before the second tap; one tap, one signal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.i18n import Translator
from ui.widgets.confirm import ConfirmPanel


def test_ask_confirm_once_and_cancel(app: QApplication, qtbot: QtBot) -> None:
    panel = ConfirmPanel(Translator("zh_CN"))
    qtbot.addWidget(panel)
    assert panel.isHidden()
    panel.ask("订购 来电显示", [("月费", "¥5.00"), ("生效时间", "立即生效")], note="可随时退订")
    assert panel.isVisible()
    texts = [w.text() for w in panel.findChildren(QLabel) if w.isVisible()]
    assert {"请再次确认", "订购 来电显示", "月费", "¥5.00", "生效时间", "可随时退订"} <= set(texts)
    assert panel.confirm_button.text() == "确认办理"
    with qtbot.waitSignal(panel.confirmed):
        qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    assert not panel.confirm_button.isEnabled()  # a second tap sends nothing
    panel.ask("报停", confirm_key="confirm.cancel")
    assert panel.confirm_button.isEnabled()
    QApplication.processEvents()
    assert [
        w.text() for w in panel.findChildren(QLabel) if w.isVisible() and w.text() == "月费"
    ] == []
    with qtbot.waitSignal(panel.cancelled):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible()
