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
