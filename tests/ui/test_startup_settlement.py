"""Start-up settlement: entries the age guard held back are settled when it allows, without
waiting for the next start (ui/app.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.reconcile import Reconciliation
from ui.app import _settle_again_when_due
from ui.background import SyncRunner


class _Shell(QObject):
    """What the re-run needs of the shell: a context object for the timer and a runner."""

    def __init__(self) -> None:
        super().__init__()
        self.ctx = SimpleNamespace(runner=SyncRunner())


def test_held_back_entries_are_settled_when_due(app: QApplication, qtbot: QtBot) -> None:
    shell = _Shell()
    runs: list[dt.datetime] = []

    def job() -> Reconciliation:
        runs.append(dt.datetime.now(dt.UTC))
        if len(runs) == 1:  # still too recent the first time
            return Reconciliation(waiting=1, next_due=dt.datetime.now(dt.UTC))
        return Reconciliation(not_applied=1)

    on_result = _settle_again_when_due(shell, job)  # type: ignore[arg-type]
    on_result(job())
    qtbot.waitUntil(lambda: len(runs) == 2, timeout=5_000)
    qtbot.wait(1_200)  # settled: no third run is scheduled
    assert len(runs) == 2


def test_the_rerun_dies_with_the_shell(app: QApplication, qtbot: QtBot) -> None:
    shell = _Shell()
    runs: list[int] = []

    def job() -> Reconciliation:
        runs.append(1)
        return Reconciliation(waiting=1, next_due=dt.datetime.now(dt.UTC))

    on_result = _settle_again_when_due(shell, job)  # type: ignore[arg-type]
    on_result(job())
    shell.deleteLater()
    qtbot.wait(1_500)
    assert runs == [1]


def test_the_rerun_stops_with_teardowns_timers(app: QApplication, qtbot: QtBot) -> None:
    """stop_shell leaves the shell object alive (tests, the tour): its pending re-run must not
    fire later and build services again (a cash desk polling a port that is gone)."""
    from PySide6.QtCore import QTimer

    from ui.app import SETTLE_TIMER

    shell = _Shell()
    runs: list[int] = []

    def job() -> Reconciliation:
        runs.append(1)
        return Reconciliation(waiting=1, next_due=dt.datetime.now(dt.UTC))

    on_result = _settle_again_when_due(shell, job)  # type: ignore[arg-type]
    on_result(job())
    timers = shell.findChildren(QTimer, SETTLE_TIMER)
    assert len(timers) == 1 and timers[0].isActive()
    timers[0].stop()  # what teardown does
    qtbot.wait(1_500)
    assert runs == [1]
