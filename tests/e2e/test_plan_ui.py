"""套餐变更 through the real screens against a PRIVATE backend (the change books the line's
next plan) and the printer emulator: list with estimates -> comparison -> second
confirmation -> booked (backend row, transaction row, journal row) -> 业务受理单 printed and
kept for staff; then a change booked meanwhile elsewhere is refused calmly."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from backend.agreements import PLAN_CHANGE
from common.months import month_of, next_month_start
from emulators.printer.emulator import PrinterEmulator
from kiosk.backend.factors import Factor
from kiosk.config import BackendConfig, Config, DevicesConfig
from kiosk.journal import EntryStatus
from kiosk.session import Customer
from tests.fixtures.live_backend import DEMO_TODAY, LiveBackend, identify_fully, start_backend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.screens.plan.compare import PlanCompareScreen
from ui.screens.plan.install import features as install_plan
from ui.screens.plan.plans import PlansScreen
from ui.shell import Shell

EFFECTIVE = next_month_start(month_of(DEMO_TODAY)).isoformat()  # a plan change: next month's 1st

PHONE = "13800138000"  # 张晓峰, 全球通 QQT128, demo card 0
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # Private: the change books the line's next plan (the shared backend stays untouched).
    with start_backend(
        tmp_path_factory.mktemp("plan-backend"), customers=1, sms_resend_after_s=0
    ) as own:
        yield own


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    printer = PrinterEmulator(tmp_path / "receipts")
    printer.start()
    yield printer
    printer.stop()


@pytest.fixture
def kiosk(
    app: QApplication, backend: LiveBackend, emulator: PrinterEmulator, tmp_path: Path
) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=backend.url, terminal_token=backend.terminal_token),
        devices=DevicesConfig(printer=str(emulator.port_path)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_plan]))
    show_painted(shell)
    # ID card + SMS code, as the identification screens would leave the session.
    identify_fully(backend, shell.ctx.backend, PHONE)
    shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS}))
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _tap(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _plans(shell: Shell, qtbot: QtBot) -> PlansScreen:
    shell.open_feature("plan")
    screen = shell.navigator.current
    assert isinstance(screen, PlansScreen)
    qtbot.waitUntil(lambda: len(screen.rows) == 3, timeout=WAIT_MS)
    return screen


def _compare(shell: Shell, qtbot: QtBot, code: str) -> PlanCompareScreen:
    plans = _plans(shell, qtbot)
    _tap(qtbot, plans.row(code).choose_button)
    screen = shell.navigator.current
    assert isinstance(screen, PlanCompareScreen)
    return screen


def _booked(backend: LiveBackend) -> object:
    [(code,)] = backend.query("SELECT next_plan_code FROM lines WHERE number = ?", PHONE)
    return code


def test_plan_change_through_the_screens(
    kiosk: Shell, qtbot: QtBot, backend: LiveBackend, emulator: PrinterEmulator
) -> None:
    plans = _plans(kiosk, qtbot)
    # The demo customer's last 5 bills average 449 minutes: ¥88 + 49 x ¥0.19 = ¥97.31.
    assert [r.estimate.plan.code for r in plans.rows] == ["QQT88", "QQT128", "QQT58"]
    assert plans.advice.text().endswith("预计每月约¥97.31，比现在省¥30.69。")
    assert plans.row("QQT128").current_mark.isVisible()
    screen = _compare(kiosk, qtbot, "QQT88")
    assert screen.difference.text() == "换成这个套餐，预计每月省¥30.69。"
    _tap(qtbot, screen.change_button)
    qtbot.waitUntil(screen.confirm.isVisible, timeout=WAIT_MS)  # once the agreement came
    assert _booked(backend) is None  # nothing before the second confirmation
    assert ("生效日期", EFFECTIVE) in screen.confirm.rows
    # The operator's 入网协议 clauses; 确认办理 only after 我已阅读并同意.
    assert screen.confirm.agreement_title.text() == PLAN_CHANGE.title
    assert not screen.confirm.confirm_button.isEnabled()
    _tap(qtbot, screen.confirm.consent_button)
    _tap(qtbot, screen.confirm.confirm_button)
    qtbot.waitUntil(lambda: screen.change is not None, timeout=WAIT_MS)
    change = screen.change
    assert change is not None
    assert [v.text() for v in screen.result_values] == [
        "全球通畅享套餐88元",
        EFFECTIVE,
        change.transaction_id,
    ]
    assert "来电显示" in screen.services.text()  # kept, as the backend reports
    # The backend's rows: the booking and the transaction.
    assert _booked(backend) == "QQT88"
    rows = backend.query(
        "SELECT kind, detail, terminal_id FROM transactions WHERE transaction_id = ?",
        change.transaction_id,
    )
    assert rows == [("plan_change", "QQT128->QQT88", backend.terminal_id)]
    consents = backend.query(
        "SELECT topic, version FROM consents WHERE reference = ?", change.transaction_id
    )
    assert consents == [("plan_change", PLAN_CHANGE.version)]
    # The local journal: written before the call, done with the backend's number.
    [entry] = kiosk.ctx.journal.recent()
    assert (entry.kind, entry.status, entry.transaction_id) == (
        "plan_change",
        EntryStatus.DONE,
        change.transaction_id,
    )
    assert entry.masked_phone == "138****8000" and entry.amount_fen is None
    # The 业务受理单: printed, masked, kept for staff.
    _tap(qtbot, screen.receipt_button)
    panel = screen.print_panel
    qtbot.waitUntil(lambda: panel.state == "offered", timeout=WAIT_MS)
    _tap(qtbot, panel.confirm_button)
    qtbot.waitUntil(lambda: panel.state == "done", timeout=WAIT_MS)
    [receipt] = emulator.wait_for_receipts(1, timeout=20)
    text = receipt.text
    flat = text.replace("\n", "").replace(" ", "")  # the slip wraps long notes
    assert f"已阅读并同意{PLAN_CHANGE.title}（版本{PLAN_CHANGE.version}）" in flat
    for expected in ("业务受理单", "套餐变更", "全球通畅享套餐88元", EFFECTIVE):
        assert expected in text, expected
    assert change.transaction_id in text
    assert PHONE not in text and "138****8000" in text
    adapter = kiosk.ctx.services.printer
    assert adapter is not None
    assert [c.title for c in adapter.history()] == ["业务受理单"]


def test_a_change_booked_meanwhile_is_refused_calmly(
    kiosk: Shell, qtbot: QtBot, backend: LiveBackend
) -> None:
    # Runs after the first test: QQT88 is booked. The list says so and offers no second go.
    plans = _plans(kiosk, qtbot)
    assert plans.row("QQT88").booked_mark.isVisible()
    screen = _compare(kiosk, qtbot, "QQT58")
    _tap(qtbot, screen.change_button)
    qtbot.waitUntil(screen.confirm.isVisible, timeout=WAIT_MS)
    # Booked meanwhile (e.g. at another terminal).
    kiosk.ctx.backend.change_plan("QQT58", PLAN_CHANGE.version)
    _tap(qtbot, screen.confirm.consent_button)
    _tap(qtbot, screen.confirm.confirm_button)
    qtbot.waitUntil(screen.error.isVisible, timeout=WAIT_MS)
    assert screen.error.text() == (
        "这次没有办理成功：您已办理该套餐，下月1日起生效。您的套餐没有变化。"
    )
    assert screen.change is None and screen.comparison.isVisible()
    assert _booked(backend) == "QQT58"
    [entry] = kiosk.ctx.journal.recent()
    assert (entry.kind, entry.status) == ("plan_change", EntryStatus.FAILED)
