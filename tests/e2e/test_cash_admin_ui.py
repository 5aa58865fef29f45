"""The admin screen's cash box and 清机 through the real screens, the bill validator and the
printer emulators and a backend of its own; the home screen says when cash is off."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from emulators.cash import BillValidatorEmulator
from emulators.printer.emulator import PrinterEmulator
from kiosk.cash.desk import CashDesk, CashState
from kiosk.config import BackendConfig, Config, DevicesConfig
from printer.escpos.decoder import decode
from printer.layout import PrintedLine
from tests.fixtures.live_backend import LiveBackend, start_backend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.service_monitor import ServiceMonitor
from ui.shell import Shell

CAPACITY = 3


@pytest.fixture(scope="module")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("cash_admin_backend")) as backend:
        yield backend


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[tuple[BillValidatorEmulator, PrinterEmulator]]:
    printer = PrinterEmulator(tmp_path / "receipts")
    printer.start()
    with BillValidatorEmulator(transport_s=0.02) as cash:
        yield cash, printer
    printer.stop()


@pytest.fixture
def kiosk(
    app: QApplication,
    own_backend: LiveBackend,
    tmp_path: Path,
    devices: tuple[BillValidatorEmulator, PrinterEmulator],
) -> Iterator[Shell]:
    cash, printer = devices
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=own_backend.url, terminal_token=own_backend.terminal_token),
        devices=DevicesConfig(
            cash_acceptor=cash.port_path,
            printer=str(printer.port_path),
            cash_box_capacity=CAPACITY,
        ),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _desk(shell: Shell) -> CashDesk:
    assert shell.ctx.services.cash is not None
    return shell.ctx.services.cash.get()


def _pay(desk: CashDesk, emulator: BillValidatorEmulator, phone: str, *values: int) -> None:
    assert desk.wait_for(lambda _v: desk.available, 20), desk.blockers()
    desk.begin(phone)
    desk.accept()
    for value in values:
        emulator.insert(value)
    total = 100 * sum(values)
    assert desk.wait_for(lambda v: v.total_fen == total, 15)
    desk.finish()
    assert desk.wait_for(lambda v: v.state is CashState.DONE, 15)
    desk.reset()


@pytest.mark.timeout(120)
@pytest.mark.allow_log_warnings  # "cash unavailable" while the box is full and being cleared
def test_staff_see_the_box_clear_it_and_get_the_slip(
    kiosk: Shell,
    qtbot: QtBot,
    own_backend: LiveBackend,
    devices: tuple[BillValidatorEmulator, PrinterEmulator],
) -> None:
    cash, printer = devices
    monitor = ServiceMonitor(kiosk, first_probe_ms=60_000, printer_poll_ms=60_000)
    home = kiosk.home_screen
    desk = _desk(kiosk)
    _pay(desk, cash, own_backend.random_numbers()[0], 50, 10, 10)
    # Three notes in a box of three: cash is off, the home screen says QR still works.
    qtbot.waitUntil(lambda: home.cash_notice.isVisibleTo(home), timeout=10_000)
    assert "扫码支付仍可正常使用" in home.cash_notice.text()
    kiosk.navigator.go("admin")
    admin = kiosk.admin
    box = admin.cash_box
    assert box is not None
    qtbot.waitUntil(lambda: "合计 3 张，¥70.00" in box.total.text(), timeout=10_000)
    assert "¥10.00 × 2 张" in box.rows[1000].text() and "¥50.00 × 1 张" in box.rows[5000].text()
    assert box.fill.value() == 100 and box.fill.property("level") == "full"
    assert "钱箱达到容量" in admin.cash_state.text()
    qtbot.mouseClick(admin.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "取出钱箱" in admin.clearance_text.text(), timeout=5_000)
    cash.stacker_removed()
    qtbot.waitUntil(lambda: "装回空钱箱" in admin.clearance_text.text(), timeout=10_000)
    cash.stacker_inserted()
    qtbot.waitUntil(lambda: admin.record_button.isVisibleTo(admin), timeout=10_000)
    assert box.plus[1000].isVisibleTo(admin)  # staff may correct the count
    qtbot.mouseClick(admin.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "清机已记录" in admin.clearance_text.text(), timeout=15_000)
    assert "与系统记录一致" in admin.clearance_text.text()
    [(clearance_id, counted, flagged)] = own_backend.query(
        "SELECT clearance_id, counted_fen, flagged FROM cash_clearances"
    )
    assert (counted, flagged) == (7000, 0)
    try:
        qtbot.waitUntil(lambda: admin.status.text() == "清机凭条已打印。", timeout=15_000)
    except Exception as exc:
        raise AssertionError(f"no slip: {admin.error.text()!r} {admin.status.text()!r}") from exc
    [slip] = printer.wait_for_receipts(1, timeout=15)
    profile = kiosk.ctx.services.printer.printer.profile  # type: ignore[union-attr]
    lines = [
        " ".join(i.text.replace("￥", "¥").split())
        for i in decode(slip.bin_path.read_bytes(), profile)
        if isinstance(i, PrintedLine)
    ]
    assert "清机凭条" in lines and f"清机编号 {clearance_id}" in lines
    assert "¥10.00 × 2 张 ¥20.00" in lines and "合计金额 ¥70.00" in lines
    # The box is empty by the journal: cash is back, and so is the how-to-start hint.
    qtbot.waitUntil(lambda: not home.cash_notice.isVisibleTo(home), timeout=10_000)
    qtbot.waitUntil(lambda: "合计 0 张" in box.total.text(), timeout=10_000)
    qtbot.waitUntil(lambda: admin.receipts.count() >= 1, timeout=10_000)
    assert "清机凭条" in admin.receipts.item(0).text()  # kept for staff's reprint
    monitor.stop()
