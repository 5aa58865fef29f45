"""The printer's Qt adapter only marshals: every call returns at once while the printer's own
thread works, and outcomes, progress and status arrive on the GUI thread as signals."""

from __future__ import annotations

import threading
import time

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.devices.printer.driver import JobResult
from kiosk.devices.printer.slips import PreparedSlip, PrintedCopy
from printer.document import Cut, Document, Text
from printer.errors import PaperOutError
from printer.escpos.status import PrinterStatus, parse_status
from printer.profiles import PrinterProfile, load_profile
from ui.devices.printer import PrinterAdapter

PROFILE = load_profile("generic-80")
READY = parse_status(b"\x12\x12\x12\x12")
PAPER_OUT = parse_status(b"\x12\x12\x12\x72")


class HeldPrinter:
    """A ReceiptPrinter whose print jobs wait for ``release`` (a long slip on a slow roll)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []
        self.fail_with: Exception | None = None

    @property
    def profile(self) -> PrinterProfile:
        return PROFILE

    def prepare(self, document: Document, *, keep_copy: bool = False) -> PreparedSlip:
        return PreparedSlip(document.title, [], 10.0, keep_copy)

    def history(self) -> list[PrintedCopy]:
        return []

    def print_slip(self, slip: PreparedSlip, on_progress: object = None) -> JobResult:
        self.threads.append(threading.current_thread())
        assert callable(on_progress)
        on_progress(0, 100)
        assert self.release.wait(10), "the test never released the printer"
        if self.fail_with is not None:
            raise self.fail_with
        on_progress(100, 100)
        return JobResult(100, 0.1, READY, READY)

    def reprint(self, copy: PrintedCopy) -> JobResult:
        return JobResult(len(copy.data), 0.1, READY, READY)

    def status(self) -> PrinterStatus:
        return PAPER_OUT

    def close(self) -> None:
        pass


def test_print_returns_at_once_and_results_arrive_on_the_gui_thread(
    app: QApplication, qtbot: QtBot
) -> None:
    printer = HeldPrinter()
    adapter = PrinterAdapter(printer)
    try:
        slip = adapter.prepare(Document((Text("凭条"), Cut()), "凭条"))
        done: list[tuple[JobResult, threading.Thread]] = []
        progress: list[tuple[int, int, threading.Thread]] = []
        printed: list[bool] = []
        adapter.progress.connect(lambda s, t: progress.append((s, t, threading.current_thread())))
        adapter.printed.connect(lambda: printed.append(True))
        started = time.perf_counter()
        adapter.print_slip(
            slip, lambda r: done.append((r, threading.current_thread())), _unexpected
        )
        returned = time.perf_counter() - started
        assert returned < 0.05  # the GUI thread does not wait for the printer
        qtbot.waitUntil(lambda: len(progress) == 1, timeout=5000)
        assert not done  # the job is still on the wire
        # The GUI thread keeps turning meanwhile: a status check queues behind the slip.
        statuses: list[PrinterStatus] = []
        adapter.check_status(statuses.append, _unexpected)
        QApplication.processEvents()
        assert not statuses
        printer.release.set()
        qtbot.waitUntil(lambda: bool(done) and bool(statuses), timeout=5000)
        gui = threading.main_thread()
        assert done[0][0].bytes_sent == 100 and done[0][1] is gui
        assert [(s, t) for s, t, _ in progress] == [(0, 100), (100, 100)]
        assert all(thread is gui for *_, thread in progress)
        assert printed == [True] and statuses == [PAPER_OUT]
        assert adapter.last_status == PAPER_OUT
        (worker_thread,) = set(printer.threads)
        assert type(worker_thread) is threading.Thread and worker_thread is not gui
    finally:
        printer.release.set()
        adapter.stop()


def test_a_failed_print_reaches_on_error_and_a_finished_session_drops_it(
    app: QApplication, qtbot: QtBot
) -> None:
    printer = HeldPrinter()
    printer.fail_with = PaperOutError("printer is out of paper", PAPER_OUT)
    printer.release.set()
    adapter = PrinterAdapter(printer)
    try:
        slip = adapter.prepare(Document((Text("凭条"), Cut()), "凭条"))
        errors: list[Exception] = []
        adapter.print_slip(slip, _unexpected, errors.append)
        qtbot.waitUntil(lambda: bool(errors), timeout=5000)
        assert isinstance(errors[0], PaperOutError)
        late: list[Exception] = []
        adapter.print_slip(slip, _unexpected, late.append, guard=lambda: False)
        assert adapter.worker.wait_idle(5)
        QApplication.processEvents()
        assert late == []
    finally:
        adapter.stop()


def _unexpected(value: object) -> None:
    raise AssertionError(f"unexpected callback with {value!r}")
