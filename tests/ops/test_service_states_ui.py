"""Service states on the running kiosk (pytest-qt): out of paper keeps every paperless
function open and says printing is unavailable; an unreachable backend puts up the
out-of-service cover, which goes away by itself when the backend answers again."""

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

from emulators.printer.emulator import PrinterEmulator
from kiosk.config import BackendConfig, Config, DevicesConfig, TerminalConfig
from kiosk.service_state import Backend, Printing
from tests.fixtures.live_backend import LiveBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.features import discover
from ui.service_monitor import ServiceMonitor
from ui.shell import Shell

TERMINAL = "BJ-CY-0042"


class SwitchableProxy:
    """TCP forwarder to the live backend; ``down()`` makes it drop every connection at once
    (what the kiosk sees when a gateway or the network is gone), ``up()`` forwards again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self._target = target
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port = int(self._server.getsockname()[1])
        self._up = threading.Event()
        self._up.set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def down(self) -> None:
        self._up.clear()

    def up(self) -> None:
        self._up.set()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            if not self._up.is_set():
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                client.close()  # RST: connection reset, like a dead gateway
                continue
            threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        """Both directions on one thread; both sockets closed when either side ends."""
        import selectors

        with client, socket.create_connection(self._target) as upstream:
            peers = {client: upstream, upstream: client}
            with selectors.DefaultSelector() as sel:
                for sock in peers:
                    sel.register(sock, selectors.EVENT_READ)
                while not self._stop.is_set():
                    for key, _ in sel.select(timeout=0.1):
                        src = key.fileobj
                        assert isinstance(src, socket.socket)
                        try:
                            data = src.recv(65536)
                        except OSError:
                            data = b""
                        if not data:
                            return
                        peers[src].sendall(data)


@pytest.fixture
def proxy(live_backend: LiveBackend) -> Iterator[SwitchableProxy]:
    host, port = live_backend.url.removeprefix("http://").split(":")
    p = SwitchableProxy((host, int(port)))
    yield p
    p.close()


def _kiosk(tmp_path: Path, url: str, token: str, printer: str = "") -> Shell:
    config = dataclasses.replace(
        Config(),
        terminal=TerminalConfig(id=TERMINAL),
        backend=BackendConfig(url=url, terminal_token=token, connect_timeout=1.0, read_timeout=2.0),
        devices=DevicesConfig(printer=printer),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=discover()))
    show_painted(shell)
    return shell


@pytest.mark.allow_log_warnings  # "backend unreachable" is a WARNING on purpose
@pytest.mark.timeout(90)
def test_out_of_service_cover_comes_and_goes_by_itself(
    app: QApplication,
    qtbot: QtBot,
    tmp_path: Path,
    proxy: SwitchableProxy,
    live_backend: LiveBackend,
) -> None:
    shell = _kiosk(tmp_path, f"http://127.0.0.1:{proxy.port}", live_backend.terminal_token)
    monitor = ServiceMonitor(shell, probe_ms=150, probe_down_ms=150, first_probe_ms=0)
    try:
        cover = monitor.cover
        states: list[Backend] = []
        monitor.backend_changed.connect(states.append)
        lines: list[str] = []
        monitor.state_changed.connect(lines.append)
        qtbot.waitUntil(lambda: monitor.health.state is Backend.IN_SERVICE and not monitor._probing)
        assert not cover.isVisible()
        proxy.down()
        qtbot.waitUntil(cover.isVisible, timeout=30_000)
        assert states == [Backend.OUT_OF_SERVICE]
        assert cover.geometry() == shell.window.stack.rect()  # the screens are covered
        assert shell.window.header.isVisible()  # the staff gesture stays reachable
        assert cover.title.text() == "本终端暂停服务"
        assert cover.terminal.text() == f"终端编号：{TERMINAL}"
        assert "大堂工作人员" in cover.staff_hint.text()
        proxy.up()
        qtbot.waitUntil(lambda: not cover.isVisible(), timeout=30_000)
        assert states == [Backend.OUT_OF_SERVICE, Backend.IN_SERVICE]
        assert lines == ["out of service: backend unreachable", "serving"]
    finally:
        monitor.stop()
        stop_shell(shell)
        QApplication.processEvents()


@pytest.mark.allow_log_warnings  # "printing unavailable" is a WARNING on purpose
@pytest.mark.timeout(90)
def test_out_of_paper_keeps_paperless_functions_open(
    app: QApplication, qtbot: QtBot, tmp_path: Path, live_backend: LiveBackend
) -> None:
    with PrinterEmulator(tmp_path / "receipts", link_path=tmp_path / "ttyPRN") as emulator:
        shell = _kiosk(
            tmp_path, live_backend.url, live_backend.terminal_token, str(emulator.port_path)
        )
        monitor = ServiceMonitor(shell, printer_poll_ms=150, first_probe_ms=60_000)
        try:
            home = shell.home_screen
            notice = home.printing_notice
            printer = shell.ctx.services.printer
            assert printer is not None
            qtbot.waitUntil(lambda: printer.last_status is not None)
            assert not notice.isVisible()
            emulator.set_paper("out")
            qtbot.waitUntil(notice.isVisible, timeout=20_000)
            assert monitor.printing.printing is Printing.UNAVAILABLE
            assert monitor.printing.reason == "paper_out"
            assert notice.text().startswith("打印暂不可用")
            assert not home._card_hint.isVisible()  # one notice at a time
            assert not home.tiles["invoice"].isEnabled()  # exists only to print
            paperless = [k for k in home.tiles if k != "invoice"]
            assert len(paperless) >= 9
            assert all(home.tiles[k].isEnabled() for k in paperless)
            # and a paperless function really opens: 话费余额 goes to identification
            qtbot.mouseClick(home.tiles["overview"], Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: shell.navigator.current.screen_id == "identify")
            shell.navigator.go("home")
            emulator.set_paper("ok")
            qtbot.waitUntil(lambda: not notice.isVisible(), timeout=20_000)
            assert home.tiles["invoice"].isEnabled()
        finally:
            monitor.stop()
            stop_shell(shell)
            QApplication.processEvents()
