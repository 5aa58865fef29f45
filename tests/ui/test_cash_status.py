"""The pay screen's "cash is off" sentence (ui/cash_status.py): one reason, never 'starting'."""

from __future__ import annotations

from kiosk.cash.desk import CashBlocker
from kiosk.i18n import Translator
from ui.cash_status import cash_off, cash_off_text


def test_starting_is_not_off_and_the_first_blocker_is_the_reason() -> None:
    zh, en = Translator("zh_CN"), Translator("en")
    assert cash_off((CashBlocker.STARTING,)) == ()
    assert cash_off_text(zh, (CashBlocker.STARTING,)) == ""
    assert cash_off_text(zh, ()) == ""
    both = (CashBlocker.SILENT, CashBlocker.STARTING, CashBlocker.BOX_FULL)
    assert cash_off(both) == (CashBlocker.SILENT, CashBlocker.BOX_FULL)
    assert cash_off_text(zh, both) == "现金缴费暂停使用：纸币识别器无响应。扫码支付仍可正常使用。"
    assert cash_off_text(en, (CashBlocker.STACKER_FULL, CashBlocker.UNCERTAIN)) == (
        "Cash payment is paused: cash box full. QR payment still works."
    )
