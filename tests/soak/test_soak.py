"""Soak: scripted customer journeys through the real screens, against the live backend and the
device emulators, in one kiosk process; after each session no personal string of that
customer is left in the kiosk's objects or widgets, and memory does not grow.

``make soak`` runs 500 journeys (``KIOSK_SOAK=full``); CI runs a few. Each journey identifies
a customer (ID card + SMS code through the reader emulator, or the service password), uses a
function (account overview, QR top-up with a printed receipt) and ends the session with the
end button. The kiosk process is this test process, so the harness never asks the backend
through a client of its own (its objects would hold the phone number): SMS codes are read from
the backend's database.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.backend.factors import Access, Factor
from kiosk.config import BackendConfig, Config, DevicesConfig, TimeoutsConfig, UiConfig
from tests.faults.harness.devices import EmulatorProcess
from tests.fixtures.live_backend import CARDS, DEMO_PASSWORD, LiveBackend, start_backend
from tests.fixtures.qt import show_painted
from tests.soak.scan import Finding, Needles, python_findings, widget_findings
from ui.app import start_shell, stop_shell
from ui.background import BackgroundRunner
from ui.main import ShellOptions, default_installers
from ui.screens.identify.screen import IdentifyScreen
from ui.screens.pay.pay import PayScreen
from ui.shell import Shell
from ui.widgets.keypad import Keypad

FULL = os.environ.get("KIOSK_SOAK", "") == "full"
JOURNEYS = 500 if FULL else 12
RSS_FROM = 50 if FULL else 4  # growth is measured from this journey to the last
RSS_LIMIT_MB = 20.0
PRINT_EVERY = 6  # every 6th top-up prints its receipt on the emulated printer
REPORT = (
    Path(__file__).resolve().parents[2] / "reports" / "soak.json"
    if FULL
    else Path("/tmp/kiosk-soak-reduced.json")
)
VALID_CARDS = [p for p, c in CARDS.items() if c["valid_to"] == "长期" or c["valid_to"] > "2027"]
PREPAID = [p for p in VALID_CARDS if CARDS[p]["brand"] == "神州行"]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("soak_backend"), sms_resend_after_s=0) as live:
        yield live


@pytest.fixture(scope="module")
def devices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, EmulatorProcess]]:
    base = tmp_path_factory.mktemp("soak_devices")
    reader = EmulatorProcess("idcard", base / "reader")
    printer = EmulatorProcess("printer", base / "printer", "--out", str(base / "receipts"))
    yield {"reader": reader, "printer": printer}
    reader.stop()
    printer.stop()


def _sms_code(backend: LiveBackend, phone: str) -> str:
    """The newest code in the demo outbox, read from the backend's database."""
    with sqlite3.connect(backend.db_path, timeout=30) as db:
        rows = db.execute(
            "SELECT text FROM sms_outbox WHERE number = ? ORDER BY id DESC LIMIT 1",
            (phone,),
        ).fetchall()
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", rows[0][0])
    assert found
    return found.group(1)


class Journeys:
    """The scripted customer on the real screens."""

    def __init__(self, shell: Shell, qtbot: QtBot, backend: LiveBackend, reader: Any) -> None:
        self.shell = shell
        self.qtbot = qtbot
        self.backend = backend
        self.reader = reader
        self.printed = 0

    def tap(self, button: Any) -> None:
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def type(self, keypad: Keypad, digits: str) -> None:
        for digit in digits:
            self.tap(keypad.digit_button(digit))
        self.tap(keypad.submit_button())

    def until(self, condition: Any, timeout_ms: int = 20_000) -> None:
        self.qtbot.waitUntil(condition, timeout=timeout_ms)

    def identify(self, phone: str, target: str, level: Access, factor: Factor) -> None:
        self.shell.navigator.go("identify", {"target": target, "level": level})
        screen = self.shell.navigator.current
        assert isinstance(screen, IdentifyScreen)
        self.type(screen.phone_page.keypad, phone)
        choice = next(b for c, b in screen.choice_page.buttons.items() if factor in c)
        self.tap(choice)
        if factor is Factor.ID_CARD:
            self.reader.control(cmd="place", card=phone)
            self.until(lambda: screen.pages.currentWidget() is screen.sms_page)
            self.until(lambda: not screen.sms_page.busy.isVisible())
            self.reader.control(cmd="remove")
            self.type(screen.sms_page.keypad, _sms_code(self.backend, phone))
        else:
            self.type(screen.password_page.keypad, DEMO_PASSWORD)
        self.until(lambda: self.shell.navigator.current.screen_id == target)

    def card_overview(self, phone: str) -> None:
        self.identify(phone, "overview", Access.DETAILS, Factor.ID_CARD)
        screen = self.shell.navigator.current
        self.until(lambda: getattr(screen, "overview", None) is not None)

    def password_overview(self, phone: str) -> None:
        self.identify(phone, "overview", Access.SUMMARY, Factor.PASSWORD)
        screen = self.shell.navigator.current
        self.until(lambda: getattr(screen, "overview", None) is not None)

    def top_up(self, phone: str, print_receipt: bool) -> None:
        self.identify(phone, "pay", Access.SUMMARY, Factor.PASSWORD)
        screen = self.shell.navigator.current
        assert isinstance(screen, PayScreen)
        self.tap(screen.amount_buttons[2000])
        self.until(lambda: screen.order is not None or not screen.error.isHidden())
        assert screen.order is not None, screen.error.text()
        self.until(screen.qr.isVisible)
        if print_receipt:
            # The customer's phone pays (the demo endpoint, through the kiosk's own client,
            # off the GUI thread); the paid order offers its receipt.
            order_id = screen.order.order_id
            payer = threading.Thread(target=lambda: self.shell.ctx.backend.demo_mark_paid(order_id))
            payer.start()
            self.until(lambda: not payer.is_alive())
            panel = screen.print_panel
            self.until(lambda: panel.state == "offered")
            self.tap(panel.confirm_button)
            self.until(lambda: panel.state in ("done", "failed"), 30_000)
            assert panel.state == "done", panel.message.text()
            self.printed += 1

    def end(self) -> None:
        self.tap(self.shell.window.nav.end_button)
        self.until(lambda: self.shell.navigator.current is self.shell.home_screen)
        self.until(lambda: not self.shell.ctx.sessions.current.identified)
        # The session's last jobs (the backend logout, a status check) finish first: what a
        # running job holds is in use, not left behind.
        runner = self.shell.ctx.runner
        if isinstance(runner, BackgroundRunner):
            self.until(lambda: runner.pending() == 0)


