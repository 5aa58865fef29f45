"""Screen.transact and Screen.finish: journaled mutations with one key per choice, and the
"back home in 20 s" after a finished transaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.backend.errors import BackendTimeout, Conflict
from kiosk.backend.models import Factor
from kiosk.config import Config, TimeoutsConfig
from kiosk.idle import ScreenKind
from kiosk.journal import EntryStatus, Journal
from kiosk.session import Customer
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import Lazy, Services
from ui.screen import Screen
from ui.shell import Shell

PHONE = "13800138000"


class _Order(Screen):
    screen_id = "order"
    kind = ScreenKind.ORDINARY
    title_key = "overview.title"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    journal = Journal(tmp_path / "journal.sqlite3")
    yield journal
    journal.close()


@pytest.fixture
def shell(app: QApplication, clock: ManualClock, journal: Journal) -> Iterator[Shell]:
    config = Config(timeouts=TimeoutsConfig(after_transaction=20))
    services = Services(journal=Lazy(lambda: journal, lambda _j: None))
    built = build_shell(
        config, app, ShellOptions(runner=SyncRunner(), clock=clock, services=services)
    )
    show_painted(built)
    built.add_screen(_Order(built.ctx))
    built.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.PASSWORD}))
    built.navigator.go("order")
    yield built
    teardown(built)
    QApplication.processEvents()


def _screen(shell: Shell) -> Screen:
    screen = shell.navigator.current
    assert isinstance(screen, _Order)
    return screen


def test_a_lost_answer_is_retried_with_the_same_key(shell: Shell, journal: Journal) -> None:
    screen = _screen(shell)
    keys: list[str] = []
    results: list[str] = []

    def call(key: str) -> str:
        keys.append(key)
        if len(keys) == 1:
            raise BackendTimeout()
        return "T-1"

    for _ in range(2):
        screen.transact("order", "VAS-01", call, lambda r: r, results.append, amount_fen=500)
    assert keys[0] == keys[1]
    assert results == ["T-1"]
    entries = journal.recent()
    assert [(e.kind, e.status, e.transaction_id, e.amount_fen) for e in entries] == [
        ("order", EntryStatus.DONE, "T-1", 500)
    ]
    assert entries[0].masked_phone == "138****8000"


def test_a_refusal_is_shown_and_the_next_attempt_is_new(shell: Shell, journal: Journal) -> None:
    screen = _screen(shell)
    keys: list[str] = []

    def refused(key: str) -> str:
        keys.append(key)
        raise Conflict("已订购该业务")

    errors: list[Exception] = []
    screen.transact(
        "order", "VAS-01", refused, lambda r: r, lambda _r: None, on_error=errors.append
    )
    screen.transact("order", "V1", refused, lambda r: r, lambda _r: None)
    assert len(set(keys)) == 2
    assert [type(e) for e in errors] == [Conflict]
    assert not screen.error.isHidden()
    assert {e.status for e in journal.recent()} == {EntryStatus.FAILED}


def test_finished_screen_counts_down_and_goes_home(
    shell: Shell, qtbot: QtBot, clock: ManualClock
) -> None:
    screen = _screen(shell)
    screen.finish()
    assert screen.kind is ScreenKind.FINISHED
    assert "20" in screen.home_countdown.text()  # shown at once
    clock.advance(5)
    qtbot.waitUntil(lambda: "15" in screen.home_countdown.text(), timeout=2000)
    assert not shell.window.idle_overlay.isVisible()  # no "are you still there?" here
    clock.advance(16)
    qtbot.waitUntil(lambda: shell.navigator.current is shell.home_screen, timeout=2000)
    assert not shell.ctx.sessions.current.identified
    assert screen.kind is ScreenKind.ORDINARY  # restored by the wipe
    assert screen.home_countdown.isHidden()


def test_a_touch_on_a_finished_screen_postpones_going_home(
    shell: Shell, qtbot: QtBot, clock: ManualClock
) -> None:
    screen = _screen(shell)
    screen.finish()
    clock.advance(15)
    shell.device_activity()  # e.g. the receipt is printing
    clock.advance(15)
    qtbot.wait(300)
    assert shell.navigator.current is screen
    clock.advance(6)
    qtbot.waitUntil(lambda: shell.navigator.current is shell.home_screen, timeout=2000)


def test_reopening_the_screen_restores_its_kind(shell: Shell) -> None:
    screen = _screen(shell)
    screen.finish()
    shell.navigator.home()
    shell.navigator.go("order")
    assert screen.kind is ScreenKind.ORDINARY
    assert shell.watcher._clock.limit(screen.kind) == shell.ctx.config.timeouts.idle
