"""``kiosk demo --tour OUTDIR``: a scripted customer journey through the real screens.

Runs headless against the demo stack (real backend, emulated devices), taps real widgets,
writes one PNG per step and ``tour.json`` (steps, timings, pass/fail). Exit 0 only when
every step passed. Time is a controllable clock so idle timeouts can be shown without waiting.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QWidget

from demo.stack import DemoEndpoints
from kiosk.config import Config
from kiosk.devices.printer.slips import PrintState
from ui.app import ShellOptions, show
from ui.features import discover
from ui.shell import Shell
from ui.widgets.print_panel import PrintPanel

log = logging.getLogger(__name__)

S = TypeVar("S")
TAP_WAIT_S = 3.0
SLIP_TIMEOUT_S = 60.0  # a long slip through the emulated printer, on a loaded machine


class TourError(AssertionError):
    """A step's expectation did not hold."""


class TourClock:
    """Monotonic time plus a jump the tour controls."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


# (name, title shown in tour.json, action)
Step = tuple[str, str, Callable[["Tour"], None]]


@dataclass
class StepResult:
    name: str
    title: str
    screenshot: str
    duration_ms: float
    passed: bool
    error: str = ""
    chinese: list[str] = field(default_factory=list)  # English tour: CJK text on show


@dataclass
class Tour:
    """Helpers the steps use: tap, type, wait, look."""

    shell: Shell
    endpoints: DemoEndpoints
    clock: TourClock
    outdir: Path
    results: list[StepResult] = field(default_factory=list)
    # English tour: Chinese left on a screen fails the step, except the customers' own
    # names and addresses (shown as registered).
    check_english: bool = False
    allowed: frozenset[str] = frozenset()

    @property
    def business_date(self) -> dt.date:
        """The demo backend's date: every month a step looks for is counted from it."""
        return self.endpoints.business_date

    # -- actions -----------------------------------------------------------------------------
    def pump(self, ms: int = 50) -> None:
        deadline = time.monotonic() + ms / 1000
        while time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.005)

    def wait_until(self, what: str, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TourError(f"timed out waiting for {what}")
            self.pump(30)

    def tap(self, widget: QWidget) -> None:
        """Tap like a customer: once the widget is on show. A widget just added to a visible
        layout is shown on the next event-loop turn (Qt queues it), so a step that waited
        for the data may be one turn early; under load that turn can take a while."""
        name = widget.objectName() or type(widget).__name__
        try:
            self.wait_until(name, lambda: widget.isVisible() and widget.isEnabled(), TAP_WAIT_S)
        except TourError:
            raise TourError(f"cannot tap {name}") from None
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.pump(60)

    def print_slip(self, panel: PrintPanel, what: str, timeout: float = SLIP_TIMEOUT_S) -> None:
        """The one way the tour prints: wait for the slip's length, confirm, wait until it
        is out; a failed print fails the step with the panel's own words."""
        self.wait_until(f"the {what} length", lambda: panel.state is PrintState.OFFERED, timeout)
        self.tap(panel.confirm_button)
        done = (PrintState.DONE, PrintState.FAILED)
        self.wait_until(f"the {what}", lambda: panel.state in done, timeout)
        if panel.state is not PrintState.DONE:
            raise TourError(f"{what} failed: {panel.message.text()}")

    def tap_text(self, text: str) -> None:
        """Tap the visible button showing ``text`` on the current screen or overlay."""
        for button in self.shell.window.findChildren(QAbstractButton):
            if button.isVisible() and button.text() == text:
                self.tap(button)
                return
        raise TourError(f"no visible button {text!r}")

    def screen(self, cls: type[S]) -> S:
        """The screen on show, which must be a ``cls``."""
        current = self.shell.navigator.current
        if not isinstance(current, cls):
            raise TourError(f"expected {cls.__name__}, on {self.screen_id()}")
        return current

    def go_home(self) -> None:
        """Back to the home screen with the nav bar's 首页 (hidden when already there)."""
        if self.screen_id() != "home":
            self.tap(self.shell.window.nav.home_button)
        self.expect_screen("home")

    def screen_id(self) -> str:
        current = self.shell.navigator.current
        return current.screen_id if current else ""

    def expect_screen(self, screen_id: str, timeout: float = 15.0) -> None:
        self.wait_until(f"screen {screen_id}", lambda: self.screen_id() == screen_id, timeout)

    def control(self, device: str, message: dict[str, object]) -> dict[str, object]:
        from emulators.control import send_control

        endpoint = self.endpoints.card_reader if device == "idcard" else self.endpoints.printer
        if endpoint is None:
            raise TourError(f"no {device} emulator")
        answer = send_control(*endpoint.control, message)
        if not answer.get("ok"):
            raise TourError(f"{device} refused {message}: {answer.get('error')}")
        return answer

    # -- recording ---------------------------------------------------------------------------
    def step(self, name: str, title: str, action: Callable[[Tour], None]) -> None:
        started = time.perf_counter()
        error = ""
        try:
            action(self)
            self.pump(120)
        except Exception as exc:  # recorded as a failed step, the tour goes on
            error = f"{type(exc).__name__}: {exc}"
            log.error("tour step %s failed: %s", name, error)
            log.debug("%s", traceback.format_exc())
        chinese = self.chinese_on_show() if self.check_english else []
        if chinese and not error:
            error = f"Chinese on an English screen: {chinese[:8]}"
        shot = f"{len(self.results) + 1:02d}-{name}.png"
        self.shell.window.grab().save(str(self.outdir / shot))
        self.results.append(
            StepResult(
                name, title, shot, (time.perf_counter() - started) * 1000, not error, error, chinese
            )
        )

    def chinese_on_show(self) -> list[str]:
        """Visible texts of the window holding CJK characters (names and addresses aside)."""
        from ui.visible_text import cjk_texts

        return [f"{t.where}: {t.text}" for t in cjk_texts(self.shell.window, self.allowed)]

    def write_report(self) -> bool:
        passed = all(r.passed for r in self.results)
        report = {
            "passed": passed,
            "steps": [r.__dict__ for r in self.results],
        }
        (self.outdir / "tour.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return passed


def personal_words() -> frozenset[str]:
    """The demo card holders' names (full and masked) and addresses: personal data shown as
    registered, in any language."""
    from backend.seed.demo import load_cardholders
    from common.masking import mask_name

    words: set[str] = set()
    for card in load_cardholders():
        name, address = str(card.get("name", "")), str(card.get("address", ""))
        words.update(w for w in (name, mask_name(name), address) if w)
    # longest first: a full name is removed before its masked form could half-match it
    return frozenset(sorted(words, key=len, reverse=True))


def run_tour(config: Config, endpoints: DemoEndpoints, outdir: Path) -> int:
    """Build the real kiosk with a tour clock, run every step, write the report."""
    from demo.tour_steps import STEPS
    from ui.app import start_shell, stop_shell

    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*.png"):
        old.unlink()
    clock = TourClock()
    shell = start_shell(config, ShellOptions(clock=clock, installers=discover()))
    show(shell, fullscreen=False)
    english = config.ui.locale == "en"
    # the language button names the other language in its own words (中文)
    allowed = personal_words() | {shell.ctx.translator.tr("header.language")}
    tour = Tour(shell, endpoints, clock, outdir, check_english=english, allowed=allowed)
    try:
        tour.pump(300)
        for name, title, action in STEPS:
            tour.step(name, title, action)
    finally:
        stop_shell(shell)
    receipts = outdir / "receipts"
    if endpoints.receipts_dir.exists() and any(endpoints.receipts_dir.iterdir()):
        shutil.copytree(endpoints.receipts_dir, receipts, dirs_exist_ok=True)
    passed = tour.write_report()
    for r in tour.results:
        print(f"{'PASS' if r.passed else 'FAIL'} {r.name} ({r.duration_ms:.0f} ms) {r.error}")
    print(f"tour: {'passed' if passed else 'FAILED'}; report {outdir / 'tour.json'}")
    return 0 if passed else 1
