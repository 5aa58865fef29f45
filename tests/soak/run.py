"""The soak's kiosk process: scripted customer journeys through the real screens.

``python -m tests.soak.run --config kiosk.toml --backend-db backend.sqlite3 --reader H:P
--journeys N --report soak.json``. A process of its own, so that the scan for personal
strings sees the kiosk's objects and nothing of a test runner's (other tests' constants,
fixtures, captured logs). Each journey identifies a customer (ID card + SMS code through the
reader emulator, or the service password), uses a function (account overview, QR top-up with
a printed receipt) and ends the session with the end button; after it a full gc scan and a
widget walk look for that customer's name, ID number and phone number (tests/soak/scan.py).
SMS codes are read from the backend's database: a backend client of the harness's own in this
process would hold the phone number itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest

from kiosk.backend.factors import Access, Factor
from ui.background import BackgroundRunner
from ui.navigation import Destination
from ui.screens.identify.screen import IdentifyScreen
from ui.screens.pay.pay import PayScreen
from ui.shell import Shell
from ui.widgets.keypad import Keypad

REPO = Path(__file__).resolve().parents[2]
CARDS: dict[str, dict[str, Any]] = {
    c["phone"]: c
    for c in json.loads((REPO / "assets/demo/cardholders.json").read_text("utf-8"))["cards"]
}
VALID_CARDS = [p for p, c in CARDS.items() if c["valid_to"] == "长期" or c["valid_to"] > "2027"]
PREPAID = [p for p in VALID_CARDS if CARDS[p]["brand"] == "神州行"]
DEMO_PASSWORD = "864213"
PRINT_EVERY = 6  # every 6th top-up prints its receipt on the emulated printer
PROGRESS_EVERY = 25
WHOLE_HEAP_EVERY = 4  # the other journeys' scans walk only what is new since the last scan


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _sms_code(backend_db: Path, phone: str) -> str:
    """The newest code in the demo outbox, read from the backend's database."""
    with sqlite3.connect(backend_db, timeout=30) as db:
        rows = db.execute(
            "SELECT text FROM sms_outbox WHERE number = ? ORDER BY id DESC LIMIT 1", (phone,)
        ).fetchall()
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", rows[0][0])
    assert found
    return found.group(1)


