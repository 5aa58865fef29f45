"""Paper out keeps the receipt (issue 13 major 5): the print panel holds the slip after
打印机缺纸, says so, and prints it when the printer reports paper again or on 重新打印;
the pay screen does not promise a receipt the printer cannot give. Real printer emulator on a
pty, real shell."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from emulators.printer.emulator import PrinterEmulator
from kiosk.config import Config, DevicesConfig
from kiosk.devices.printer.slips import PrintState
from printer.document import Cut, Document, Text
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.screens.pay.install import features as install_pay
from ui.screens.pay.pay import PayScreen
from ui.shell import Shell
from ui.widgets import print_panel
from ui.widgets.print_panel import PrintPanel


def _receipt() -> Document:
    return Document((Text("自助缴费凭据"), Text("交易金额 ￥50.00"), Cut()), "自助缴费凭据")


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    emulator = PrinterEmulator(tmp_path / "receipts")
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def shell(
    app: QApplication, qtbot: QtBot, tmp_path: Path, emulator: PrinterEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Shell]:  # fmt: skip
    monkeypatch.setattr(print_panel, "PAPER_POLL_MS", 50)
    config = dataclasses.replace(
        Config(),
        devices=DevicesConfig(printer=str(emulator.port_path)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_pay]))
    show_painted(shell)
    qtbot.waitUntil(lambda: shell.started_up, timeout=20_000)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _panel(shell: Shell) -> PrintPanel:
    panel = PrintPanel(shell.ctx)
    panel.setParent(shell.home_screen)  # where a screen keeps its panel
    return panel


def _offer_and_confirm(qtbot: QtBot, panel: PrintPanel) -> None:
    panel.offer(_receipt, None, keep_copy=True)
    qtbot.waitUntil(lambda: panel.state is PrintState.OFFERED, timeout=10_000)
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)


def test_paper_out_keeps_the_slip_and_prints_it_when_paper_is_back(
    shell: Shell, qtbot: QtBot, emulator: PrinterEmulator
) -> None:
    emulator.set_paper("out")
    panel = _panel(shell)
    _offer_and_confirm(qtbot, panel)
    qtbot.waitUntil(lambda: panel.state is PrintState.WAITING_FOR_PAPER, timeout=10_000)
    tr = shell.ctx.translator.tr
    # two Chinese sentences, no gap between them (纸卷。您的凭条…)
    assert panel.message.text() == tr("print.error_paper_out") + tr("print.waiting_for_paper")
    assert "。 " not in panel.message.text()
    assert panel.confirm_button.text() == "重新打印" and panel.confirm_button.isEnabled()
    assert emulator.receipts() == []
    emulator.set_paper("ok")  # staff load a roll: nobody taps anything
    qtbot.waitUntil(lambda: panel.state is PrintState.DONE, timeout=10_000)
    [receipt] = emulator.wait_for_receipts(1, timeout=10)
    assert "交易金额".encode("gb18030") in receipt.bin_path.read_bytes()


def test_print_again_while_out_waits_again_then_prints(
    shell: Shell, qtbot: QtBot, emulator: PrinterEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.set_paper("out")
    panel = _panel(shell)
    panel._paper_poll.setInterval(60_000)  # only the customer's taps ask the printer here
    _offer_and_confirm(qtbot, panel)
    qtbot.waitUntil(lambda: panel.state is PrintState.WAITING_FOR_PAPER, timeout=10_000)
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)  # 重新打印, still out
    qtbot.waitUntil(lambda: not panel.printing, timeout=10_000)
    qtbot.waitUntil(lambda: panel.state is PrintState.WAITING_FOR_PAPER, timeout=10_000)
    emulator.set_paper("ok")
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state is PrintState.DONE, timeout=10_000)
    assert len(emulator.wait_for_receipts(1, timeout=10)) == 1


def test_the_pay_screen_promises_no_receipt_while_the_paper_is_out(
    shell: Shell, qtbot: QtBot, emulator: PrinterEmulator
) -> None:
    shell.navigator.go("pay")
    screen = shell.navigator.current
    assert isinstance(screen, PayScreen)
    tr = shell.ctx.translator.tr
    qtbot.waitUntil(lambda: screen.hint.text() == tr("pay.hint"), timeout=10_000)
    emulator.set_paper("out")
    adapter = shell.ctx.services.printer
    assert adapter is not None
    adapter.check_status(lambda _s: None, lambda _e: None)  # as the service monitor polls
    qtbot.waitUntil(lambda: screen.hint.text() == tr("pay.hint_no_receipt"), timeout=10_000)
    assert "可打印凭据" not in screen.hint.text()
