"""发票打印 and 骚扰举报 through the real screens against a private reference backend and the
receipt printer emulator on a pty: the invoice is issued once, printed and kept; a second
issue is refused by the backend; a spam report is filed with its content and a masked
业务受理单 is printed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from common.months import month_of, months_back
from emulators.printer.emulator import PrinterEmulator
from kiosk import spam as ks
from kiosk.backend.errors import Conflict
from kiosk.backend.factors import Factor
from kiosk.config import BackendConfig, Config, DevicesConfig
from kiosk.session import Customer
from tests.fixtures.live_backend import DEMO_PASSWORD, DEMO_TODAY, LiveBackend, start_backend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.screens.invoice.install import features as install_invoice
from ui.screens.invoice.invoice import InvoiceScreen
from ui.screens.invoice.spam import SpamScreen
from ui.shell import Shell

PHONE = "13800138000"  # 张晓峰, 全球通
MONTH = months_back(DEMO_TODAY, 1)  # the last closed month
SPAMMER = "13912340000"
PRINT_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # Its own instance: an invoice can be issued once per month and line.
    with start_backend(tmp_path_factory.mktemp("invoice-backend"), customers=1) as backend:
        yield backend


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrinterEmulator]:
    base = tmp_path_factory.mktemp("invoice-e2e-printer")
    with PrinterEmulator(base / "receipts", link_path=base / "ttyPRN") as printer:
        yield printer


@pytest.fixture
def kiosk(
    app: QApplication, own_backend: LiveBackend, emulator: PrinterEmulator, tmp_path: Path
) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=own_backend.url, terminal_token=own_backend.terminal_token),
        devices=DevicesConfig(printer=str(emulator.port_path)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_invoice]))
    show_painted(shell)
    session = shell.ctx.backend.identify_password(PHONE, DEMO_PASSWORD)
    shell.ctx.sessions.identify(
        Customer(PHONE, session.name_masked, session.brand, {Factor.PASSWORD})
    )
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_invoice_is_issued_once_printed_and_kept(
    kiosk: Shell, qtbot: QtBot, own_backend: LiveBackend, emulator: PrinterEmulator
) -> None:
    kiosk.open_feature("invoice")
    screen = kiosk.navigator.current
    assert isinstance(screen, InvoiceScreen)
    qtbot.waitUntil(lambda: len(screen.month_buttons) == 5, timeout=10_000)
    assert month_of(DEMO_TODAY) not in screen.month_buttons  # the open month: not invoiceable
    [bill_total] = own_backend.query(
        "SELECT b.total_fen FROM bills b JOIN lines l ON l.id = b.line_id "
        "WHERE l.number = ? AND b.month = ?",
        PHONE,
        MONTH,
    )
    _tap(qtbot, screen.month_buttons[MONTH])
    qtbot.waitUntil(screen.issue_button.isVisible, timeout=10_000)
    assert screen.row_values["title"].text() == "张*峰"
    _tap(qtbot, screen.issue_button)
    _tap(qtbot, screen.confirm.confirm_button)
    panel = screen.print_panel
    qtbot.waitUntil(lambda: panel.state == "offered", timeout=15_000)
    [(number, amount)] = own_backend.query(
        "SELECT i.invoice_number, i.amount_fen FROM invoices i JOIN lines l ON l.id = i.line_id "
        "WHERE l.number = ? AND i.month = ?",
        PHONE,
        MONTH,
    )
    assert amount == max(0, bill_total[0])
    assert screen.row_values["number"].text() == number
    before = len(emulator.receipts())
    _tap(qtbot, panel.confirm_button)
    qtbot.waitUntil(lambda: panel.state in ("done", "failed"), timeout=PRINT_TIMEOUT_MS)
    assert panel.state == "done", panel.message.text()
    saved = emulator.wait_for_receipts(before + 1, timeout=20)[-1]
    assert "通信服务费发票" in saved.text and number in saved.text and MONTH in saved.text
    assert "张*峰" in saved.text and "138****8000" in saved.text and PHONE not in saved.text
    assert f"{amount / 100:.2f}" in saved.text
    assert not saved.overflow and saved.png_path.stat().st_size > 0
    assert not screen.print_button.isVisible() and not screen.issue_button.isVisible()
    [entry] = kiosk.ctx.journal.recent()
    assert (entry.kind, entry.transaction_id, entry.status.value) == ("invoice", number, "done")
    # The backend refuses a second invoice for the month (reprints are the counter's job) ...
    with pytest.raises(Conflict):
        kiosk.ctx.backend.issue_invoice(MONTH)
    rows = own_backend.query(
        "SELECT count(*) FROM invoices i JOIN lines l ON l.id = i.line_id "
        "WHERE l.number = ? AND i.month = ?",
        PHONE,
        MONTH,
    )
    assert rows == [(1,)]
    # ... and the kiosk keeps a copy for staff to reprint.
    adapter = kiosk.ctx.services.printer
    assert adapter is not None
    assert any(number.encode() in kept.data for kept in adapter.history())


def test_spam_report_is_filed_and_its_receipt_printed(
    kiosk: Shell, qtbot: QtBot, own_backend: LiveBackend, emulator: PrinterEmulator
) -> None:
    kiosk.open_feature("spam")
    screen = kiosk.navigator.current
    assert isinstance(screen, SpamScreen)
    for digit in SPAMMER:
        _tap(qtbot, screen.keypad.digit_button(digit))
    _tap(qtbot, screen.category_buttons[ks.SpamCategory.HARASSMENT_CALL])
    _tap(qtbot, screen.next_button)
    _tap(qtbot, screen.confirm.confirm_button)
    qtbot.waitUntil(lambda: screen.report is not None, timeout=15_000)
    assert screen.report is not None
    rows = own_backend.query(
        "SELECT reported_number, content FROM spam_reports WHERE report_id = ?",
        screen.report.report_id,
    )
    assert rows == [(SPAMMER, "骚扰电话")]
    assert screen.report.report_id in screen.result.text()
    panel = screen.print_panel
    qtbot.waitUntil(lambda: panel.state == "offered", timeout=15_000)
    before = len(emulator.receipts())
    _tap(qtbot, panel.confirm_button)
    qtbot.waitUntil(lambda: panel.state in ("done", "failed"), timeout=PRINT_TIMEOUT_MS)
    assert panel.state == "done", panel.message.text()
    text = emulator.wait_for_receipts(before + 1, timeout=20)[-1].text
    assert "业务受理单" in text and screen.report.report_id in text
    assert "139****0000" in text and SPAMMER not in text
