"""Card first through the real screens, and the taps it takes to print last month's bill.

A private reference backend on loopback, the ID card reader emulator and the receipt
printer emulator on ptys. Every tap is counted from walking up to the home screen to the
bill coming out of the printer (docs/session.md, "Counting the taps"): by card and by
number. A card already lying on the reader when the card screen opens is read again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from common.months import months_back
from emulators.idcard.emulator import IdCardEmulator
from emulators.printer.emulator import PrinterEmulator
from kiosk.backend.factors import Access, Factor
from kiosk.config import BackendConfig, Config, DevicesConfig
from tests.fixtures.live_backend import DEMO_TODAY, LiveBackend, start_backend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.navigation import Destination
from ui.screens.bills.install import features as install_bills
from ui.screens.bills.month import MonthBillScreen
from ui.screens.bills.overview import BillsScreen
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell

ZHANG = "13800138000"
LAST_MONTH = months_back(DEMO_TODAY, 1)
# Measured by the tests below (docs/session.md keeps the same numbers).
TAPS_BY_CARD = 12
TAPS_BY_NUMBER = 24


@pytest.fixture(scope="module")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # Its own instance: SMS resends wait 60 s per number, and these journeys send several.
    with start_backend(tmp_path_factory.mktemp("card-first-backend"), customers=1) as backend:
        yield backend


@pytest.fixture(scope="module")
def printer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrinterEmulator]:
    base = tmp_path_factory.mktemp("card-first-printer")
    with PrinterEmulator(base / "receipts", link_path=base / "ttyPRN") as emulator:
        yield emulator


@pytest.fixture
def reader() -> Iterator[IdCardEmulator]:
    emulator = IdCardEmulator()
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def kiosk(
    app: QApplication,
    own_backend: LiveBackend,
    reader: IdCardEmulator,
    printer: PrinterEmulator,
    tmp_path: Path,
) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=own_backend.url, terminal_token=own_backend.terminal_token),
        devices=DevicesConfig(card_reader=reader.port_path, printer=str(printer.port_path)),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_bills]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()
    # Each journey sends one code; the next must not wait for the 60 s resend.
    own_backend.query("DELETE FROM sms_codes")


class Taps:
    """Counts every tap of a journey (one left click on one widget)."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def __call__(self, widget: QWidget) -> None:
        # Only a widget the customer can see and press counts (a new button shows a turn later).
        self.qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=5000)
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.count += 1


def _wait_ready(kiosk: Shell, qtbot: QtBot) -> None:
    adapter = kiosk.ctx.services.card_reader
    assert adapter is not None
    qtbot.waitUntil(lambda: adapter.ready, timeout=10_000)


def _identify_screen(kiosk: Shell) -> IdentifyScreen:
    screen = kiosk.navigator.current
    assert isinstance(screen, IdentifyScreen), screen
    return screen


def _enter_code(
    tap: Taps, qtbot: QtBot, screen: IdentifyScreen, own_backend: LiveBackend, phone: str
) -> None:
    page = screen.sms_page
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is page, timeout=15_000)
    qtbot.waitUntil(lambda: not page.busy.isVisible(), timeout=15_000)
    assert "已发送" in page.prompt.text()
    for digit in own_backend.latest_sms_code(phone):
        tap(page.keypad.digit_button(digit))
    tap(page.keypad.submit_button())


def _print_last_month(tap: Taps, qtbot: QtBot, kiosk: Shell, printer: PrinterEmulator) -> str:
    """From the bills screen: the last closed month, 打印, confirm; the slip's text."""
    bills = kiosk.navigator.current
    assert isinstance(bills, BillsScreen), bills
    qtbot.waitUntil(lambda: LAST_MONTH in bills.month_buttons, timeout=15_000)
    tap(bills.month_buttons[LAST_MONTH])
    month = kiosk.navigator.current
    assert isinstance(month, MonthBillScreen), month
    qtbot.waitUntil(lambda: month.bill is not None, timeout=15_000)
    tap(month.print_button)
    panel = month.print_panel
    qtbot.waitUntil(lambda: panel.state == "offered", timeout=15_000)
    before = len(printer.receipts())
    tap(panel.confirm_button)
    qtbot.waitUntil(lambda: panel.state in ("done", "failed"), timeout=30_000)
    assert panel.state == "done", panel.message.text()
    return printer.wait_for_receipts(before + 1, timeout=20)[-1].text


