"""Plumbing: the CJK font check, Qt messages in logging, the background runner."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui import qtlog
from ui.background import BackgroundRunner, SyncRunner
from ui.fonts import MissingCjkFontError, find_cjk_family


def test_start_up_refuses_without_a_cjk_font(app: QApplication, tmp_path: Path) -> None:
    with pytest.raises(MissingCjkFontError, match="fonts-wqy-microhei"):
        find_cjk_family(("No Such Font",), (tmp_path / "missing.ttc",))
    assert find_cjk_family() in {"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC"}


@pytest.mark.allow_log_warnings
def test_qt_messages_reach_logging(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="qt"):
        qtlog._handler(QtMsgType.QtWarningMsg, QMessageLogContext(), "QPainter::begin failed")
        qtlog._handler(QtMsgType.QtWarningMsg, QMessageLogContext(), "propagateSizeHints()")
    levels = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "qt"]
    assert (logging.WARNING, "QPainter::begin failed") in levels
    assert (logging.DEBUG, "propagateSizeHints()") in levels


def test_background_runner_calls_back_on_the_gui_thread(app: QApplication, qtbot: QtBot) -> None:
    runner = BackgroundRunner(max_threads=2)
    gui = threading.get_ident()
    seen: dict[str, int] = {}
    results: list[object] = []

    def op() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(value: int) -> None:
        seen["callback"] = threading.get_ident()
        results.append(value)

    runner.run(op, done, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [42]
    assert seen["worker"] != gui
    assert seen["callback"] == gui
    errors: list[Exception] = []
    runner.run(lambda: 1 / 0, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_late_results_of_an_ended_session_are_dropped(app: QApplication, qtbot: QtBot) -> None:
    runner = BackgroundRunner(max_threads=1)
    gate = threading.Event()
    alive = [True]
    results: list[int] = []
    runner.run(lambda: gate.wait(5) and 7, results.append, lambda _e: None, lambda: alive[0])
    alive[0] = False  # the session ended while the job was running
    gate.set()
    assert runner.wait_idle(5000)
    qtbot.wait(50)
    assert results == []
    sync: list[int] = []
    SyncRunner().run(lambda: 3, sync.append, lambda _e: None, lambda: False)
    assert sync == []


def test_event_processing_keeps_none_alive(app: QApplication) -> None:
    # PySide6 6.12.0 dropped a reference to None per processEvents() call and aborted Python
    # 3.11 after a few thousand; pyproject pins a release without that bug.
    import sys

    from PySide6.QtCore import QCoreApplication

    before = sys.getrefcount(None)
    for _ in range(2000):
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) >= before - 50
