"""The session rules (kiosk/idle.py, docs/session.md) through the shell, one test per rule.

Each fails on the kiosk before the rules were written once: home had no timeout, "more time"
at the maximum did nothing, a request in flight was cut, and English / large text carried
over to the next customer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.backend import models as m
from kiosk.config import Config, TimeoutsConfig
from kiosk.idle import ScreenKind
from kiosk.session import Customer, EndReason
from kiosk.transactions import TransactionKind
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Services
from ui.screen import Screen
from ui.shell import Shell

PHONE = "13800138000"


class _CappedBackend(StubBackend):
    """Extends like the backend does (ops/auth.extend_session): to now + 600 s, never past
    1200 s from identification. Counts the extensions it granted."""

    def __init__(self, clock: ManualClock) -> None:
        self._clock = clock
        self.started = clock.now
        self.expires = clock.now + 600
        self.granted = 0

    def extend_session(self) -> m.SessionExtension:
        now = self._clock.now
        cap = self.started + 1200
        new = max(self.expires, min(now + 600, cap))
        if new != self.expires:
            self.granted += 1
        self.expires = new
        return m.SessionExtension(int(new - now), new < cap)


class _Order(Screen):
    screen_id = "order"
    kind = ScreenKind.ORDINARY
    title_key = "overview.title"


@pytest.fixture
def backend(clock: ManualClock) -> _CappedBackend:
    return _CappedBackend(clock)


@pytest.fixture
def shell(
    app: QApplication, clock: ManualClock, backend: _CappedBackend, tmp_path: Path
) -> Iterator[Shell]:
    config = Config(
        timeouts=TimeoutsConfig(idle=60, warning=20, session_max=600, session_hard_max=1200),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    services = Services(backend=BackendHandle(lambda: backend))
    built = build_shell(
        config, app, ShellOptions(runner=SyncRunner(), clock=clock, services=services)
    )
    show_painted(built)
    built.add_screen(_Order(built.ctx))
    yield built
    teardown(built)
    QApplication.processEvents()


def _identify(shell: Shell, backend: _CappedBackend, clock: ManualClock) -> None:
    backend.started, backend.expires = clock.now, clock.now + 600
    shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {m.Factor.PASSWORD}))
    shell.ctx.sessions.current.cache["bills"] = ["secret"]


@pytest.fixture
def identified(shell: Shell, backend: _CappedBackend, clock: ManualClock) -> Shell:
    """The shell with a customer identified now (the backend's session: 600 s, cap 1200 s)."""
    _identify(shell, backend, clock)
    return shell


@pytest.fixture
def order(identified: Shell) -> _Order:
    """An identified customer on an ordinary screen (one that may hold a transaction)."""
    identified.navigator.go("order")
    screen = identified.navigator.current
    assert isinstance(screen, _Order)
    return screen


@pytest.fixture
def ended(shell: Shell) -> list[EndReason]:
    """Why each session ended, in order."""
    reasons: list[EndReason] = []
    shell.session_ended.connect(reasons.append)
    return reasons


def _keep_touching(shell: Shell, qtbot: QtBot, clock: ManualClock, seconds: int) -> None:
    for _ in range(seconds // 5):
        clock.advance(5)
        shell.device_activity()
    qtbot.wait(300)


def test_home_times_out_while_a_customer_is_identified(
    identified: Shell, qtbot: QtBot, clock: ManualClock
) -> None:
    shell = identified
    shell.navigator.home()
    assert shell.window.header.customer_badge.text() == "138****8000"
    clock.advance(61)
    qtbot.waitUntil(shell.window.idle_overlay.isVisible, timeout=2000)
    assert not shell.window.idle_overlay.at_max
    clock.advance(20)
    qtbot.waitUntil(lambda: not shell.ctx.sessions.current.identified, timeout=2000)
    assert shell.window.header.customer_badge.text() == ""
    assert shell.ctx.sessions.current.cache == {}


def test_more_time_at_the_maximum_is_a_real_extension_up_to_the_hard_cap(
    shell: Shell,
    order: _Order,
    ended: list[EndReason],
    qtbot: QtBot,
    clock: ManualClock,
    backend: _CappedBackend,
) -> None:
    overlay = shell.window.idle_overlay
    _keep_touching(shell, qtbot, clock, 585)  # touching all along: only the maximum warns
    qtbot.waitUntil(overlay.isVisible, timeout=2000)
    assert overlay.at_max and overlay.more_time.isVisible()
    assert "延长" in overlay.hint_text()
    qtbot.mouseClick(overlay.more_time, Qt.MouseButton.LeftButton)
    assert backend.granted == 1
    qtbot.waitUntil(lambda: not overlay.isVisible(), timeout=2000)
    _keep_touching(shell, qtbot, clock, 500)  # 1085 s: long past the old maximum
    assert shell.ctx.sessions.current.identified and not ended
    _keep_touching(shell, qtbot, clock, 85)  # 1170 s: the backend's new expiry (1185) warns
    qtbot.waitUntil(overlay.isVisible, timeout=2000)
    assert overlay.at_max and overlay.more_time.isVisible()
    qtbot.mouseClick(overlay.more_time, Qt.MouseButton.LeftButton)  # capped: 1200 s
    assert backend.granted == 2 and backend.expires == backend.started + 1200
    qtbot.waitUntil(lambda: not overlay.isVisible(), timeout=2000)  # 30 s left
    _keep_touching(shell, qtbot, clock, 10)  # 1180 s: the last warning, no more time
    qtbot.waitUntil(overlay.isVisible, timeout=2000)
    assert not overlay.more_time.isVisible() and "最长时间" in overlay.hint_text()
    _keep_touching(shell, qtbot, clock, 20)
    qtbot.waitUntil(lambda: bool(ended), timeout=2000)
    assert ended == [EndReason.MAX_LENGTH]
    assert not shell.ctx.sessions.current.identified


def test_a_transaction_in_progress_is_never_cut(
    shell: Shell, order: _Order, qtbot: QtBot, clock: ManualClock
) -> None:
    screen = order
    flow = screen.flow(TransactionKind.PAYMENT)
    flow.send(100)  # the request is out
    clock.advance(700)  # past the idle limit and the session maximum
    qtbot.wait(400)
    assert shell.ctx.sessions.current.identified
    assert shell.navigator.current is screen
    assert not shell.window.idle_overlay.isVisible()
    flow.answered()
    # The answer is in: a full warning to read it, then the session ends.
    qtbot.waitUntil(shell.window.idle_overlay.isVisible, timeout=2000)
    assert int(shell.window.idle_overlay.countdown_text()) >= 19
    clock.advance(21)
    qtbot.waitUntil(lambda: not shell.ctx.sessions.current.identified, timeout=2000)


def test_the_next_customer_gets_the_default_language_and_text_size(
    shell: Shell, qtbot: QtBot, clock: ManualClock, backend: _CappedBackend
) -> None:
    header = shell.window.header
    qtbot.mouseClick(header.language_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(header.large_text_button, Qt.MouseButton.LeftButton)
    assert shell.ctx.translator.locale == "en" and shell.large_text
    _identify(shell, backend, clock)
    shell.navigator.go("order")
    qtbot.mouseClick(shell.window.nav.end_button, Qt.MouseButton.LeftButton)
    assert not shell.ctx.sessions.current.identified
    assert shell.ctx.translator.locale == "zh_CN"
    assert not shell.large_text
    assert header.large_text_button.property("active") != "true"
    assert "欢迎" in shell.home_screen._welcome.text()


def test_a_receipt_printing_is_never_cut(
    shell: Shell, order: _Order, qtbot: QtBot, clock: ManualClock
) -> None:
    from kiosk.devices.printer.slips import PrintState
    from ui.widgets.print_panel import PrintPanel

    screen = order
    panel = PrintPanel(shell.ctx)
    screen.layout_.addWidget(panel)
    panel.state = PrintState.PRINTING  # the slip is on its way to the printer
    clock.advance(700)
    qtbot.wait(400)
    assert shell.ctx.sessions.current.identified and shell.navigator.current is screen
    panel.state = PrintState.DONE
    qtbot.waitUntil(shell.window.idle_overlay.isVisible, timeout=2000)
    clock.advance(21)
    qtbot.waitUntil(lambda: not shell.ctx.sessions.current.identified, timeout=2000)


def test_an_unknown_outcome_outlives_the_maximum_but_not_a_walk_away(
    shell: Shell, order: _Order, qtbot: QtBot, clock: ManualClock
) -> None:
    from kiosk.backend.errors import BackendTimeout
    from kiosk.flows.transaction import Phase

    flow = order.flow(TransactionKind.PAYMENT)
    flow.send(100)
    flow.failed(BackendTimeout("lost"))  # no answer: it may have happened
    assert flow.phase is Phase.OUTCOME_UNKNOWN
    _keep_touching(shell, qtbot, clock, 700)  # the customer stays, past the maximum
    assert shell.ctx.sessions.current.identified
    assert not shell.window.idle_overlay.isVisible()
    clock.advance(81)  # then walks away: stillness still ends the session
    qtbot.waitUntil(lambda: not shell.ctx.sessions.current.identified, timeout=2000)


def test_the_countdown_follows_the_backends_session_not_the_kiosks_setting(
    shell: Shell,
    ended: list[EndReason],
    qtbot: QtBot,
    clock: ManualClock,
    backend: _CappedBackend,
) -> None:
    """The backend's session answer says 300 s (its own [timeouts] session_max); the kiosk's
    config says 600. The customer is warned before the backend's end, and the kiosk ends the
    session when the backend's does, not five minutes after it stopped answering."""
    backend.started, backend.expires = clock.now, clock.now + 300
    customer = Customer(PHONE, "张*峰", "全球通", {m.Factor.PASSWORD})
    shell.ctx.sessions.identify(customer, expires_in_s=300)
    shell.navigator.go("order")
    overlay = shell.window.idle_overlay
    _keep_touching(shell, qtbot, clock, 285)  # within the 20 s warning of the backend's 300
    qtbot.waitUntil(overlay.isVisible, timeout=2000)
    assert overlay.at_max
    _keep_touching(shell, qtbot, clock, 20)
    qtbot.waitUntil(lambda: bool(ended), timeout=2000)
    assert ended == [EndReason.MAX_LENGTH]
