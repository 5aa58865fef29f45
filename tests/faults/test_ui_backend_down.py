"""The backend is down or silent: the customer reads a calm sentence, nothing hangs."""

from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.backend.factors import Access, Factor
from kiosk.config import BackendConfig, Config
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.navigation import Destination
from ui.screens.account.install import features as install_account
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell
from ui.widgets.keypad import Keypad


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers (a hung gateway)."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def _kiosk(app: QApplication, tmp_path: Path, url: str) -> Shell:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=url, connect_timeout=1.0, read_timeout=1.0),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_account]))
    show_painted(shell)
    return shell


def _type(qtbot: QtBot, keypad: Keypad, digits: str) -> None:
    for digit in digits:
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keypad.submit_button(), Qt.MouseButton.LeftButton)


def _try_password(shell: Shell, qtbot: QtBot) -> str:
    shell.navigator.go("identify", Destination("overview", None, Access.SUMMARY))
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    _type(qtbot, screen.phone_page.keypad, "13800138000")
    button = next(b for c, b in screen.choice_page.buttons.items() if c == (Factor.PASSWORD,))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    _type(qtbot, screen.password_page.keypad, "864213")
    qtbot.waitUntil(screen.password_page.error.isVisible, timeout=15_000)
    assert screen.password_page.isEnabled()  # the customer can try again
    return screen.password_page.error.text()


def test_backend_down_gives_a_calm_message(app: QApplication, qtbot: QtBot, tmp_path: Path):
    shell = _kiosk(app, tmp_path, f"http://127.0.0.1:{_closed_port()}")
    try:
        assert "暂时无法连接业务系统" in _try_password(shell, qtbot)
        assert not shell.ctx.sessions.current.identified
    finally:
        stop_shell(shell)


def test_silent_backend_times_out_calmly(
    app: QApplication, qtbot: QtBot, tmp_path: Path, silent_server: int
) -> None:
    shell = _kiosk(app, tmp_path, f"http://127.0.0.1:{silent_server}")
    try:
        assert "响应较慢" in _try_password(shell, qtbot)
    finally:
        stop_shell(shell)
