"""Card identification through the real screens: backend on loopback, reader emulator on a pty.

Each outcome a customer can meet gets its own calm message: accepted, card of someone else,
expired card, a read that failed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from emulators.idcard.emulator import IdCardEmulator
from kiosk.backend.factors import Access, Factor
from kiosk.config import BackendConfig, Config, DevicesConfig
from tests.fixtures.live_backend import LiveBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.navigation import Destination
from ui.screens.account.install import features as install_account
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell


@pytest.fixture
def reader() -> Iterator[IdCardEmulator]:
    emulator = IdCardEmulator()
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def kiosk(app: QApplication, live_backend: LiveBackend, reader: IdCardEmulator) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=live_backend.url, terminal_token=live_backend.terminal_token),
        devices=DevicesConfig(card_reader=reader.port_path),
    )
    shell = start_shell(config, ShellOptions(installers=[install_account]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _to_card_page(shell: Shell, qtbot: QtBot, phone: str) -> IdentifyScreen:
    shell.navigator.go("identify", Destination("overview", None, Access.DETAILS))
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    for digit in phone:
        qtbot.mouseClick(screen.phone_page.keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.phone_page.keypad.submit_button(), Qt.MouseButton.LeftButton)
    card_button = next(b for c, b in screen.choice_page.buttons.items() if c[0].value == "id_card")
    qtbot.mouseClick(card_button, Qt.MouseButton.LeftButton)
    assert screen.pages.currentWidget() is screen.card_page
    reader_adapter = shell.ctx.services.card_reader
    assert reader_adapter is not None
    qtbot.waitUntil(lambda: reader_adapter.ready, timeout=10_000)
    return screen


def test_the_owners_card_then_the_sms_code_opens_the_function(
    kiosk: Shell, qtbot: QtBot, reader: IdCardEmulator, live_backend: LiveBackend
) -> None:
    screen = _to_card_page(kiosk, qtbot, "13800138000")
    reader.place("13800138000")
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.sms_page, timeout=15_000)
    customer = kiosk.ctx.sessions.current.customer
    assert customer is not None and customer.masked_name == "张*峰"
    assert customer.factors == {Factor.ID_CARD}
    assert kiosk.window.header.customer_badge.text() == "138****8000"
    qtbot.waitUntil(lambda: not screen.sms_page.busy.isVisible(), timeout=10_000)
    keypad = screen.sms_page.keypad
    for digit in live_backend.latest_sms_code("13800138000"):
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keypad.submit_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.navigator.current.screen_id == "overview", timeout=15_000)
    assert kiosk.ctx.sessions.current.has(Factor.ID_CARD, Factor.SMS)


def test_someone_elses_card_is_refused_calmly(
    kiosk: Shell, qtbot: QtBot, reader: IdCardEmulator
) -> None:
    screen = _to_card_page(kiosk, qtbot, "13800138000")
    reader.place("13912345678")  # 李秀英's card for 张晓峰's number
    qtbot.waitUntil(screen.card_page.error.isVisible, timeout=15_000)
    assert "实名登记不一致" in screen.card_page.error.text()
    assert not kiosk.ctx.sessions.current.identified


def test_an_expired_card_is_refused_with_its_own_message(
    kiosk: Shell, qtbot: QtBot, reader: IdCardEmulator
) -> None:
    screen = _to_card_page(kiosk, qtbot, "13551234567")
    reader.place("13551234567")  # 刘建国, valid to 2025-09-10
    qtbot.waitUntil(screen.card_page.error.isVisible, timeout=15_000)
    assert "过有效期" in screen.card_page.error.text()


@pytest.mark.allow_log_warnings
def test_a_failed_read_asks_to_place_the_card_again(
    kiosk: Shell, qtbot: QtBot, reader: IdCardEmulator
) -> None:
    screen = _to_card_page(kiosk, qtbot, "13800138000")
    reader.inject("read_fail")
    reader.place("13800138000")
    qtbot.waitUntil(screen.card_page.error.isVisible, timeout=15_000)
    assert "再平放到感应区" in screen.card_page.error.text()
    assert "110105" not in screen.card_page.error.text()
