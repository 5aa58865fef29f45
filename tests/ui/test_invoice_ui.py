"""发票打印 screen: months with amounts, issue once with a second confirmation, print on the
receipt printer (emulator on a pty), earlier invoices only shown, a lost answer retried
without a second invoice, language switch, session wipe, and 1080p fit.

The backend here is a small in-memory stand-in with the reference backend's rules (one
invoice per closed month, 409 for a second one, replay of a repeated key); the same journey
runs against the real backend in tests/e2e/test_invoice_ui.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from common.months import closed_months, month_end, month_start, next_month_start
from emulators.printer.emulator import PrinterEmulator
from kiosk.backend import models as m
from kiosk.backend.errors import BackendTimeout, Conflict
from kiosk.backend.factors import Factor
from kiosk.config import Config, TimeoutsConfig, UiConfig
from kiosk.devices.printer.receipt_printer import SerialReceiptPrinter
from kiosk.idle import ScreenKind
from kiosk.journal import EntryStatus, Journal
from kiosk.session import Customer, EndReason
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Lazy, Services
from ui.devices.printer import PrinterAdapter
from ui.features import discover
from ui.screens.invoice.invoice import InvoiceScreen
from ui.shell import Shell

PHONE = "13800138000"
TZ = dt.timezone(dt.timedelta(hours=8))
PLAN = m.Plan("QQT128", "全球通128元套餐", "全球通", 12800, 500, 100, 10240, 19, 10, 3, "含500分钟")
# A pinned business date; every month is counted from it (tests must work for any date).
TODAY = dt.date(2026, 11, 25)
M1, M2, M3, M4, M5 = closed_months(TODAY)  # newest first
TOTALS = {M1: 15830, M2: 13200, M3: 21050, M4: 12800, M5: 12990}


def _bill(month: str, total: int) -> m.MonthBill:
    items = (m.BillItem("套餐基本费", 12800), m.BillItem("国内长途费", total - 12800))
    category = m.BillCategory("套餐及固定费", total, "套餐月费。", items)
    return m.MonthBill(
        month,
        month_start(month),
        month_end(month),
        total,
        (category,),
        m.BillAccount(0, total, total, total, 0),
        (),
        PLAN,
        (),
        0,
    )


class CareBackend(StubBackend):
    """Bills and invoices of one line, with the reference backend's invoice rules."""

    def __init__(self) -> None:
        self.issued: dict[str, m.Invoice] = {M4: self._make(M4, "FP260801OLD0000001")}
        self.replies: dict[str, m.Invoice] = {}  # idempotency key -> first answer
        self.lose_next_answer = False

    @staticmethod
    def _make(month: str, number: str) -> m.Invoice:
        return m.Invoice(
            invoice_number=number,
            month=month,
            amount_fen=TOTALS[month],
            title="张*峰",
            issued_at=dt.datetime.combine(next_month_start(M4), dt.time(9, 0), TZ),
            items=(m.BillItem("套餐及固定费", TOTALS[month]),),
        )

    def bills(self) -> list[m.MonthBill]:
        return [_bill(month, total) for month, total in TOTALS.items()]

    def invoices(self, month: str) -> list[m.Invoice]:
        return [self.issued[month]] if month in self.issued else []

    def issue_invoice(self, month: str, idempotency_key: str | None = None) -> m.Invoice:
        key = idempotency_key or ""
        if key in self.replies:
            return self.replies[key]
        if month in self.issued:
            raise Conflict("该月发票已开具，补打请到人工柜台")
        invoice = self._make(month, f"FP261125NEW{len(self.issued):07d}")
        invoice = m.Invoice(
            invoice.invoice_number,
            month,
            invoice.amount_fen,
            invoice.title,
            dt.datetime.combine(TODAY, dt.time(10, 0), TZ),
            invoice.items,
        )
        self.issued[month] = invoice
        self.replies[key] = invoice
        if self.lose_next_answer:  # applied, but the answer never reaches the kiosk
            self.lose_next_answer = False
            raise BackendTimeout()
        return invoice

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def printer_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrinterEmulator]:
    base = tmp_path_factory.mktemp("invoice-printer")
    with PrinterEmulator(base / "receipts", link_path=base / "ttyPRN") as emulator:
        yield emulator


@pytest.fixture
def backend() -> CareBackend:
    return CareBackend()


