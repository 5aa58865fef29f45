"""骚扰举报 screen: typed number checked plainly, category and optional subject tapped,
second confirmation, report id and next steps, a masked 业务受理单 on the receipt printer,
retry after a lost answer filed once, language switch, wipe, and 1080p fit.

The backend is a small in-memory stand-in with the reference backend's rules (keyed replay);
the real one is used in tests/e2e/test_invoice_ui.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from emulators.printer.emulator import PrinterEmulator
from kiosk import spam as ks
from kiosk.backend import models as m
from kiosk.backend.errors import BackendTimeout
from kiosk.config import Config, TimeoutsConfig, UiConfig
from kiosk.devices.printer.receipt_printer import SerialReceiptPrinter
from kiosk.idle import ScreenKind
from kiosk.journal import EntryStatus
from kiosk.session import EndReason
from tests.fixtures.qt import ManualClock
from tests.ui.test_invoice_ui import CareBackend, _shell, needed_height
from ui.app import teardown
from ui.devices.printer import PrinterAdapter
from ui.screens.invoice.spam import SpamScreen
from ui.shell import Shell

TZ = dt.timezone(dt.timedelta(hours=8))
SPAMMER = "13912345678"


class SpamBackend(CareBackend):
    """Adds spam reports: (number, content) rows, replayed per idempotency key."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: list[tuple[str, str]] = []
        self.report_replies: dict[str, m.SpamReport] = {}

    def report_spam(
        self, number: str, content: str, idempotency_key: str | None = None
    ) -> m.SpamReport:
        key = idempotency_key or ""
        if key in self.report_replies:
            return self.report_replies[key]
        self.reports.append((number, content))
        report = m.SpamReport(
            f"JB20261125{len(self.reports):06d}", dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ)
        )
        self.report_replies[key] = report
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise BackendTimeout()
        return report


@pytest.fixture(scope="module")
def printer_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrinterEmulator]:
    base = tmp_path_factory.mktemp("spam-printer")
    with PrinterEmulator(base / "receipts", link_path=base / "ttyPRN") as emulator:
        yield emulator


@pytest.fixture
def backend() -> SpamBackend:
    return SpamBackend()


