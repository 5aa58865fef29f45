"""Bill screens against the live reference backend and an in-process printer emulator:
chart -> month bill -> details paging -> print once -> dispute -> wipe at session end."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from common.masking import mask_other_party
from common.months import month_of, months_back
from emulators.printer.emulator import PrinterEmulator
from kiosk import bills as kb
from kiosk import disputes as kd
from kiosk.backend import models as m
from kiosk.backend.client import BackendClient
from kiosk.backend.factors import Factor
from kiosk.config import Config
from kiosk.devices.printer.receipt_printer import SerialReceiptPrinter
from kiosk.journal import EntryStatus, Journal
from kiosk.session import Customer, EndReason
from tests.fixtures.live_backend import DEMO_PASSWORD, DEMO_TODAY, LiveBackend, start_backend
from tests.fixtures.qt import show_painted
from tests.ui.conftest import ManualClock
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Lazy, Services
from ui.devices.printer import PrinterAdapter
from ui.features import discover
from ui.screens.bills.details import DetailsScreen
from ui.screens.bills.dispute import DisputeScreen
from ui.screens.bills.month import MonthBillScreen
from ui.screens.bills.overview import BillsScreen
from ui.screens.bills.params import DetailsParams, MonthParams
from ui.shell import Shell

# Counted from the backend's pinned business date (backend/seed/demo.py tells the story).
OPEN = month_of(DEMO_TODAY)
LAST, BEFORE_LAST, ROAMED = (months_back(DEMO_TODAY, n) for n in (1, 2, 3))

PHONE = "13800138000"


@pytest.fixture(scope="module")
def printer_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrinterEmulator]:
    base = tmp_path_factory.mktemp("bills-printer")
    with PrinterEmulator(base / "receipts", link_path=base / "ttyPRN") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # Its own instance: disputes change balances, and SMS codes are rate-limited per number.
    with start_backend(tmp_path_factory.mktemp("bills-backend"), customers=1) as backend:
        yield backend


@pytest.fixture(scope="module")
def details_client(own_backend: LiveBackend) -> Iterator[BackendClient]:
    """One client identified with password + SMS (the details level) for the whole module."""
    client = own_backend.client()
    client.identify_password(PHONE, DEMO_PASSWORD)
    client.send_sms_code(PHONE)
    client.verify_sms_code(PHONE, own_backend.latest_sms_code(PHONE))
    yield client
    client.close()


@pytest.fixture
def bills_shell(
    app: QApplication,
    config: Config,
    clock: ManualClock,
    details_client: BackendClient,
    printer_emulator: PrinterEmulator,
    tmp_path: Path,
) -> Iterator[Shell]:
    handle = BackendHandle(lambda: details_client)
    adapter = PrinterAdapter(SerialReceiptPrinter(str(printer_emulator.port_path), "generic-80"))
    journal = Lazy(lambda: Journal(tmp_path / "journal.sqlite3"), lambda j: j.close())
    services = Services(backend=handle, printer=adapter, journal=journal)
    options = ShellOptions(
        runner=SyncRunner(), clock=clock, installers=discover(), services=services
    )
    shell = build_shell(config, app, options)
    show_painted(shell)
    shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.PASSWORD, Factor.SMS}))
    shell.navigator.screen("details").output.folder = tmp_path  # type: ignore[attr-defined]
    yield shell
    adapter.stop()
    teardown(shell)
    journal.close()
    QApplication.processEvents()


def _current(shell: Shell) -> object:
    return shell.navigator.current


def test_chart_tap_opens_the_month_with_explained_categories(
    bills_shell: Shell, qtbot: QtBot
) -> None:
    bills_shell.open_feature("bills")
    screen = _current(bills_shell)
    assert isinstance(screen, BillsScreen)
    assert len(screen.chart.bars) == 5
    assert OPEN not in [b.month for b in screen.chart.bars]  # the open month is not shown
    screen.chart.repaint()
    rect = screen.chart.bar_rect(ROAMED)
    assert not rect.isEmpty()
    qtbot.mouseClick(screen.chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    month = _current(bills_shell)
    assert isinstance(month, MonthBillScreen)
    assert month.bill is not None and month.bill.month == ROAMED
    assert [c.category.name for c in month.cards] == [c.name for c in month.bill.categories]
    assert sum(c.total_fen for c in month.bill.categories) == month.bill.total_fen
    voice = next(c for c in month.cards if c.category.name == kb.VOICE)
    assert voice.highlights, f"roaming in {ROAMED} must be pointed out"
    assert "漫游通话" in voice.explanation.text()
    assert all(c.explanation.text() for c in month.cards)


def test_details_page_on_demand_every_record_once_and_masked(
    bills_shell: Shell, qtbot: QtBot, own_backend: LiveBackend
) -> None:
    bills_shell.navigator.go("details", DetailsParams(LAST))
    screen = _current(bills_shell)
    assert isinstance(screen, DetailsScreen)
    model = screen.model
    assert 0 < model.rowCount() <= 100  # one page, not the month
    totals = model.totals()
    assert totals is not None and totals.complete
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    ids = [r.record_id for r in model.rows]
    assert len(ids) == len(set(ids)) == totals.count
    (db_count,) = own_backend.query(
        "SELECT COUNT(*) FROM records r JOIN lines l ON l.id = r.line_id "
        "WHERE l.number = ? AND r.kind = 'call' AND r.month = ?",
        PHONE,
        LAST,
    )[0]
    assert db_count == totals.count
    other_col = 3
    raw = model.rows[0].other_party or ""
    assert model.index(0, other_col).data() == mask_other_party(raw) != raw
    table = screen.findChild(QTableView, "recordsTable")
    assert table is not None and table.verticalHeader().defaultSectionSize() >= 72


def test_detail_slip_prints_once_per_session(
    bills_shell: Shell, qtbot: QtBot, printer_emulator: PrinterEmulator
) -> None:
    before = len(printer_emulator.receipts())
    bills_shell.navigator.go("details", DetailsParams(LAST))
    screen = _current(bills_shell)
    assert isinstance(screen, DetailsScreen)
    screen.tab_buttons[next(iter(screen.tab_buttons))].click()
    screen.fee_only.setChecked(False)
    from kiosk.records import DetailTab

    screen.set_tab(DetailTab.SERVICES)
    screen.print_button.click()
    panel = screen.print_panel
    assert panel.state == "offered"
    assert "厘米" in panel.message.text()
    panel.confirm_button.click()
    qtbot.waitUntil(lambda: panel.state == "done", timeout=20_000)
    assert bills_shell.ctx.sessions.current.detail_slip_printed
    assert not screen.print_button.isEnabled()
    saved = printer_emulator.wait_for_receipts(before + 1, timeout=20)
    text = saved[-1].text
    assert "客户详单" in text and "本单据仅供核对，不作为报销凭证" in text
    assert PHONE not in text and "138****8000" in text
    screen.print_button.setEnabled(True)  # even if forced, the rule holds
    screen.print_button.click()
    assert screen.error.isVisible()
    assert len(printer_emulator.receipts()) == before + 1


def test_dispute_an_sp_charge_refunds_twice(
    bills_shell: Shell, qtbot: QtBot, own_backend: LiveBackend
) -> None:
    target = kd.DisputeTarget(BEFORE_LAST, m.RecordKind.SP, "彩票资讯")
    bills_shell.navigator.go("dispute", target)
    screen = _current(bills_shell)
    assert isinstance(screen, DisputeScreen)
    assert screen.candidates and all(r.sub_item == "彩票资讯" for r in screen.candidates)
    screen.charges.setCurrentRow(0)
    record = screen.selected_record()
    assert record is not None
    next(iter(screen.reason_buttons.values())).click()
    assert screen.confirm_button.isEnabled()
    screen.confirm_button.click()
    assert screen.dispute is not None
    assert screen.dispute.status is m.DisputeStatus.REFUNDED
    assert screen.dispute.refund_fen == 2 * record.fee_fen
    assert screen.dispute.number in screen.result.text()
    rows = own_backend.query(
        "SELECT record_id FROM disputes WHERE number = ?", screen.dispute.number
    )
    assert rows == [(record.record_id,)]
    entries = bills_shell.ctx.journal.recent()
    assert [(e.kind, e.status, e.transaction_id) for e in entries] == [
        ("dispute", EntryStatus.DONE, screen.dispute.number)
    ]
    assert entries[0].masked_phone == "138****8000" and entries[0].amount_fen == record.fee_fen
    screen.receipt_button.click()
    assert screen.print_panel.state == "offered"
    screen.print_panel.reset()
    # Back to the same charge: marked 已退款, and it cannot be disputed again (issue 13).
    bills_shell.navigator.go("dispute", target)
    screen = _current(bills_shell)
    assert isinstance(screen, DisputeScreen)
    row = next(i for i, r in enumerate(screen.candidates) if r.record_id == record.record_id)
    assert screen.charges.item(row).text().endswith("（已退款）")
    screen.charges.setCurrentRow(row)
    next(iter(screen.reason_buttons.values())).click()
    assert not screen.confirm_button.isEnabled()
    assert "已退款" in screen.status.text() and screen.status.isVisible()
    starts = [r.started_at for r in screen.candidates]
    assert starts == sorted(starts, reverse=True)  # newest first


def test_pdf_statement_is_saved_with_the_month(bills_shell: Shell, tmp_path: Path) -> None:
    bills_shell.navigator.go("details", DetailsParams(BEFORE_LAST))
    screen = _current(bills_shell)
    assert isinstance(screen, DetailsScreen)
    screen.pdf_button.click()
    assert screen.saved is not None
    assert screen.saved.path.parent == tmp_path and screen.saved.records > 0
    assert screen.saved.path.read_bytes().startswith(b"%PDF")
    assert "13800138000" not in screen.saved.path.name
    assert screen.saved.path.name in screen.status.text()


@pytest.mark.parametrize("target", ["bills", "details"])
def test_pdf_notice_follows_the_language_and_is_gone_on_the_next_visit(
    bills_shell: Shell, target: str
) -> None:
    """Seen on the X-event walk: "PDF账单已保存：…" stayed Chinese after the switch to English
    and was still there when the customer came back to the screen later."""
    bills_shell.navigator.go(target, DetailsParams(BEFORE_LAST) if target == "details" else None)
    screen = _current(bills_shell)
    assert isinstance(screen, (BillsScreen, DetailsScreen))
    screen.pdf_button.click()
    assert screen.saved is not None and not screen.status.isHidden()
    name = screen.saved.path.name
    try:
        bills_shell.ctx.translator.set_locale("en")
        assert screen.status.text() == screen.tr("bills.pdf_saved", name=name)
        assert "已保存" not in screen.status.text() and name in screen.status.text()
    finally:
        bills_shell.ctx.translator.set_locale("zh_CN")
    bills_shell.navigator.go("home")
    bills_shell.navigator.go(target, DetailsParams(BEFORE_LAST) if target == "details" else None)
    assert screen.status.isHidden() and screen.saved is None


@pytest.mark.allow_log_warnings
def test_paper_out_is_a_calm_message_and_the_slip_can_be_retried(
    bills_shell: Shell, qtbot: QtBot, printer_emulator: PrinterEmulator
) -> None:
    bills_shell.navigator.go("bill", MonthParams(LAST))
    screen = _current(bills_shell)
    assert isinstance(screen, MonthBillScreen)
    printer_emulator.set_paper("out")
    try:
        screen.print_button.click()
        panel = screen.print_panel
        assert panel.state == "offered"
        panel.confirm_button.click()
        qtbot.waitUntil(lambda: panel.state != "printing", timeout=20_000)
        assert panel.state == "waiting_for_paper"  # the slip is kept (issue 13 major 5)
        tr = bills_shell.ctx.tr
        assert panel.message.text() == (
            tr("print.error_paper_out") + tr("print.waiting_for_paper")
        )
        printer_emulator.set_paper("ok")
        qtbot.waitUntil(lambda: panel.state == "done", timeout=20_000)  # printed by itself
    finally:
        printer_emulator.set_paper("ok")


def test_full_numbers_only_with_id_card_and_sms_and_english(bills_shell: Shell) -> None:
    bills_shell.navigator.go("details", DetailsParams(LAST))
    screen = _current(bills_shell)
    assert isinstance(screen, DetailsScreen)
    assert not screen.numbers_button.isVisibleTo(screen)  # password + SMS: masked only
    customer = bills_shell.ctx.sessions.current.customer
    assert customer is not None
    customer.factors.add(Factor.ID_CARD)
    screen.retranslate()
    assert screen.numbers_button.isVisibleTo(screen)
    raw = screen.model.rows[0].other_party or ""
    screen.numbers_button.click()
    assert screen.model.index(0, 3).data() == raw
    screen.numbers_button.click()  # hide again
    assert screen.model.index(0, 3).data() == mask_other_party(raw)
    bills_shell.ctx.translator.set_locale("en")
    try:
        assert screen.tab_buttons[next(iter(screen.tab_buttons))].text() == "Calls"
        assert screen.model.headerData(0, Qt.Orientation.Horizontal) == "Start"
    finally:
        bills_shell.ctx.translator.set_locale("zh_CN")


def test_full_numbers_print_only_after_an_explicit_yes_and_never_in_the_pdf(
    bills_shell: Shell, qtbot: QtBot, printer_emulator: PrinterEmulator, tmp_path: Path
) -> None:
    """Issue 13: full third-party numbers never go on paper without a warning; the PDF is
    always masked."""
    bills_shell.navigator.go("details", DetailsParams(LAST))
    screen = _current(bills_shell)
    assert isinstance(screen, DetailsScreen)
    customer = bills_shell.ctx.sessions.current.customer
    assert customer is not None
    customer.factors.add(Factor.ID_CARD)
    screen.retranslate()
    screen.numbers_button.click()  # full numbers on screen
    raw = screen.model.rows[0].other_party or ""
    assert raw and screen.model.index(0, 3).data() == raw
    before = len(printer_emulator.receipts())
    screen.print_button.click()
    confirm = screen.full_numbers_confirm
    assert confirm.isVisible() and screen.print_panel.state == "idle"
    assert "个人信息" in confirm.note.text()
    confirm.cancel_button.click()  # 取消: nothing printed
    assert not confirm.isVisible() and screen.print_panel.state == "idle"
    screen.pdf_button.click()
    assert screen.saved is not None
    pdf_text = subprocess.run(
        ["pdftotext", str(screen.saved.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert raw not in pdf_text and mask_other_party(raw) in pdf_text
    screen.print_button.click()
    confirm.confirm_button.click()  # 打印完整号码
    panel = screen.print_panel
    assert panel.state == "offered"
    panel.confirm_button.click()
    qtbot.waitUntil(lambda: panel.state == "done", timeout=20_000)
    saved = printer_emulator.wait_for_receipts(before + 1, timeout=20)
    assert raw in saved[-1].text


def test_session_end_drops_everything(bills_shell: Shell) -> None:
    # Last in the module: ending the session logs the shared client out.
    bills_shell.navigator.go("details", DetailsParams(LAST))
    screen = _current(bills_shell)
    assert isinstance(screen, DetailsScreen)
    assert screen.model.rowCount() > 0
    assert bills_shell.ctx.sessions.current.has(Factor.SMS)
    bills_shell.end_session(EndReason.CUSTOMER)
    assert screen.model.rowCount() == 0 and not screen.bills
    assert not bills_shell.ctx.sessions.current.cache
