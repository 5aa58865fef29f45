"""Top-up by QR code through the real screen against the live backend: journaled once,
paid, balance raised, receipt kept for staff."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from common.hall_time import hall_now
from kiosk.backend.factors import Factor
from kiosk.config import BackendConfig, Config
from kiosk.session import Customer
from printer.document import KeyValue
from printer.receipts.payment import build_payment_receipt
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend, identify_fully
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.screens.account.install import features as install_account
from ui.screens.account.overview import OverviewScreen
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


POSTPAID = "13728880000"  # 陈嘉欣, 全球通: post-paid, credit ¥100 (not used by other e2e tests)


@pytest.fixture
def kiosk_with_overview(
    app: QApplication, live_backend: LiveBackend, tmp_path: Path
) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_pay, install_account]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def test_every_screen_and_the_receipt_show_one_figure_after_paying(
    kiosk_with_overview: Shell, qtbot: QtBot, live_backend: LiveBackend
) -> None:
    """Issue 13 major 3: overview, pay result and receipt agree (post-paid: 本月应缴 and
    信用额度剩余, never a negative "可用余额")."""
    kiosk = kiosk_with_overview
    backend = kiosk.ctx.backend
    identify_fully(live_backend, backend, POSTPAID)
    kiosk.ctx.sessions.identify(Customer(POSTPAID, "陈*欣", "全球通", {Factor.ID_CARD, Factor.SMS}))
    kiosk.navigator.go("overview")
    overview = kiosk.navigator.current
    assert isinstance(overview, OverviewScreen)
    qtbot.waitUntil(lambda: bool(overview.money_view.texts()), timeout=10_000)
    before = overview.money_view.texts()
    assert [caption for caption, _ in before] == ["本月应缴", "信用额度剩余"]
    # One unit rule for data (issue 13): GB from 1024 MB on, never "10240 MB".
    usage = [w.text() for w in overview.findChildren(QLabel) if "套餐含" in w.text()]
    assert usage and all(int(n) < 1024 for t in usage for n in re.findall(r"(\d+)\s*MB", t))
    kiosk.navigator.go("pay")
    pay = kiosk.navigator.current
    assert isinstance(pay, PayScreen)
    qtbot.mouseClick(pay.amount_buttons[5000], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pay.order is not None and pay.qr.isVisible(), timeout=10_000)
    assert pay.order is not None
    backend.demo_mark_paid(pay.order.order_id)
    qtbot.waitUntil(lambda: "已到账" in pay.order_text.text(), timeout=15_000)
    shown_on_pay = pay.money_view.texts()
    assert pay.money_view.isVisible()
    assert all("-" not in amount for _, amount in shown_on_pay)
    due_caption, due_amount = shown_on_pay[0]
    assert f"缴费后{due_caption} {due_amount}" in pay.order_hint.text()
    # The receipt says what the screen says.
    assert pay.order is not None
    document = build_payment_receipt(pay.receipt(pay.order), pay.order.paid_at or hall_now())
    printed = {b.label: b.value for b in document.blocks if isinstance(b, KeyValue)}
    assert [(c, printed[c]) for c, _ in shown_on_pay] == shown_on_pay
    kiosk.navigator.go("overview")
    overview = kiosk.navigator.current
    assert isinstance(overview, OverviewScreen)
    qtbot.waitUntil(lambda: overview.money_view.texts() == shown_on_pay, timeout=10_000)
    assert overview.money_view.texts() != before  # the payment is counted


def test_the_device_panel_pays_the_qr_order_while_the_screen_shows_it_waits(
    kiosk: Shell, qtbot: QtBot, live_backend: LiveBackend, tmp_path: Path
) -> None:
    """Issue 13 Deliver 8: the demo customer finishes a QR payment by tapping the panel."""
    from demo.device_panel import DevicePanel
    from demo.stack import DemoEndpoints
    from kiosk.session import EndReason

    endpoints = DemoEndpoints(
        live_backend.url, None, None, tmp_path, tmp_path, live_backend.today
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
