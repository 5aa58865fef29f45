"""Password reset and 报停/复机 through the real screens against a PRIVATE real backend
(these change the line's state), with the receipt printed on the printer emulator over a pty:
the new password identifies the customer afterwards, the status and the backend's transaction
rows follow each step, and the kiosk's journal keeps one row per transaction (never a password).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from emulators.printer.emulator import PrinterEmulator
from kiosk.backend import errors as be
from kiosk.backend.factors import Factor
from kiosk.config import BackendConfig, Config, DevicesConfig
from kiosk.journal import EntryStatus
from kiosk.session import Customer
from tests.fixtures.live_backend import (
    DEMO_PASSWORD,
    LiveBackend,
    identify_fully,
    start_backend,
)
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.screens.line.install import features as install_line
from ui.screens.line.password import PasswordResetScreen
from ui.screens.line.status import LineStatusScreen
from ui.shell import Shell

PHONE = "13800138000"  # 张晓峰, 全球通, normal line
NEW = "528147"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # Private: the tests reset a password and suspend a line. SMS codes at once (two sessions).
    with start_backend(
        tmp_path_factory.mktemp("line-backend"), customers=1, sms_resend_after_s=0
    ) as backend:
        yield backend


@pytest.fixture(scope="module")
def printer_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrinterEmulator]:
    base = tmp_path_factory.mktemp("line-printer")
    with PrinterEmulator(base / "receipts", link_path=base / "ttyPRN") as emulator:
        yield emulator


@pytest.fixture
def kiosk(
    app: QApplication,
    own_backend: LiveBackend,
    printer_emulator: PrinterEmulator,
    tmp_path: Path,
) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=own_backend.url, terminal_token=own_backend.terminal_token),
        devices=DevicesConfig(printer=str(printer_emulator.port_path)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_line]))
    show_painted(shell)
    identify_fully(own_backend, shell.ctx.backend, PHONE)  # ID card + SMS code
    shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS}))
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _type(qtbot: QtBot, screen: PasswordResetScreen, digits: str) -> None:
    for digit in digits:
        _click(qtbot, screen.keypad.digit_button(digit))
    _click(qtbot, screen.keypad.submit_button())


def _line(backend: LiveBackend) -> tuple[int, str]:
    [(line_id, status)] = backend.query("SELECT id, status FROM lines WHERE number = ?", PHONE)
    return line_id, status


def _kinds(backend: LiveBackend) -> list[str]:
    line_id, _ = _line(backend)
    rows = backend.query(
        "SELECT kind FROM transactions WHERE line_id = ? ORDER BY created_at", line_id
    )
    return [r[0] for r in rows]


def _print_receipt(
    qtbot: QtBot, screen: PasswordResetScreen | LineStatusScreen, printer: PrinterEmulator
) -> str:
    before = len(printer.receipts())
    _click(qtbot, screen.result_card.receipt_button)
    panel = screen.print_panel
    qtbot.waitUntil(lambda: panel.state == "offered", timeout=TIMEOUT_MS)
    _click(qtbot, panel.confirm_button)
    qtbot.waitUntil(lambda: panel.state == "done", timeout=20_000)
    return printer.wait_for_receipts(before + 1, timeout=20)[-1].text


def test_password_reset_then_identify_with_the_new_password(
    kiosk: Shell, qtbot: QtBot, own_backend: LiveBackend, printer_emulator: PrinterEmulator
) -> None:
    kiosk.open_feature("line_password")
    screen = kiosk.navigator.current
    assert isinstance(screen, PasswordResetScreen)
    _type(qtbot, screen, "654321")  # refused on the spot: no round trip, nothing journaled
    assert "连续数字" in screen.error.text()
    _type(qtbot, screen, NEW)
    _type(qtbot, screen, NEW)
    assert screen.confirm_panel.isVisible()
    _click(qtbot, screen.confirm_panel.confirm_button)
    qtbot.waitUntil(lambda: screen.result is not None, timeout=TIMEOUT_MS)
    assert "服务密码已重置" in screen.result_card.text.text()
    assert screen.result is not None
    assert _kinds(own_backend).count("password_reset") == 1
    [entry] = kiosk.ctx.journal.recent()
    assert (entry.kind, entry.status) == ("password_reset", EntryStatus.DONE)
    assert entry.transaction_id == screen.result.transaction_id
    assert NEW not in repr(entry)
    text = _print_receipt(qtbot, screen, printer_emulator)
    assert "业务受理单" in text and "服务密码重置" in text
    assert screen.result.transaction_id in text
    assert NEW not in text and PHONE not in text and "138****8000" in text
    with own_backend.client() as client:  # the customer's next visit
        session = client.identify_password(PHONE, NEW)
        assert session.has(Factor.PASSWORD)
    with own_backend.client() as client, pytest.raises(be.AuthFailed):
        client.identify_password(PHONE, DEMO_PASSWORD)  # the old one no longer works


def test_suspend_then_resume(
    kiosk: Shell, qtbot: QtBot, own_backend: LiveBackend, printer_emulator: PrinterEmulator
) -> None:
    before = _kinds(own_backend)
    kiosk.open_feature("line_status")
    screen = kiosk.navigator.current
    assert isinstance(screen, LineStatusScreen)
    qtbot.waitUntil(lambda: screen.line_status is not None, timeout=TIMEOUT_MS)
    assert screen.status_value.text() == "正常使用"
    _click(qtbot, screen.action_button)
    _click(qtbot, screen.confirm_panel.confirm_button)
    qtbot.waitUntil(lambda: screen.result is not None, timeout=TIMEOUT_MS)
    assert _line(own_backend)[1] == "suspended"
    assert screen.status_value.text() == "已报停"
    text = _print_receipt(qtbot, screen, printer_emulator).replace("\n", "")  # notes wrap
    assert "报停（停机保号）" in text and "号码保留费" in text and "复机请携带身份证" in text

    kiosk.navigator.home()
    kiosk.open_feature("line_status")
    screen = kiosk.navigator.current
    assert isinstance(screen, LineStatusScreen)
    qtbot.waitUntil(lambda: screen.line_status is not None, timeout=TIMEOUT_MS)
    assert screen.status_value.text() == "已报停"
    assert screen.action_button.text() == "办理复机"
    _click(qtbot, screen.action_button)
    _click(qtbot, screen.confirm_panel.confirm_button)
    qtbot.waitUntil(lambda: screen.result is not None, timeout=TIMEOUT_MS)
    assert _line(own_backend)[1] == "normal"
    assert screen.status_value.text() == "正常使用"
    assert _kinds(own_backend) == [*before, "suspend", "resume"]
    entries = list(reversed(kiosk.ctx.journal.recent()))
    assert [(e.kind, e.status) for e in entries] == [
        ("suspend", EntryStatus.DONE),
        ("resume", EntryStatus.DONE),
    ]
    assert {e.masked_phone for e in entries} == {"138****8000"}
