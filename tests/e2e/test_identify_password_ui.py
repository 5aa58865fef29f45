"""Password and SMS identification through the real screens against the live backend."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.backend.factors import Access, Factor
from kiosk.config import BackendConfig, Config
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.navigation import Destination
from ui.screens.account.install import features as install_account
from ui.screens.account.overview import OverviewScreen
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell
from ui.widgets.keypad import Keypad


@pytest.fixture
def kiosk(app: QApplication, live_backend: LiveBackend, tmp_path: Path) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        journal_path=str(tmp_path / "journal.sqlite3"),
        backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
    )
    shell = start_shell(config, ShellOptions(installers=[install_account]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _type(qtbot: QtBot, keypad: Keypad, digits: str) -> None:
    for digit in digits:
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keypad.submit_button(), Qt.MouseButton.LeftButton)


def _start(shell: Shell, qtbot: QtBot, phone: str, level: Access) -> IdentifyScreen:
    shell.navigator.go("identify", Destination("overview", None, level))
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    _type(qtbot, screen.phone_page.keypad, phone)
    return screen


def test_three_wrong_passwords_lock_the_number(kiosk: Shell, qtbot: QtBot) -> None:
    screen = _start(kiosk, qtbot, "13699990000", Access.SUMMARY)
    qtbot.mouseClick(
        next(b for c, b in screen.choice_page.buttons.items() if c == (Factor.PASSWORD,)),
        Qt.MouseButton.LeftButton,
    )
    page = screen.password_page
    messages = []
    for _ in range(3):
        _type(qtbot, page.keypad, "111111")
        qtbot.waitUntil(lambda: page.error.isVisible() and page.isEnabled(), timeout=10_000)
        messages.append(page.error.text())
    assert "还可以再试 2 次" in messages[0]
    assert "还可以再试 1 次" in messages[1]
    assert "锁定" in messages[2]
    assert page.keypad.text() == ""  # the keypad is cleared (and reshuffled) after each try
    _type(qtbot, page.keypad, DEMO_PASSWORD)  # even the right password is refused now
    qtbot.waitUntil(lambda: page.isEnabled(), timeout=10_000)
    assert "锁定" in page.error.text()
    assert not kiosk.ctx.sessions.current.identified


def test_password_then_sms_code_reaches_details(
    kiosk: Shell, qtbot: QtBot, live_backend: LiveBackend
) -> None:
    screen = _start(kiosk, qtbot, "15800001111", Access.DETAILS)
    qtbot.mouseClick(
        next(b for c, b in screen.choice_page.buttons.items() if Factor.PASSWORD in c),
        Qt.MouseButton.LeftButton,
    )
    _type(qtbot, screen.password_page.keypad, DEMO_PASSWORD)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.sms_page, timeout=10_000)
    # the code was sent once the busy line is gone (the test backend allows instant resends)
    qtbot.waitUntil(lambda: not screen.sms_page.busy.isVisible(), timeout=10_000)
    _type(qtbot, screen.sms_page.keypad, live_backend.latest_sms_code("15800001111"))
    qtbot.waitUntil(lambda: kiosk.navigator.current.screen_id == "overview", timeout=10_000)
    assert kiosk.ctx.sessions.current.has(Factor.PASSWORD, Factor.SMS)


def test_reminder_threshold_is_saved_and_journaled(
    kiosk: Shell, qtbot: QtBot, live_backend: LiveBackend
) -> None:
    screen = _start(kiosk, qtbot, "13912345678", Access.SUMMARY)  # 神州行, pre-paid
    qtbot.mouseClick(
        next(b for c, b in screen.choice_page.buttons.items() if c == (Factor.PASSWORD,)),
        Qt.MouseButton.LeftButton,
    )
    _type(qtbot, screen.password_page.keypad, DEMO_PASSWORD)
    qtbot.waitUntil(lambda: kiosk.navigator.current.screen_id == "overview", timeout=10_000)
    overview = kiosk.navigator.current
    assert isinstance(overview, OverviewScreen)
    qtbot.waitUntil(lambda: overview.overview is not None, timeout=10_000)
    qtbot.mouseClick(overview.reminder_buttons[2000], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "¥20.00" in overview.status.text(), timeout=10_000)
    assert overview.overview is not None
    assert overview.overview.reminder_threshold_fen == 2000
    assert overview.reminder_buttons[2000].isChecked()
    [entry] = [e for e in kiosk.ctx.journal.recent() if e.kind == "reminder"]
    assert entry.status.value == "done" and entry.masked_phone == "139****5678"
    # The backend's own transaction number, like every other kind (it used to be '').
    assert entry.transaction_id and entry.transaction_id.startswith("TX")
    assert live_backend.query(
        "SELECT kind, detail FROM transactions WHERE transaction_id = ?", entry.transaction_id
    ) == [("reminder", "2000")]
