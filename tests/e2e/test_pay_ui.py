"""Top-up by QR code through the real screen against the live backend: journaled once,
paid, balance raised, receipt kept for staff."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.backend.factors import Factor
from kiosk.config import BackendConfig, Config
from kiosk.session import Customer
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.screens.pay.install import features as install_pay
from ui.screens.pay.pay import PayScreen
from ui.shell import Shell

PHONE = "13912345678"  # 神州行, pre-paid


@pytest.fixture
def kiosk(app: QApplication, live_backend: LiveBackend, tmp_path: Path) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_pay]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def test_qr_top_up_is_journaled_paid_and_shown(
    kiosk: Shell, qtbot: QtBot, live_backend: LiveBackend
) -> None:
    session = kiosk.ctx.backend.identify_password(PHONE, DEMO_PASSWORD)
    kiosk.ctx.sessions.identify(
        Customer(PHONE, session.name_masked, session.brand, {Factor.PASSWORD})
    )
    before = kiosk.ctx.backend.overview().balance_fen
    kiosk.navigator.go("pay")
    screen = kiosk.navigator.current
    assert isinstance(screen, PayScreen)
    qtbot.mouseClick(screen.amount_buttons[5000], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.order is not None and screen.qr.isVisible(), timeout=10_000)
    assert screen.order is not None
    assert screen.qr.payload == screen.order.qr_payload
    assert "伍拾元整" in screen.order_hint.text()
    kiosk.ctx.backend.demo_mark_paid(screen.order.order_id)  # the customer's phone pays
    qtbot.waitUntil(lambda: "已到账" in screen.order_text.text(), timeout=15_000)
    assert kiosk.ctx.backend.overview().balance_fen == before + 5000
    [entry] = kiosk.ctx.journal.recent()
    assert (entry.kind, entry.amount_fen, entry.status.value) == ("payment", 5000, "done")
    assert entry.transaction_id == screen.order.order_id
    assert entry.masked_phone == "139****5678"
    assert screen.print_panel.isVisible()  # the receipt is offered (no printer here: calm text)


def test_the_device_panel_pays_the_qr_order_while_the_screen_shows_it_waits(
    kiosk: Shell, qtbot: QtBot, live_backend: LiveBackend, tmp_path: Path
) -> None:
    """Issue 13 Deliver 8: the demo customer finishes a QR payment by tapping the panel."""
    import datetime as dt

    from demo.device_panel import DevicePanel
    from demo.stack import DemoEndpoints
    from kiosk.session import EndReason

    endpoints = DemoEndpoints(
        live_backend.url, None, None, tmp_path, tmp_path, dt.date(2026, 11, 25)
    )
    panel = DevicePanel(kiosk, endpoints)
    try:
        session = kiosk.ctx.backend.identify_password(PHONE, DEMO_PASSWORD)
        kiosk.ctx.sessions.identify(
            Customer(PHONE, session.name_masked, session.brand, {Factor.PASSWORD})
        )
        kiosk.navigator.go("pay")
        screen = kiosk.navigator.current
        assert isinstance(screen, PayScreen)
        panel.pay_button.click()  # nothing to pay yet
        assert "没有待支付" in panel.result.text()
        qtbot.mouseClick(screen.amount_buttons[2000], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: screen.qr.isVisible(), timeout=10_000)
        # Waiting for the phone: the dots move (a timer, never a blocking wait).
        assert screen.waiting.isVisible() and screen.waiting.running
        seen = {screen.waiting.text()}
        qtbot.waitUntil(lambda: seen.add(screen.waiting.text()) or len(seen) >= 3, timeout=3_000)
        assert all(text.startswith("正在等待手机付款") for text in seen)
        panel.pay_button.click()
        qtbot.waitUntil(lambda: "已到账" in screen.order_text.text(), timeout=15_000)
        assert "已支付" in panel.result.text()
        assert not screen.waiting.isVisible() and not screen.waiting.running
        panel.sms.setPlainText("12:00: 您的验证码 123456")
        kiosk.end_session(EndReason.CUSTOMER)
        assert panel.sms.toPlainText() == ""  # the next customer never sees these codes
    finally:
        panel.close()
        panel.deleteLater()