def test_by_card_a_card_on_the_home_screen_and_12_taps_print_last_months_bill(
    kiosk: Shell,
    qtbot: QtBot,
    reader: IdCardEmulator,
    printer: PrinterEmulator,
    own_backend: LiveBackend,
) -> None:
    _wait_ready(kiosk, qtbot)
    tap = Taps(qtbot)
    assert kiosk.navigator.current is kiosk.home_screen
    reader.place(ZHANG)  # walking up: the card goes on the reader, no tap
    qtbot.waitUntil(lambda: kiosk.navigator.current.screen_id == "identify", timeout=15_000)
    screen = _identify_screen(kiosk)
    page = screen.number_page
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is page, timeout=15_000)
    assert [b.text() for b in page.buttons] == ["138****8000（全球通）"]
    assert "张*峰" in page.prompt.text() and ZHANG not in page.prompt.text()
    tap(page.buttons[0])
    _enter_code(tap, qtbot, screen, own_backend, ZHANG)
    qtbot.waitUntil(lambda: kiosk.navigator.current is kiosk.home_screen, timeout=15_000)
    assert kiosk.ctx.sessions.current.has(Factor.ID_CARD, Factor.SMS)
    assert kiosk.window.header.customer_badge.text() == "138****8000"
    tap(kiosk.home_screen.tiles["bills"])
    text = _print_last_month(tap, qtbot, kiosk, printer)
    assert LAST_MONTH in text and "138****8000" in text and ZHANG not in text
    assert tap.count == TAPS_BY_CARD


def test_by_number_24_taps_print_last_months_bill(
    kiosk: Shell,
    qtbot: QtBot,
    printer: PrinterEmulator,
    own_backend: LiveBackend,
) -> None:
    tap = Taps(qtbot)
    tap(kiosk.home_screen.tiles["bills"])
    screen = _identify_screen(kiosk)
    for digit in ZHANG:
        tap(screen.phone_page.keypad.digit_button(digit))
    tap(screen.phone_page.keypad.submit_button())
    sms_button = next(b for c, b in screen.choice_page.buttons.items() if c == (Factor.SMS,))
    tap(sms_button)
    _enter_code(tap, qtbot, screen, own_backend, ZHANG)
    qtbot.waitUntil(lambda: kiosk.navigator.current.screen_id == "bills", timeout=15_000)
    text = _print_last_month(tap, qtbot, kiosk, printer)
    assert LAST_MONTH in text
    assert tap.count == TAPS_BY_NUMBER


def test_a_card_already_lying_on_the_reader_is_read_when_the_card_screen_opens(
    kiosk: Shell, qtbot: QtBot, reader: IdCardEmulator
) -> None:
    _wait_ready(kiosk, qtbot)
    reader.place(ZHANG)
    # Read on the home screen: card first starts; the customer goes back home instead.
    qtbot.waitUntil(lambda: kiosk.navigator.current.screen_id == "identify", timeout=15_000)
    screen = _identify_screen(kiosk)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.number_page, timeout=15_000)
    kiosk.navigator.home()
    # The card still lies there (read once, halted). The number way, then the card step:
    kiosk.navigator.go("identify", Destination("bills", None, Access.DETAILS))
    screen = _identify_screen(kiosk)
    for digit in ZHANG:
        qtbot.mouseClick(screen.phone_page.keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.phone_page.keypad.submit_button(), Qt.MouseButton.LeftButton)
    card_button = screen.choice_page.buttons[(Factor.ID_CARD, Factor.SMS)]
    qtbot.mouseClick(card_button, Qt.MouseButton.LeftButton)
    # No lift and place: the card screen re-reads the card already there.
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.sms_page, timeout=15_000)
    assert kiosk.ctx.sessions.current.has(Factor.ID_CARD)