def _shell(
    app: QApplication,
    config: Config,
    clock: ManualClock,
    backend: CareBackend,
    tmp_path: Path,
    printer: PrinterAdapter | None,
) -> tuple[Shell, Lazy[Journal]]:
    journal = Lazy(lambda: Journal(tmp_path / "journal.sqlite3"), lambda j: j.close())
    services = Services(
        backend=BackendHandle(lambda: backend),
        printer=printer,
        journal=journal,
    )
    options = ShellOptions(
        runner=SyncRunner(), clock=clock, installers=discover(), services=services
    )
    shell = build_shell(config, app, options)
    show_painted(shell)
    shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.PASSWORD}))
    return shell, journal


@pytest.fixture
def shell(
    app: QApplication,
    clock: ManualClock,
    backend: CareBackend,
    printer_emulator: PrinterEmulator,
    tmp_path: Path,
) -> Iterator[Shell]:
    config = Config(timeouts=TimeoutsConfig(after_transaction=20))
    adapter = PrinterAdapter(SerialReceiptPrinter(str(printer_emulator.port_path), "generic-80"))
    built, journal = _shell(app, config, clock, backend, tmp_path, adapter)
    yield built
    adapter.stop()
    teardown(built)
    journal.close()
    QApplication.processEvents()


def _open(shell: Shell) -> InvoiceScreen:
    shell.open_feature("invoice")
    screen = shell.navigator.current
    assert isinstance(screen, InvoiceScreen)
    return screen


def test_tile_opens_the_five_closed_months_newest_first(shell: Shell) -> None:
    assert "invoice" in shell.home_screen.tiles
    screen = _open(shell)
    assert list(screen.month_buttons) == sorted(TOTALS, reverse=True)
    assert screen.month_buttons[M1].text() == f"{M1}\n¥158.30"
    assert screen.invoice_card.isHidden() and screen.confirm.isHidden()


def test_issue_once_with_confirmation_then_print(
    shell: Shell, qtbot: QtBot, backend: CareBackend, printer_emulator: PrinterEmulator
) -> None:
    screen = _open(shell)
    screen.month_buttons[M1].click()
    assert screen.row_values["number"].text() == "尚未开具"
    assert screen.row_values["title"].text() == "张*峰"
    assert screen.row_values["amount"].text() == "¥158.30"
    assert "只能开具一次" in screen.state_line.text()
    assert screen.issue_button.isVisible() and not screen.print_button.isVisible()
    screen.issue_button.click()
    assert screen.confirm.isVisible() and screen.invoice_card.isHidden()
    assert M1 in screen.confirm.title.text()
    assert ("发票金额", "¥158.30") in screen.confirm.rows
    assert M1 not in backend.issued  # nothing sent before the second confirmation
    before = len(printer_emulator.receipts())
    screen.confirm.confirm_button.click()
    invoice = backend.issued[M1]
    assert screen.confirm.isHidden()
    assert screen.row_values["number"].text() == invoice.invoice_number
    assert screen.row_values["date"].text() == TODAY.isoformat()
    assert screen.month_buttons[M1].text().endswith("已开具")
    panel = screen.print_panel
    assert panel.state == "offered" and "厘米" in panel.message.text()
    assert screen.kind is ScreenKind.ORDINARY  # done only once it is printed
    panel.confirm_button.click()
    qtbot.waitUntil(lambda: panel.state == "done", timeout=20_000)
    assert screen.kind is ScreenKind.FINISHED  # type: ignore[comparison-overlap]
    assert screen.state_line.text() == "发票已打印，请取走。"
    assert not screen.print_button.isVisible() and not screen.issue_button.isVisible()
    text = printer_emulator.wait_for_receipts(before + 1, timeout=20)[-1].text
    assert "通信服务费发票" in text and invoice.invoice_number in text and M1 in text
    assert "158.30" in text and "138****8000" in text and PHONE not in text
    [entry] = shell.ctx.journal.recent()
    assert (entry.kind, entry.status, entry.transaction_id, entry.amount_fen) == (
        "invoice",
        EntryStatus.DONE,
        invoice.invoice_number,
        15830,
    )
    assert entry.masked_phone == "138****8000"
    screen.month_buttons[M2].click()  # another month: a new transaction
    assert screen.kind is ScreenKind.ORDINARY  # type: ignore[comparison-overlap]
    assert screen.home_countdown.isHidden() and screen.issue_button.isVisible()