@pytest.mark.timeout(1800 if FULL else 600)
def test_soak_journeys_leave_nothing_personal_and_no_memory_growth(
    app: QApplication,
    qtbot: QtBot,
    backend: LiveBackend,
    devices: dict[str, EmulatorProcess],
    tmp_path: Path,
) -> None:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=backend.url, terminal_token=backend.terminal_token),
        devices=DevicesConfig(card_reader=devices["reader"].link, printer=devices["printer"].link),
        timeouts=TimeoutsConfig(),
        ui=UiConfig(fullscreen=False),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=default_installers()))
    findings: list[tuple[int, Finding]] = []
    rss: list[float] = []
    started = time.monotonic()
    scan_s = 0.0
    try:
        show_painted(shell)
        qtbot.waitUntil(lambda: shell.started_up, timeout=60_000)
        adapter = shell.ctx.services.card_reader
        assert adapter is not None
        qtbot.waitUntil(lambda: adapter.ready, timeout=20_000)
        walk = Journeys(shell, qtbot, backend, devices["reader"])
        exclude: list[object] = [CARDS, *CARDS.values(), VALID_CARDS, PREPAID]
        for n in range(JOURNEYS):
            kind = n % 3
            if kind == 0:
                phone = VALID_CARDS[n % len(VALID_CARDS)]
                walk.card_overview(phone)
            elif kind == 1:
                phone = PREPAID[n % len(PREPAID)]
                walk.top_up(phone, print_receipt=n % PRINT_EVERY == 1)
            else:
                phone = VALID_CARDS[n % len(VALID_CARDS)]
                walk.password_overview(phone)
            walk.end()
            card = CARDS[phone]
            needles = Needles.of(f"journey{n}", card["name"], card["id_number"], phone)
            scan_started = time.monotonic()
            assert shell.loop_probe is not None
            shell.loop_probe.pause()  # the scan runs on the GUI thread: not the kiosk's stall
            found = python_findings(needles, exclude) + widget_findings(needles)
            shell.loop_probe.resume()
            scan_s += time.monotonic() - scan_started
            findings += [(n, f) for f in found]
            rss.append(_rss_mb())
            if found:
                break  # the first leak is the one to fix; the report names it
    finally:
        probe = shell.loop_probe
        stalls = probe.stalls() if probe is not None else None
        stop_shell(shell)
        QApplication.processEvents()
    growth = rss[-1] - rss[RSS_FROM - 1] if len(rss) >= RSS_FROM else 0.0
    report = {
        "journeys": len(rss),
        "journeys_planned": JOURNEYS,
        "kinds": {"card_sms_overview": 0, "password_top_up": 0, "password_overview": 0},
        "receipts_printed": walk.printed,
        "rss_mb_at_journey": {
            str(i + 1): round(rss[i], 1)
            for i in (0, RSS_FROM - 1, len(rss) - 1)
            if 0 <= i < len(rss)
        },
        "rss_growth_mb": round(growth, 1),
        "personal_strings_left": len(findings),
        "findings": [f"journey {n}: {f.what} in {f.where}" for n, f in findings[:20]],
        "max_stall_ms": stalls.max_self_stall_ms if stalls else None,
        "max_wall_stall_ms": stalls.max_stall_ms if stalls else None,
        "seconds": round(time.monotonic() - started, 1),
        "scan_seconds": round(scan_s, 1),
    }
    for n in range(len(rss)):
        key = ("card_sms_overview", "password_top_up", "password_overview")[n % 3]
        report["kinds"][key] += 1  # type: ignore[index]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert findings == [], report["findings"]
    assert len(rss) == JOURNEYS
    assert growth <= RSS_LIMIT_MB, rss
    assert stalls is not None and stalls.max_self_stall_ms <= 50
