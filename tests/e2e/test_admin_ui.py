"""The staff screen against the printer emulator: health at a glance, last receipts, reprint."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from emulators.printer.emulator import PrinterEmulator
from kiosk.config import BackendConfig, Config, DevicesConfig
from kiosk.journal import EntryStatus, Journal
from printer.document import Cut, Document, Text
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.shell import Shell

PHONE = "13912345678"  # 神州行, pre-paid


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    printer = PrinterEmulator(tmp_path / "receipts")
    printer.start()
    yield printer
    printer.stop()


@pytest.fixture
def kiosk(app: QApplication, emulator: PrinterEmulator, tmp_path: Path) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        devices=DevicesConfig(printer=str(emulator.port_path)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _print(shell: Shell, qtbot: QtBot, document: Document, keep: bool) -> None:
    adapter = shell.ctx.services.printer
    assert adapter is not None
    slip = adapter.prepare(document, keep_copy=keep)
    done: list[object] = []
    adapter.print_slip(slip, done.append, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=15_000)
    assert not isinstance(done[0], Exception), done[0]


def test_staff_see_health_and_reprint_kept_receipts(
    kiosk: Shell, qtbot: QtBot, emulator: PrinterEmulator
) -> None:
    _print(kiosk, qtbot, Document((Text("业务受理单 测试"), Cut()), "业务受理单"), keep=True)
    _print(kiosk, qtbot, Document((Text("客户详单 不保留"), Cut()), "客户详单"), keep=False)
    emulator.wait_for_receipts(2)
    kiosk.navigator.go("admin")
    admin = kiosk.admin
    qtbot.waitUntil(lambda: "小票打印机：正常" in admin.health.text(), timeout=10_000)
    assert "身份证读卡器：未配置" in admin.health.text()
    qtbot.waitUntil(lambda: "全部交易结果已确认" in admin.journal.text(), timeout=10_000)
    assert admin.receipts.count() == 1  # the detail slip was never kept
    assert "业务受理单" in admin.receipts.item(0).text()
    qtbot.waitUntil(
        lambda: admin.preview.pixmap() is not None and not admin.preview.pixmap().isNull(),
        timeout=10_000,
    )
    qtbot.mouseClick(admin.reprint_button, Qt.MouseButton.LeftButton)
    receipts = emulator.wait_for_receipts(3)
    assert receipts[-1].text == receipts[0].text
    emulator.set_paper("out")
    qtbot.mouseClick(admin.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "小票打印机：打印机缺纸" in admin.health.text(), timeout=10_000)


@pytest.mark.timeout(120)
def test_staff_reconcile_the_journal_now(
    app: QApplication, live_backend: LiveBackend, tmp_path: Path, qtbot: QtBot
) -> None:
    # Two hours ago the network dropped mid-transaction: one order reached the backend, one
    # never left. Staff do not wait for the next restart.
    path = tmp_path / "journal.sqlite3"
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    journal = Journal(path, lambda: earlier)
    journal.begin("payment", "admin-pay-applied", PHONE, 3000)
    journal.begin("payment", "admin-pay-lost", PHONE, 2000)
    journal.finish("admin-pay-lost", EntryStatus.UNKNOWN, error_code="timeout")
    journal.close()
    with live_backend.client() as client:
        client.identify_password(PHONE, DEMO_PASSWORD)
        order = client.create_payment(3000, idempotency_key="admin-pay-applied")
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
        journal_path=str(path),
    )
    shell = start_shell(config, ShellOptions(installers=[]))
    try:
        show_painted(shell)
        shell.navigator.go("admin")
        admin = shell.admin
        qtbot.waitUntil(lambda: "2 笔" in admin.journal.text(), timeout=15_000)
        qtbot.mouseClick(admin.reconcile_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: admin.journal.text() == "交易日志：全部交易结果已确认", timeout=30_000
        )
        assert admin.status.text().startswith("对账完成：1 笔已在后台生效，1 笔未生效")
        entries = {e.idempotency_key: e for e in shell.ctx.journal.recent()}
        assert entries["admin-pay-applied"].status is EntryStatus.DONE
        assert entries["admin-pay-applied"].transaction_id == order.order_id
        assert entries["admin-pay-lost"].status is EntryStatus.FAILED
    finally:
        stop_shell(shell)
        QApplication.processEvents()