@pytest.fixture
def shell(
    app: QApplication,
    clock: ManualClock,
    backend: SpamBackend,
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


def _open(shell: Shell) -> SpamScreen:
    shell.open_feature("spam")
    screen = shell.navigator.current
    assert isinstance(screen, SpamScreen)
    return screen


def _type(screen: SpamScreen, digits: str) -> None:
    for digit in digits:
        screen.keypad.digit_button(digit).click()


def _fill(screen: SpamScreen, digits: str = SPAMMER) -> None:
    _type(screen, digits)
    screen.category_buttons[ks.SpamCategory.FRAUD_CALL].click()
    screen.subject_buttons[ks.SpamSubject.IMPOSTOR].click()


def test_report_confirm_result_and_masked_receipt(
    shell: Shell, qtbot: QtBot, backend: SpamBackend, printer_emulator: PrinterEmulator
) -> None:
    assert "spam" in shell.home_screen.tiles
    screen = _open(shell)
    assert not screen.next_button.isEnabled()
    _fill(screen)
    assert screen.next_button.isEnabled()
    screen.next_button.click()
    assert screen.form.isHidden() and screen.confirm.isVisible()
    assert screen.confirm.rows == [
        ("举报号码", "139 1234 5678"),
        ("号码类型", "手机号码"),
        ("举报类型", "诈骗电话"),
        ("举报内容", "冒充客服或公检法"),
    ]
    assert "10086999" in screen.confirm.note.text()
    assert backend.reports == []  # nothing sent before the second confirmation
    before = len(printer_emulator.receipts())
    screen.confirm.confirm_button.click()
    assert backend.reports == [(SPAMMER, "诈骗电话：冒充客服或公检法")]
    assert screen.report is not None
    assert screen.result.text() == f"举报已受理：139****5678，受理编号 {screen.report.report_id}。"
    assert "10086999" in screen.next_steps.text()
    assert screen.kind is ScreenKind.FINISHED
    panel = screen.print_panel
    assert panel.state == "offered"  # the receipt is offered at once
    panel.confirm_button.click()
    qtbot.waitUntil(lambda: panel.state == "done", timeout=20_000)
    text = printer_emulator.wait_for_receipts(before + 1, timeout=20)[-1].text
    assert "业务受理单" in text and "不良信息举报（10086999）" in text
    assert screen.report.report_id in text and "诈骗电话" in text and "冒充客服或公检法" in text
    assert "139****5678" in text and SPAMMER not in text
    assert "138****8000" in text and "13800138000" not in text
    [entry] = shell.ctx.journal.recent()
    assert (entry.kind, entry.status, entry.transaction_id, entry.amount_fen) == (
        "spam_report",
        EntryStatus.DONE,
        screen.report.report_id,
        None,
    )
    assert entry.masked_phone == "138****8000"  # the customer's, never the reported number


@pytest.mark.parametrize(
    ("digits", "message"),
    [
        ("88886666", "固定电话请在前面加上区号，例如 010。"),
        ("13800138000", "这是您本人的号码，请输入打扰您的号码。"),
        ("1391234567", "号码位数不够，请核对。手机号码是11位。"),
        ("12012345678", "这不是有效的手机号码，请核对。"),
    ],
)
def test_a_wrong_number_says_why_and_sends_nothing(
    shell: Shell, backend: SpamBackend, digits: str, message: str
) -> None:
    screen = _open(shell)
    _fill(screen, digits)
    screen.keypad.submit_button().click()  # the keypad's 确定 is "next" as well
    assert screen.error.isVisible() and screen.error.text() == message
    assert screen.form.isVisible() and screen.confirm.isHidden()
    screen.keypad.digit_button("1").click()  # typing again clears the message
    assert screen.error.isHidden()
    assert backend.reports == []


def test_a_category_is_needed_and_the_subject_is_optional(
    shell: Shell, backend: SpamBackend
) -> None:
    screen = _open(shell)
    _type(screen, "95588")
    assert not screen.next_button.isEnabled()
    screen.keypad.submit_button().click()
    assert "请选择" in screen.error.text()
    screen.category_buttons[ks.SpamCategory.SPAM_SMS].click()
    screen.subject_buttons[ks.SpamSubject.ADS].click()
    screen.subject_buttons[ks.SpamSubject.ADS].click()  # tapped again: taken back
    assert screen.selected_subject() is None
    screen.next_button.click()
    assert [label for label, _ in screen.confirm.rows] == ["举报号码", "号码类型", "举报类型"]
    screen.confirm.confirm_button.click()
    assert backend.reports == [("95588", "垃圾短信")]
    assert "95588" in screen.result.text()  # a short service number stays readable


def test_cancel_returns_to_the_filled_form(shell: Shell, backend: SpamBackend) -> None:
    screen = _open(shell)
    _fill(screen, "01088886666")
    screen.next_button.click()
    assert screen.confirm.rows[0] == ("举报号码", "010 8888 6666")
    screen.confirm.cancel_button.click()
    assert screen.form.isVisible() and screen.confirm.isHidden()
    assert screen.keypad.text() == "01088886666"
    assert screen.selected_category() is ks.SpamCategory.FRAUD_CALL
    assert backend.reports == []


def test_a_lost_answer_is_filed_once(shell: Shell, backend: SpamBackend) -> None:
    screen = _open(shell)
    _fill(screen)
    backend.lose_next_answer = True
    screen.next_button.click()
    screen.confirm.confirm_button.click()
    assert "可能已经办理" in screen.error.text()  # the question stays open (one rule)
    assert screen.confirm.isVisible() and screen.confirm.confirm_button.isEnabled()
    screen.confirm.confirm_button.click()
    assert len(backend.reports) == 1 and screen.report is not None
    assert [(e.kind, e.status) for e in shell.ctx.journal.recent()] == [
        ("spam_report", EntryStatus.DONE)
    ]


def test_another_report_starts_clean(shell: Shell, backend: SpamBackend) -> None:
    screen = _open(shell)
    _fill(screen)
    screen.next_button.click()
    screen.confirm.confirm_button.click()
    assert not screen.receipt_button.isVisible()  # the print panel asks already
    screen.print_panel.cancel_button.click()
    assert screen.receipt_button.isVisible()  # changed their mind: a copy is one tap away
    screen.again_button.click()
    assert screen.kind is ScreenKind.ORDINARY
    assert screen.form.isVisible() and screen.result_card.frame.isHidden()
    assert screen.keypad.text() == "" and screen.selected_category() is None
    _fill(screen, "10690123456789")
    screen.next_button.click()
    screen.confirm.confirm_button.click()
    assert [n for n, _ in backend.reports] == [SPAMMER, "10690123456789"]


def test_english_and_the_session_end_wipes_everything(shell: Shell) -> None:
    screen = _open(shell)
    _fill(screen)
    screen.next_button.click()
    shell.window.header.language_button.click()
    assert screen.confirm.confirm_button.text() == "Report"
    assert ("Reported as", "Scam calls") in screen.confirm.rows
    assert screen.category_buttons[ks.SpamCategory.SPAM_SMS].text() == "Spam texts"
    screen.confirm.confirm_button.click()
    assert screen.result.text().startswith("Report received: 139****5678")
    shell.window.header.language_button.click()
    shell.end_session(EndReason.CUSTOMER)
    assert screen.keypad.text() == "" and screen.report is None and screen.number == ""
    assert screen.result_card.frame.isHidden() and screen.selected_category() is None


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
def test_spam_screen_fits_1080p(
    app: QApplication, clock: ManualClock, tmp_path: Path, large: bool
) -> None:
    config = Config(ui=UiConfig(large_text=large, fullscreen=False))
    shell, journal = _shell(app, config, clock, SpamBackend(), tmp_path, None)
    try:
        screen = _open(shell)
        _fill(screen, "10659057123456789012")  # the longest number
        screen.show_error(shell.ctx.tr("spam.problem_needs_area_code"))
        assert needed_height(shell, screen) <= 1080
        screen.next_button.click()
        assert needed_height(shell, screen) <= 1080
        screen.confirm.confirm_button.click()  # the result; no printer: the calm message
        assert screen.print_panel.isVisible()
        assert needed_height(shell, screen) <= 1080
        assert shell.window.minimumSizeHint().width() <= 1920
    finally:
        teardown(shell)
        journal.close()
        QApplication.processEvents()
