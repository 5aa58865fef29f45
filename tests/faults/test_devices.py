"""Device faults through the emulators, with the real kiosk shell and its event-loop probe.

The printer runs out of paper in the middle of a transaction receipt (the copy is kept for
staff and the customer is told), the printer is unplugged in the middle of a slip, and the ID
card reader is unplugged in the middle of a read. After each, the device is fixed and the kiosk
carries on without a restart; the probe must not have seen the event loop stall.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from emulators.printer.emulator import PrinterEmulator
from kiosk.backend.factors import Access
from kiosk.config import BackendConfig, Config, DevicesConfig
from kiosk.devices.printer.slips import PrintState
from printer.document import Cut, Document, Text
from printer.escpos.decoder import decode
from printer.profiles import load_profile
from tests.faults.harness.devices import EmulatorProcess
from tests.faults.harness.runs import FULL
from tests.fixtures.live_backend import LiveBackend
from tests.fixtures.qt import show_painted
from tests.fixtures.stalls import assert_responsive
from ui.app import ShellOptions, start_shell, stop_shell
from ui.navigation import Destination
from ui.screens.account.install import features as install_account
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell
from ui.widgets.print_panel import PrintPanel

RESULTS: dict[str, dict[str, Any]] = {}
PROFILE = load_profile("generic-80")


def _receipt(lines: int = 40) -> Document:
    body = tuple(Text(f"业务受理单 第{i:02d}行 交易流水 TX{i:06d}") for i in range(lines))
    return Document((*body, Cut()), "业务受理单")


def _kiosk(config: Config, installers: list[Any] | None = None) -> Shell:
    shell = start_shell(config, ShellOptions(installers=installers or []))
    show_painted(shell)
    return shell


def _wait_started(shell: Shell, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: shell.started_up, timeout=20_000)


def _outside(qtbot: QtBot, action: Callable[[], object]) -> None:
    """A hand on the device: from another thread, as a cable pull is (a control call made on
    the GUI thread would block the event loop the probe is measuring)."""
    thread = threading.Thread(target=action)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=20_000)


def _turn(shell: Shell, qtbot: QtBot) -> None:
    """Let the event loop turn until the probe has ticked once more."""
    probe = shell.loop_probe
    assert probe is not None
    ticks = probe.stalls().ticks
    qtbot.waitUntil(lambda: probe.stalls().ticks > ticks, timeout=5_000)


def _tap(shell: Shell, qtbot: QtBot, button: QWidget) -> None:
    """One tap, then a probe tick: a customer's taps are separate events, never a burst of
    fourteen handled in one event-loop turn (a test clicking a whole phone number
    synchronously measured the burst, not the kiosk's answer to one tap)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    _turn(shell, qtbot)


def _cpu_stall(shell: Shell) -> float:
    assert shell.loop_probe is not None
    return shell.loop_probe.stalls().max_cpu_stall_ms


def _startup_stall(shell: Shell) -> float:
    assert shell.loop_probe is not None
    return shell.loop_probe.stalls().startup_max_stall_ms


def _stall(shell: Shell) -> float:
    assert shell.loop_probe is not None
    return shell.loop_probe.stalls().max_self_stall_ms


def _assert_responsive(shell: Shell) -> None:
    assert shell.loop_probe is not None
    stalls = shell.loop_probe.stalls()
    assert_responsive(self_ms=stalls.max_self_stall_ms, cpu_ms=stalls.max_cpu_stall_ms, full=FULL)


def _wall_stall(shell: Shell) -> float:
    assert shell.loop_probe is not None
    return shell.loop_probe.stalls().max_stall_ms


@pytest.fixture(scope="module", autouse=True)
def _write_report() -> Iterator[None]:
    yield
    from tests.faults.harness.ledger import write_section

    if RESULTS:
        write_section(
            "devices",
            {
                "runs": len(RESULTS),
                "kiosk_crashes": 0,
                "max_stall_ms": max(r["max_stall_ms"] for r in RESULTS.values()),
                "max_wall_stall_ms": max(r["max_wall_stall_ms"] for r in RESULTS.values()),
                "max_cpu_stall_ms": max(r["max_cpu_stall_ms"] for r in RESULTS.values()),
                "startup_max_stall_ms": max(r["startup_max_stall_ms"] for r in RESULTS.values()),
                "scenarios": RESULTS,
            },
        )


def _panel(shell: Shell) -> PrintPanel:
    """A print panel where a screen keeps its own. Screens build theirs at start-up, before the
    probe measures: the harness building one now is paused out of the figures."""
    probe = shell.loop_probe
    assert probe is not None
    probe.pause()
    panel = PrintPanel(shell.ctx)
    panel.setParent(shell.home_screen)
    probe.resume()
    return panel


def _print_on_panel(shell: Shell, qtbot: QtBot, panel: PrintPanel, document: Document) -> None:
    panel.offer(lambda: document, None, keep_copy=True)
    qtbot.waitUntil(lambda: panel.state == "offered", timeout=10_000)
    _turn(shell, qtbot)
    _tap(shell, qtbot, panel.confirm_button)


def _reprint_first(shell: Shell, qtbot: QtBot, emulator: PrinterEmulator, before: int) -> bytes:
    shell.navigator.go("admin")
    _turn(shell, qtbot)
    admin = shell.admin
    qtbot.waitUntil(lambda: admin.receipts.count() >= 1, timeout=10_000)
    admin.receipts.setCurrentRow(0)
    _turn(shell, qtbot)
    qtbot.waitUntil(admin.reprint_button.isEnabled, timeout=10_000)
    _tap(shell, qtbot, admin.reprint_button)
    receipts = emulator.wait_for_receipts(before + 1, timeout=20)
    return receipts[-1].bin_path.read_bytes()


@pytest.mark.timeout(120)
def test_paper_out_mid_slip_keeps_the_receipt_and_tells_the_customer(
    app: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    emulator = PrinterEmulator(tmp_path / "receipts", paper_lines=12)
    emulator.start()
    config = dataclasses.replace(
        Config(),
        devices=DevicesConfig(printer=str(emulator.port_path)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = _kiosk(config)
    try:
        _wait_started(shell, qtbot)
        panel = _panel(shell)
        document = _receipt(40)
        _print_on_panel(shell, qtbot, panel, document)
        qtbot.waitUntil(lambda: panel.state == "waiting_for_paper", timeout=20_000)
        tr = shell.ctx.translator.tr
        assert panel.message.text() == (
            tr("print.error_paper_ran_out") + tr("print.waiting_for_paper")
        )
        panel.reset()  # the customer closes the panel: the copy stays for staff
        adapter = shell.ctx.services.printer
        assert adapter is not None
        (copy,) = adapter.history()
        assert copy.title == "业务受理单" and copy.complete is False
        texts = [getattr(item, "text", "") for item in decode(copy.data, PROFILE)]
        assert any("TX000039" in text for text in texts)  # the whole slip was kept
        # Staff load a new roll and reprint from the admin screen: the same bytes come out.
        emulator.paper_lines = None
        _outside(qtbot, lambda: emulator.set_paper("ok"))
        printed = _reprint_first(shell, qtbot, emulator, len(emulator.receipts()))
        assert decode(printed, PROFILE) == decode(copy.data, PROFILE)
        RESULTS["printer_paper_out_mid_slip"] = {
            "customer_told": panel.message.text(),
            "kept_for_reprint": True,
            "reprinted_identical": True,
            "max_stall_ms": _stall(shell),
            "max_wall_stall_ms": _wall_stall(shell),
            "max_cpu_stall_ms": _cpu_stall(shell),
            "startup_max_stall_ms": _startup_stall(shell),
        }
        _assert_responsive(shell)
    finally:
        stop_shell(shell)
        QApplication.processEvents()
        emulator.stop()


@pytest.mark.allow_log_warnings
@pytest.mark.timeout(120)
def test_printer_unplugged_mid_slip_then_plugged_back(
    app: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # A slow mechanism with a small buffer: the slip takes long enough to pull the cable.
    emulator = PrinterEmulator(tmp_path / "receipts", print_rate=4000, buffer_size=1024)
    emulator.start()
    config = dataclasses.replace(
        Config(),
        devices=DevicesConfig(printer=str(emulator.port_path)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = _kiosk(config)
    try:
        _wait_started(shell, qtbot)
        adapter = shell.ctx.services.printer
        assert adapter is not None
        pulled: list[int] = []

        def pull_midway(sent: int, total: int) -> None:
            if 0 < sent < total and not pulled:
                pulled.append(sent)
                threading.Thread(target=emulator.unplug).start()

        adapter.progress.connect(pull_midway)
        panel = _panel(shell)
        _print_on_panel(shell, qtbot, panel, _receipt(120))
        qtbot.waitUntil(lambda: panel.state == PrintState.RETRY, timeout=30_000)  # the slip is kept
        adapter.progress.disconnect(pull_midway)
        tr = shell.ctx.translator.tr
        assert pulled, "the slip finished before the cable was pulled"
        assert panel.message.text().endswith(tr("print.retry"))
        assert panel.confirm_button.text() == tr("print.again")
        told = panel.message.text()
        panel.reset()  # the customer closes the panel: the copy stays for staff
        (copy,) = adapter.history()
        assert copy.complete is False
        _outside(qtbot, emulator.replug)
        printed = _reprint_first(shell, qtbot, emulator, len(emulator.receipts()))
        # The lines printed before the cable went stay on the paper, the reprint follows whole.
        expected = decode(copy.data, PROFILE)
        assert decode(printed, PROFILE)[-len(expected) :] == expected
        RESULTS["printer_unplugged_mid_slip"] = {
            "unplugged_after_bytes": pulled[0],
            "customer_told": told,
            "reprinted_after_replug": True,
            "max_stall_ms": _stall(shell),
            "max_wall_stall_ms": _wall_stall(shell),
            "max_cpu_stall_ms": _cpu_stall(shell),
            "startup_max_stall_ms": _startup_stall(shell),
        }
        _assert_responsive(shell)
    finally:
        stop_shell(shell)
        QApplication.processEvents()
        emulator.stop()


@pytest.mark.allow_log_warnings
@pytest.mark.timeout(120)
def test_reader_unplugged_mid_read_then_plugged_back(
    app: QApplication, qtbot: QtBot, live_backend: LiveBackend, tmp_path: Path
) -> None:
    reader = EmulatorProcess("idcard", tmp_path / "reader")
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
        devices=DevicesConfig(card_reader=reader.link),
    )
    shell = _kiosk(config, [install_account])
    try:
        _wait_started(shell, qtbot)
        shell.navigator.go("identify", Destination("overview", None, Access.DETAILS))
        _turn(shell, qtbot)
        screen = shell.navigator.current
        assert isinstance(screen, IdentifyScreen)
        phone = "13800138000"
        for digit in phone:
            _tap(shell, qtbot, screen.phone_page.keypad.digit_button(digit))
        _tap(shell, qtbot, screen.phone_page.keypad.submit_button())
        card_button = next(
            b for c, b in screen.choice_page.buttons.items() if c[0].value == "id_card"
        )
        _tap(shell, qtbot, card_button)
        adapter = shell.ctx.services.card_reader
        assert adapter is not None
        qtbot.waitUntil(lambda: adapter.ready, timeout=10_000)
        # The read answer is held back (1 s); the cable is pulled while the driver waits for it.
        _outside(qtbot, lambda: reader.control(cmd="fault", name="slow", on="read"))
        presents: list[object] = []
        adapter.polled.connect(
            lambda e: presents.append(e) if e.kind.value == "card_present" else None
        )
        _outside(qtbot, lambda: reader.control(cmd="place", card=phone))
        qtbot.waitUntil(lambda: bool(presents), timeout=10_000)
        _outside(qtbot, lambda: reader.control(cmd="unplug"))
        qtbot.waitUntil(lambda: not adapter.ready, timeout=15_000)
        qtbot.waitUntil(screen.card_page.error.isVisible, timeout=10_000)
        told = screen.card_page.error.text()
        assert told == shell.ctx.translator.tr("identify.reader_offline")
        assert not shell.ctx.sessions.current.identified
        # Plugged back: the poller reopens the port by itself and the card is read.
        _outside(qtbot, lambda: reader.control(cmd="remove"))
        _outside(qtbot, lambda: reader.control(cmd="clear"))
        _outside(qtbot, lambda: reader.control(cmd="replug"))
        qtbot.waitUntil(lambda: adapter.ready, timeout=20_000)
        _outside(qtbot, lambda: reader.control(cmd="place", card=phone))
        qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.sms_page, timeout=20_000)
        customer = shell.ctx.sessions.current.customer
        assert customer is not None and customer.masked_name == "张*峰"
        RESULTS["reader_unplugged_mid_read"] = {
            "customer_told": told,
            "recovered_without_restart": True,
            "max_stall_ms": _stall(shell),
            "max_wall_stall_ms": _wall_stall(shell),
            "max_cpu_stall_ms": _cpu_stall(shell),
            "startup_max_stall_ms": _startup_stall(shell),
        }
        _assert_responsive(shell)
    finally:
        stop_shell(shell)
        QApplication.processEvents()
        reader.stop()
