"""The double-confirmation panel: nothing happens before the second tap; one tap, one signal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.backend import models as m
from kiosk.i18n import Translator
from ui.theme import stylesheet
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


AGREEMENT = m.Agreement(
    "plan_change",
    "2026.11",
    "《中国移动客户入网服务协议》套餐变更条款",
    "\n".join(f"第{n}条：新套餐自下月1日起生效，本月仍按原套餐计费。" for n in range(1, 9)),
)


def test_with_an_agreement_confirm_waits_for_consent(app: QApplication, qtbot: QtBot) -> None:
    panel = ConfirmPanel(Translator("zh_CN"))
    panel.setStyleSheet(stylesheet(large_text=True))  # the kiosk's look (buttons' heights)
    qtbot.addWidget(panel)
    panel.resize(1500, 900)
    panel.show()
    panel.ask("改为 全球通畅享套餐88元", [("月费", "¥88.00")], agreement=AGREEMENT)
    assert panel.agreement_title.isVisible() and panel.agreement_scroll.isVisible()
    assert panel.agreement_title.text() == AGREEMENT.title
    assert panel.agreement_text.text() == AGREEMENT.text
    assert panel.consent_button.text() == "我已阅读并同意"
    assert panel.consent_button.height() >= 84
    assert not panel.confirm_button.isEnabled()
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)  # nothing happens
    assert not panel.consented
    # The long text scrolls inside a box of a few lines instead of stretching the panel.
    scroll = panel.agreement_scroll
    assert scroll.height() < 300
    assert scroll.verticalScrollBar().maximum() > 0
    qtbot.mouseClick(panel.consent_button, Qt.MouseButton.LeftButton)
    assert panel.consented and panel.confirm_button.isEnabled()
    assert panel.consent_button.text() == "✓ 我已阅读并同意"
    qtbot.mouseClick(panel.consent_button, Qt.MouseButton.LeftButton)  # changed the mind
    assert not panel.consented and not panel.confirm_button.isEnabled()
    qtbot.mouseClick(panel.consent_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.confirmed):
        qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    # Asking again asks afresh: unchecked, confirm off.
    panel.ask("改为 全球通畅享套餐88元", [("月费", "¥88.00")], agreement=AGREEMENT)
    assert not panel.consent_button.isChecked() and not panel.confirm_button.isEnabled()
    # A question without an agreement shows none of it and needs no consent.
    panel.ask("报停")
    assert panel.agreement_part.isHidden() and panel.confirm_button.isEnabled()
    panel.close_question()
    assert panel.agreement is None and not panel.consented
