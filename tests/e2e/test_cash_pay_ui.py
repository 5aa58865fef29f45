"""现金缴费 through the real screens: pay screen -> cash screen -> name check -> notes in the
emulated acceptor -> 完成 -> credited once on the live backend; the screen and the receipt say
the line's money as the overview does (a post-paid parent's 本月应缴, never a negative sum)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from backend.db import tables as t
from backend.db.engine import make_engine
from common.hall_time import hall_now
from common.money import format_fen
from emulators.cash import BillValidatorEmulator
from kiosk.backend.factors import Factor
from kiosk.cash.desk import CashState
from kiosk.config import BackendConfig, Config, DevicesConfig
from kiosk.money import money_lines
from kiosk.session import Customer
from printer.document import KeyValue
from printer.receipts.payment import build_payment_receipt
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.screens.pay.cash import CashPayScreen
from ui.screens.pay.install import features as install_pay
from ui.screens.pay.pay import PayScreen
from ui.shell import Shell


@pytest.fixture
def emulator() -> Iterator[BillValidatorEmulator]:
    with BillValidatorEmulator(transport_s=0.1) as emu:
        yield emu


@pytest.fixture
def kiosk(
    app: QApplication, live_backend: LiveBackend, tmp_path: Path, emulator: BillValidatorEmulator
) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
        devices=DevicesConfig(cash_acceptor=emulator.port_path),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_pay]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


@pytest.mark.timeout(120)
def test_cash_top_up_for_another_number_through_the_screens(
    kiosk: Shell, qtbot: QtBot, live_backend: LiveBackend, emulator: BillValidatorEmulator
) -> None:
    # The parent's line is post-paid and owes ¥100 of its bill: its raw account sum stays
    # negative after the ¥40 (what a "当前余额" from balance_after_fen would have shown).
    parent = live_backend.query(
        "SELECT number FROM lines WHERE id > 9 AND is_prepaid = ? ORDER BY id", False
    )[-1][0]
    me = next(n for n in live_backend.random_numbers() if n != parent)
    engine = make_engine(live_backend.db_url)
    try:
        with engine.begin() as conn:
            owing = update(t.lines).where(t.lines.c.number == parent)
            conn.execute(owing.values(balance_fen=-10000))
    finally:
        engine.dispose()
    session = kiosk.ctx.backend.identify_password(me, DEMO_PASSWORD)
    kiosk.ctx.sessions.identify(Customer(me, session.name_masked, session.brand, {Factor.PASSWORD}))
    before = int(live_backend.query("SELECT balance_fen FROM lines WHERE number = ?", parent)[0][0])
    kiosk.navigator.go("pay")
    pay = kiosk.navigator.current
    assert isinstance(pay, PayScreen) and pay.cash_button.isVisible()
    qtbot.mouseClick(pay.cash_button, Qt.MouseButton.LeftButton)
    screen = kiosk.navigator.current
    assert isinstance(screen, CashPayScreen)
    qtbot.waitUntil(lambda: screen.other_button.isEnabled(), timeout=20_000)
    assert "¥100" in screen.accepted.text() and "不设找零" in screen.accepted.text()
    qtbot.mouseClick(screen.other_button, Qt.MouseButton.LeftButton)
    for digit in parent:
        qtbot.mouseClick(screen.keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.keypad.submit_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.confirm_button.isVisible(), timeout=10_000)
    assert parent[-4:] in screen.text.text() and "机主" in screen.text.text()
    assert not emulator.accepting  # no note can go in before the name is confirmed
    assert screen.notice.isHidden()  # no empty banner before there is something to say
    qtbot.mouseClick(screen.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: emulator.accepting, timeout=10_000)
    emulator.insert(20)
    emulator.insert(20)
    emulator.fake()
    qtbot.waitUntil(lambda: "× 2 张" in screen.lines.text(), timeout=10_000)
    qtbot.waitUntil(lambda: "无法识别" in screen.notice.text(), timeout=10_000)
    assert screen.notice.isVisible()
    assert "¥40.00" in screen.text.text()
    qtbot.mouseClick(screen.finish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已到账" in screen.text.text(), timeout=20_000)
    assert "肆拾元整" in screen.text.text()
    assert screen.view is not None and screen.view.state is CashState.DONE
    after = int(live_backend.query("SELECT balance_fen FROM lines WHERE number = ?", parent)[0][0])
    assert after == before + 4000 == -6000
    # The screen says the overview's figure for the parent's line, in the overview's widget.
    with live_backend.client() as client:
        client.identify_password(parent, DEMO_PASSWORD)
        figure = client.overview().money
    zh = kiosk.ctx.translator.catalogue("zh_CN")
    expected = [(zh[line.label.key], format_fen(line.fen)) for line in money_lines(figure)]
    assert [caption for caption, _ in expected] == ["本月应缴", "信用额度剩余"]
    assert screen.money_view.isVisible() and screen.money_view.texts() == expected
    assert f"缴费后{expected[0][0]} {expected[0][1]}" in screen.text.text()
    assert expected[0][1] == "¥60.00"
    assert "-" not in screen.text.text() and "余额" not in screen.text.text()
    # The 自助缴费凭据 prints the same lines and no negative amount.
    document = build_payment_receipt(screen.receipt(screen.view, hall_now()), hall_now())
    printed = {b.label: b.value for b in document.blocks if isinstance(b, KeyValue)}
    assert [(c, printed[c]) for c, _ in expected] == expected
    assert printed["交易金额"] == "¥40.00"
    assert not any(value.startswith("-") or "-¥" in value for value in printed.values())
    assert not emulator.accepting
    assert screen.print_panel.isVisible()  # 自助缴费凭据 offered (no printer here: calm text)


@pytest.mark.timeout(120)
def test_the_cash_button_is_disabled_with_the_reason_while_cash_is_off(
    kiosk: Shell, qtbot: QtBot, live_backend: LiveBackend, emulator: BillValidatorEmulator
) -> None:
    """A jammed acceptor: 现金缴费 on the pay screen is disabled and says why (the desk's
    blocker), QR amounts stay open; once staff clear it the button comes back by itself."""
    me = live_backend.random_numbers()[0]
    session = kiosk.ctx.backend.identify_password(me, DEMO_PASSWORD)
    kiosk.ctx.sessions.identify(Customer(me, session.name_masked, session.brand, {Factor.PASSWORD}))
    desk = kiosk.ctx.services.cash.get()  # type: ignore[union-attr]
    assert desk.wait_for(lambda _v: desk.available, 20)
    assert desk.poller.wait_polls(2, 10)  # past the first read (its counter is the baseline)
    emulator.jam()
    assert desk.wait_for(lambda _v: not desk.available, 20)
    kiosk.navigator.go("pay")
    pay = kiosk.navigator.current
    assert isinstance(pay, PayScreen)
    qtbot.waitUntil(lambda: not pay.cash_button.isEnabled(), timeout=10_000)
    assert pay.cash_button.isVisible() and pay.cash_notice.isVisible()
    assert pay.cash_notice.text() == "现金缴费暂停使用：卡币。扫码支付仍可正常使用。"
    assert all(b.isEnabled() for b in pay.amount_buttons.values())  # QR still works
    qtbot.mouseClick(pay.cash_button, Qt.MouseButton.LeftButton)
    assert kiosk.navigator.current is pay  # no screen that could only say "unavailable"
    kiosk.ctx.translator.set_locale("en")
    pay.retranslate()
    assert pay.cash_notice.text() == "Cash payment is paused: note jammed. QR payment still works."
    kiosk.ctx.translator.set_locale("zh_CN")
    pay.retranslate()
    emulator.stacker_inserted()  # staff clear the jam while the screen is shown
    qtbot.waitUntil(lambda: pay.cash_button.isEnabled(), timeout=20_000)
    assert not pay.cash_notice.isVisible() and pay.cash_notice.text() == ""
    qtbot.mouseClick(pay.cash_button, Qt.MouseButton.LeftButton)
    screen = kiosk.navigator.current
    assert isinstance(screen, CashPayScreen)
    # (its desk read done before the kiosk stops: a late services.cash.get() would rebuild it)
    qtbot.waitUntil(lambda: screen.start_button.isEnabled(), timeout=20_000)