def test_an_invoice_issued_earlier_is_shown_but_not_printed_again(
    shell: Shell, backend: CareBackend
) -> None:
    screen = _open(shell)
    screen.month_buttons[M4].click()
    assert screen.row_values["number"].text() == "FP260801OLD0000001"
    assert screen.row_values["date"].text() == next_month_start(M4).isoformat()
    assert "人工柜台" in screen.state_line.text()
    assert not screen.issue_button.isVisible() and not screen.print_button.isVisible()
    assert screen.month_buttons[M4].text().endswith("已开具")
    assert screen.print_panel.isHidden()
    assert len(backend.issued) == 1


def test_a_lost_answer_is_retried_without_a_second_invoice(
    shell: Shell, backend: CareBackend
) -> None:
    screen = _open(shell)
    screen.month_buttons[M2].click()
    backend.lose_next_answer = True
    screen.issue_button.click()
    screen.confirm.confirm_button.click()
    # The one rule (kiosk/flows/transaction.py): it may have happened; the same question
    # stays open and confirming again resends it with the same key.
    assert screen.error.isVisible() and "可能已经办理" in screen.error.text()
    assert screen.confirm.isVisible() and screen.confirm.confirm_button.isEnabled()
    screen.confirm.confirm_button.click()
    assert len(backend.replies) == 1  # the same key: the backend answered the first again
    assert screen.row_values["number"].text() == backend.issued[M2].invoice_number
    statuses = [(e.kind, e.status) for e in shell.ctx.journal.recent()]
    assert statuses == [("invoice", EntryStatus.DONE)]


def test_issued_meanwhile_elsewhere_shows_that_invoice(shell: Shell, backend: CareBackend) -> None:
    screen = _open(shell)
    screen.month_buttons[M3].click()
    screen.issue_button.click()
    backend.issued[M3] = backend._make(M3, "FP261125OTHER00001")
    screen.confirm.confirm_button.click()
    assert "补打请到人工柜台" in screen.error.text()
    assert screen.row_values["number"].text() == "FP261125OTHER00001"
    assert not screen.issue_button.isVisible() and not screen.print_button.isVisible()


def test_cancel_sends_nothing(shell: Shell, backend: CareBackend) -> None:
    screen = _open(shell)
    screen.month_buttons[M5].click()
    screen.issue_button.click()
    screen.confirm.cancel_button.click()
    assert screen.confirm.isHidden() and screen.issue_button.isVisible()
    assert M5 not in backend.issued


def test_english_and_the_session_end_wipes_everything(shell: Shell) -> None:
    screen = _open(shell)
    screen.month_buttons[M1].click()
    screen.issue_button.click()
    shell.window.header.language_button.click()
    assert screen.issue_button.text() == "Issue invoice"
    assert screen.heading.text() == f"Invoice for {M1}"
    assert screen.confirm.confirm_button.text() == "Issue"
    assert screen.row_names["amount"].text() == "Amount"
    shell.window.header.language_button.click()
    shell.end_session(EndReason.CUSTOMER)
    assert screen.months == [] and screen.known == {} and not screen.month_buttons
    assert screen.invoice_card.isHidden() and screen.confirm.isHidden()
    assert screen.row_values["title"].text() in ("", "张*峰")  # hidden with the card


def needed_height(shell: Shell, screen: QWidget) -> int:
    """The window height ``screen`` needs: the header and nav bar plus the screen itself
    (the stack's own hint is the tallest page's, e.g. a home screen full of tiles)."""
    QApplication.processEvents()
    tallest = max(s.minimumSizeHint().height() for s in shell.navigator.screens())
    chrome = shell.window.minimumSizeHint().height() - tallest
    return chrome + screen.minimumSizeHint().height()


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
def test_invoice_screen_fits_1080p(
    app: QApplication, clock: ManualClock, tmp_path: Path, large: bool
) -> None:
    config = Config(ui=UiConfig(large_text=large, fullscreen=False))
    shell, journal = _shell(app, config, clock, CareBackend(), tmp_path, None)
    try:
        screen = _open(shell)
        screen.month_buttons[M1].click()
        screen.issue_button.click()  # the card and the confirmation, with an error line
        screen.show_error(shell.ctx.tr("error.timeout"))
        assert needed_height(shell, screen) <= 1080
        screen.confirm.confirm_button.click()  # issued; no printer: the calm message shows
        assert screen.print_panel.isVisible()
        assert needed_height(shell, screen) <= 1080
        screen.month_buttons[M4].click()  # issued earlier: the longest state line
        screen.show_error(shell.ctx.tr("error.conflict", detail="该月发票已开具，补打请到人工柜台"))
        assert needed_height(shell, screen) <= 1080
    finally:
        teardown(shell)
        journal.close()
        QApplication.processEvents()
