"""The running kiosk reports its health to the real backend; a silent printer shows up."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.config import BackendConfig, Config, DevicesConfig
from tests.fixtures.live_backend import LiveBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.shell import Shell


@pytest.fixture
def kiosk(app: QApplication, live_backend: LiveBackend, tmp_path: Path) -> Iterator[Shell]:
    # A printer whose port is gone (unplugged cable): the report must say so.
    gone = tmp_path / "ttyUSB-unplugged"
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
        devices=DevicesConfig(printer=str(gone)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


@pytest.mark.timeout(90)
def test_health_report_reaches_the_backend(
    kiosk: Shell, live_backend: LiveBackend, qtbot: QtBot
) -> None:
    reporter = kiosk.status_reporter
    assert reporter is not None
    reporter.report_now()
    qtbot.waitUntil(lambda: reporter.sent is not None, timeout=60_000)
    rows = live_backend.query(
        "SELECT reader, printer, problems, journal_unresolved, in_session, app_version"
        " FROM terminal_status WHERE terminal_id = ?",
        live_backend.terminal_id,
    )
    assert rows == [("absent", "fault", "printer_silent", 0, 0, "0.1.0")]


@pytest.mark.timeout(90)
@pytest.mark.allow_log_warnings  # the acceptor reports its box full
def test_the_acceptor_state_and_box_fill_reach_the_fleet_listing(
    app: QApplication, live_backend: LiveBackend, tmp_path: Path, qtbot: QtBot
) -> None:
    import subprocess
    import sys

    from emulators.cash import BillValidatorEmulator

    with BillValidatorEmulator(transport_s=0.0) as emulator:
        config = dataclasses.replace(
            Config(),
            backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
            devices=DevicesConfig(cash_acceptor=emulator.port_path, cash_box_capacity=400),
            journal_path=str(tmp_path / "journal.sqlite3"),
        )
        shell = start_shell(config, ShellOptions(installers=[]))
        try:
            show_painted(shell)  # the reporter starts once the first frame is on screen
            assert shell.ctx.services.cash is not None
            desk = shell.ctx.services.cash.get()
            assert desk.wait_for(lambda _v: desk.available, 20)
            # The first event read is the baseline (earlier events are not this run's).
            qtbot.waitUntil(lambda: desk.ledger.device().last_counter is not None, timeout=10_000)
            emulator.stacker_full()
            assert desk.wait_for(lambda _v: "cash_stacker_full" in desk.problems(), 10)
            # The reporter is attached on the turn after the first frame (ui/app.py).
            qtbot.waitUntil(lambda: shell.status_reporter is not None, timeout=10_000)
            reporter = shell.status_reporter
            assert reporter is not None
            reporter.report_now()
            qtbot.waitUntil(lambda: reporter.sent is not None, timeout=60_000)
        finally:
            stop_shell(shell)
            QApplication.processEvents()
    rows = live_backend.query(
        "SELECT cash, cash_box_notes, cash_box_capacity, problems FROM terminal_status"
        " WHERE terminal_id = ?",
        live_backend.terminal_id,
    )
    assert rows == [("fault", 0, 400, "cash_stacker_full")]
    listing = subprocess.run(
        [sys.executable, "-m", "backend", "terminals", "--db", live_backend.db_url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in listing.splitlines() if x.startswith(live_backend.terminal_id))
    assert "fault" in line and "0/400 0%" in line and "cash_stacker_full" in line
