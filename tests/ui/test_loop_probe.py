"""The event-loop probe sees a blocked GUI thread, keeps start-up apart and leaves its file."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from tests.fixtures.qt import show_painted
from ui.app import build_shell, teardown
from ui.loop_probe import PROBE_FILE_ENV, LoopProbe


def _block_gui(ms: float) -> None:
    """Keep the GUI thread busy for ``ms`` of its own CPU time (a stand-in for work done on
    it): on a loaded machine the wall-clock stall is longer, the self stall is this."""
    end = time.thread_time() + ms / 1000
    while time.thread_time() < end:
        pass


def _run_ticks(probe: LoopProbe, ticks: int) -> None:
    loop = QEventLoop()
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    check = QTimer()
    check.timeout.connect(lambda: loop.quit() if probe.stalls().ticks >= ticks else None)
    check.start(5)
    deadline.start(10_000)
    loop.exec()
    check.stop()
    assert probe.stalls().ticks >= ticks


def _run_until(condition: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def test_a_blocked_gui_thread_is_measured_and_written(app: QApplication, tmp_path: Path) -> None:
    ready = [False]
    path = tmp_path / "probe.json"
    probe = LoopProbe(lambda: ready[0], interval_ms=10, report_path=path)
    probe.start()
    _run_ticks(probe, 2)
    QTimer.singleShot(0, lambda: _block_gui(150))  # during start-up
    _run_ticks(probe, 6)
    ready[0] = True
    _run_ticks(probe, 12)
    quiet = probe.stalls().max_stall_ms
    QTimer.singleShot(0, lambda: _block_gui(120))
    _run_ticks(probe, 20)
    stalls = probe.stalls()
    assert stalls.startup_max_stall_ms >= 120
    assert quiet < 100  # the start-up stall is not counted as a running one
    assert stalls.max_stall_ms >= 100
    # Work on the GUI thread is the kiosk's own stall, however loaded the machine is.
    assert 100 <= stalls.max_self_stall_ms <= stalls.max_stall_ms
    assert 100 <= stalls.max_cpu_stall_ms <= stalls.max_stall_ms  # it was the GUI thread's work
    _run_until(lambda: path.exists() and json.loads(path.read_text("utf-8"))["ticks"] > 12)
    written = json.loads(path.read_text("utf-8"))  # written when the maximum grew
    assert written["max_stall_ms"] == stalls.max_stall_ms
    probe.stop()
    assert json.loads(path.read_text("utf-8"))["ticks"] == probe.stalls().ticks


def test_the_composition_root_starts_the_probe_after_the_first_paint(
    app: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "loop.json"
    monkeypatch.setenv(PROBE_FILE_ENV, str(path))
    shell = build_shell(Config(), app)
    try:
        show_painted(shell)
        assert shell.loop_probe is not None
        _run_ticks(shell.loop_probe, 3)
    finally:
        teardown(shell)
        QApplication.processEvents()
    assert json.loads(path.read_text("utf-8"))["ticks"] >= 3


def test_the_report_file_is_written_off_the_gui_thread(app: QApplication, tmp_path: Path) -> None:
    """A write that blocks (here a FIFO nobody reads for a second, on a kiosk a busy disk)
    never holds the event loop: the probe keeps ticking and the figures land afterwards."""
    path = tmp_path / "probe.json"
    fifo = path.with_name(path.name + ".tmp")
    os.mkfifo(fifo)
    drained: list[bytes] = []

    def drain_later() -> None:
        time.sleep(1.0)
        with open(fifo, "rb") as pipe:
            drained.append(pipe.read())

    reader = threading.Thread(target=drain_later)
    reader.start()
    probe = LoopProbe(lambda: True, interval_ms=10, report_path=path)
    probe.start()
    _run_ticks(probe, 2)
    QTimer.singleShot(0, lambda: _block_gui(30))  # a stall: the maximum grows, a write is due
    _run_until(lambda: not reader.is_alive())
    # The first write waited a second in open() of the FIFO; the GUI thread did not.
    assert probe.stalls().ticks >= 40
    assert 20 <= probe.stalls().max_stall_ms < 400
    assert json.loads(drained[0])["pid"] == os.getpid()
    # The newest figures follow in a regular file (the FIFO was the first write's target).
    _run_until(lambda: path.is_file() and json.loads(path.read_text("utf-8"))["max_stall_ms"] >= 20)
    probe.stop()


class _CrowdedMachine:
    """A run-queue clock on a machine where the kiosk's other threads waited for a CPU far
    longer than any gap (their waits are summed over every thread)."""

    def __init__(self) -> None:
        self.ns = 0

    def waited_ns(self, *, refresh: bool = False) -> int:
        self.ns += 10_000_000_000
        return self.ns

    def close(self) -> None:
        pass


def test_the_gui_threads_own_work_is_never_discounted(app: QApplication) -> None:
    probe = LoopProbe(lambda: True, interval_ms=10)
    probe._runqueue = _CrowdedMachine()  # type: ignore[assignment]
    probe.start()
    _run_ticks(probe, 2)
    QTimer.singleShot(0, lambda: _block_gui(80))
    _run_ticks(probe, 6)
    stalls = probe.stalls()
    assert stalls.max_cpu_stall_ms >= 70
    assert stalls.max_self_stall_ms >= stalls.max_cpu_stall_ms
    probe.stop()


def test_a_probe_stopped_at_teardown_never_ticks_again(app: QApplication) -> None:
    """The probe's start is queued for the turn after the first paint (ui.first_paint), which
    may come after the shell was torn down; a probe started then ticked on, unowned, and logged
    into the closed stream of a finished test run ("Logging error ... closed file")."""
    from ui.loop_probe import running_probes

    probe = LoopProbe(lambda: True, interval_ms=10)
    probe.stop()  # torn down first
    probe.start()  # the queued first-paint callback, late
    loop = QEventLoop()
    QTimer.singleShot(100, loop.quit)
    loop.exec()
    assert not probe.running and probe.stalls().ticks == 0
    assert probe not in running_probes()
    QApplication.processEvents()


def test_a_shell_torn_down_before_its_first_paint_gets_no_probe(app: QApplication) -> None:
    """The composition root makes the probe on the turn after the first paint; when that turn
    comes after the teardown, no probe is made at all."""
    from ui.app import start_loop_probe
    from ui.loop_probe import running_probes

    shell = build_shell(Config(), app)
    assert shell.loop_probe is None  # nothing of it before the first frame
    teardown(shell)
    start_loop_probe(shell)  # the queued first-paint callback, late
    assert shell.loop_probe is None and not running_probes()
    QApplication.processEvents()


def test_running_probes_are_listed_until_stopped(app: QApplication) -> None:
    from ui.loop_probe import running_probes

    probe = LoopProbe(lambda: True, interval_ms=10)
    assert probe not in running_probes()
    probe.start()
    assert probe in running_probes() and probe.running
    _run_ticks(probe, 2)
    probe.stop()
    assert probe not in running_probes() and not probe.running
    probe.start()
    assert not probe.running  # stopped for good