class Reader:
    """The reader emulator's control channel."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.host, self.port = host, int(port)

    def control(self, **message: Any) -> dict[str, Any]:
        from emulators.control import send_control

        return send_control(self.host, self.port, message)


class Journeys:
    """The scripted customer on the real screens."""

    def __init__(self, shell: Shell, backend_db: Path, reader: Any) -> None:
        self.shell = shell
        self.backend_db = backend_db
        self.reader = reader
        self.printed = 0

    def tap(self, button: Any) -> None:
        """One tap, then the event loop turns until the probe has ticked: a customer's taps
        are separate events (a whole phone number clicked in one turn measured the burst)."""
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        self.turn()

    def turn(self) -> None:
        """Let the event loop run until the probe has ticked once more."""
        probe = self.shell.loop_probe
        assert probe is not None
        ticks = probe.stalls().ticks
        self.until(lambda: probe.stalls().ticks > ticks)

    def outside(self, action: Any) -> Any:
        """The harness's own blocking work (a device's control channel, the backend's
        database) on a thread of its own while the event loop runs: on the GUI thread its
        wait for another process was measured as the kiosk's stall."""
        result: list[Any] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                result.append(action())
            except BaseException as exc:  # handed back to the journey
                errors.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        self.until(lambda: not thread.is_alive())
        if errors:
            raise errors[0]
        return result[0]

    def type(self, keypad: Keypad, digits: str) -> None:
        for digit in digits:
            self.tap(keypad.digit_button(digit))
        self.tap(keypad.submit_button())

    def until(self, condition: Any, timeout_ms: int = 20_000) -> None:
        """Run the event loop until ``condition`` holds (checked every 10 ms)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"journey step timed out after {timeout_ms} ms")
            loop = QEventLoop()
            QTimer.singleShot(10, loop.quit)
            loop.exec()

    def identify(self, phone: str, target: str, level: Access, factor: Factor) -> None:
        self.shell.navigator.go("identify", Destination(target, None, level))
        self.turn()
        screen = self.shell.navigator.current
        assert isinstance(screen, IdentifyScreen)
        self.type(screen.phone_page.keypad, phone)
        choice = next(b for c, b in screen.choice_page.buttons.items() if factor in c)
        self.tap(choice)
        if factor is Factor.ID_CARD:
            self.outside(lambda: self.reader.control(cmd="place", card=phone))
            self.until(lambda: screen.pages.currentWidget() is screen.sms_page)
            self.until(lambda: not screen.sms_page.busy.isVisible())
            self.outside(lambda: self.reader.control(cmd="remove"))
            code = self.outside(lambda: _sms_code(self.backend_db, phone))
            self.type(screen.sms_page.keypad, code)
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
            self.outside(lambda: self.shell.ctx.backend.demo_mark_paid(order_id))
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


def run(args: argparse.Namespace) -> dict[str, Any]:
    from kiosk.config import load_config
    from tests.soak.scan import Finding, Needles, python_findings, widget_findings
    from ui.app import ShellOptions, show, start_shell, stop_shell
    from ui.features import discover

    config = load_config(args.config)
    shell = start_shell(config, ShellOptions(installers=discover()))
    show(shell, fullscreen=False)
    findings: list[tuple[int, Finding]] = []
    rss: list[float] = []
    kinds = {"card_sms_overview": 0, "password_top_up": 0, "password_overview": 0}
    started = time.monotonic()
    scan_s = 0.0
    scans = {"whole_heap": 0, "incremental": 0}
    walk = Journeys(shell, args.backend_db, Reader(args.reader))
    error = ""
    try:
        walk.until(lambda: shell.started_up, 60_000)
        adapter = shell.ctx.services.card_reader
        assert adapter is not None
        walk.until(lambda: adapter.ready)
        exclude: list[object] = [CARDS, *CARDS.values(), VALID_CARDS, PREPAID]
        probe = shell.loop_probe
        assert probe is not None
        for n in range(args.journeys):
            kind = n % 3
            if kind == 0:
                phone = VALID_CARDS[n % len(VALID_CARDS)]
                walk.card_overview(phone)
                kinds["card_sms_overview"] += 1
            elif kind == 1:
                phone = PREPAID[n % len(PREPAID)]
                walk.top_up(phone, print_receipt=n % PRINT_EVERY == 1)
                kinds["password_top_up"] += 1
            else:
                phone = VALID_CARDS[n % len(VALID_CARDS)]
                walk.password_overview(phone)
                kinds["password_overview"] += 1
            walk.end()
            card = CARDS[phone]
            needles = Needles.of(f"journey{n}", card["name"], card["id_number"], phone)
            scan_started = time.monotonic()
            whole = n % WHOLE_HEAP_EVERY == 0 or n == args.journeys - 1
            scans["whole_heap" if whole else "incremental"] += 1
            probe.pause()  # the scan runs on the GUI thread: not the kiosk's stall
            found = python_findings(needles, exclude, whole_heap=whole)
            found += widget_findings(needles)
            probe.resume()
            scan_s += time.monotonic() - scan_started
            findings += [(n, f) for f in found]
            rss.append(_rss_mb())
            if found:
                break  # the first leak is the one to fix; the report names it
            if (n + 1) % PROGRESS_EVERY == 0:  # so a run cut short still tells how far it got
                partial = _report(
                    args,
                    rss,
                    kinds,
                    walk.printed,
                    findings,
                    probe.stalls(),
                    started,
                    scan_s,
                    scans,
                    "in progress",
                )
                args.report.write_text(json.dumps(partial, ensure_ascii=False, indent=2), "utf-8")
    except Exception as exc:  # reported, so the test shows what went wrong
        error = f"{type(exc).__name__}: {exc}"
    finally:
        stalls = shell.loop_probe.stalls() if shell.loop_probe is not None else None
        stop_shell(shell)
    return _report(args, rss, kinds, walk.printed, findings, stalls, started, scan_s, scans, error)


def _report(
    args: argparse.Namespace,
    rss: list[float],
    kinds: dict[str, int],
    printed: int,
    findings: list[tuple[int, Any]],
    stalls: Any,
    started: float,
    scan_s: float,
    scans: dict[str, int],
    error: str,
) -> dict[str, Any]:
    start = args.rss_from - 1
    growth = rss[-1] - rss[start] if len(rss) > start else 0.0
    marks = sorted({0, start, len(rss) - 1})
    return {
        "journeys": len(rss),
        "journeys_planned": args.journeys,
        "kinds": dict(kinds),
        "receipts_printed": printed,
        "rss_mb_at_journey": {str(i + 1): round(rss[i], 1) for i in marks if 0 <= i < len(rss)},
        "rss_growth_mb": round(growth, 1),
        "rss_growth_from_journey": args.rss_from,
        "personal_strings_left": len(findings),
        "findings": [f"journey {n}: {f.what} in {f.where}" for n, f in findings[:20]],
        "max_stall_ms": stalls.max_self_stall_ms if stalls else None,
        "max_wall_stall_ms": stalls.max_stall_ms if stalls else None,
        "max_cpu_stall_ms": stalls.max_cpu_stall_ms if stalls else None,
        "startup_max_stall_ms": stalls.startup_max_stall_ms if stalls else None,
        "seconds": round(time.monotonic() - started, 1),
        "scan_seconds": round(scan_s, 1),
        "scans": dict(scans),
        "error": error,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--backend-db", type=Path, required=True)
    parser.add_argument("--reader", required=True, help="the reader emulator's control host:port")
    parser.add_argument("--journeys", type=int, default=500)
    parser.add_argument("--rss-from", type=int, default=50)
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.logsetup import configure_logging
    from ui.app import create_application

    configure_logging()
    create_application()
    report = run(args)
    args.report.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0 if not report["error"] else 1


if __name__ == "__main__":
    sys.exit(main())
