"""The receipt printer seen from the GUI: a thin Qt adapter over the printer's own thread
(:class:`~kiosk.devices.printer.worker.PrinterWorker`, in the core). Every call returns at
once; outcomes and progress come back as queued signals and run their callbacks on the GUI
thread, like :mod:`ui.devices.card_reader`. Printer events count as activity."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from kiosk.devices.printer.driver import JobResult
from kiosk.devices.printer.receipt_printer import ReceiptPrinter
from kiosk.devices.printer.slips import PreparedSlip, PrintedCopy
from kiosk.devices.printer.worker import PrinterWorker
from printer.document import Document
from printer.escpos.status import PrinterStatus

log = logging.getLogger(__name__)

T = TypeVar("T")


class PrinterAdapter(QObject):
    """Marshals the printer worker's results to the GUI thread; holds no thread of its own.

    ``settled`` and ``progress`` are emitted on the worker thread; Qt queues them to this
    object's (GUI) thread.
    """

    settled = Signal(object)  # a callable that delivers one job's outcome
    progress = Signal(int, int)  # bytes sent, total
    activity = Signal()
    printed = Signal()  # a slip came out (voice guidance: "please take your receipt")
    status_changed = Signal(object)  # PrinterStatus

    def __init__(self, printer: ReceiptPrinter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.printer = printer
        self.worker = PrinterWorker(printer)
        self.last_status: PrinterStatus | None = None
        self.settled.connect(self._on_settled)

    def prepare(self, document: Document, *, keep_copy: bool = False) -> PreparedSlip:
        """Pure layout (call it on a worker for long slips)."""
        return self.printer.prepare(document, keep_copy=keep_copy)

    def history(self) -> list[PrintedCopy]:
        """The kept receipts, newest first (never waits for a job on the wire)."""
        return self.printer.history()

    def reprint(
        self,
        copy: PrintedCopy,
        on_done: Callable[[JobResult], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        self._relay(self.worker.reprint(copy), on_done, on_error)

    def print_slip(
        self,
        slip: PreparedSlip,
        on_done: Callable[[JobResult], None],
        on_error: Callable[[Exception], None],
        guard: Callable[[], bool] | None = None,
    ) -> None:
        def done(result: JobResult) -> None:
            self._remember(result.status_after)
            self.activity.emit()
            self.printed.emit()
            on_done(result)

        def failed(exc: Exception) -> None:
            self.activity.emit()
            on_error(exc)

        self._relay(self.worker.print_slip(slip, self.progress.emit), done, failed, guard)

    def check_status(
        self, on_done: Callable[[PrinterStatus], None], on_error: Callable[[Exception], None]
    ) -> None:
        def done(status: PrinterStatus) -> None:
            self._remember(status)
            on_done(status)

        self._relay(self.worker.status(), done, on_error)

    def stop(self) -> None:
        """Let queued jobs finish, then close the printer (shutdown)."""
        self.worker.stop(10.0)

    # -- plumbing ------------------------------------------------------------------------------

    def _relay(
        self,
        future: Future[T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        guard: Callable[[], bool] | None = None,
    ) -> None:
        def deliver() -> None:
            if guard is not None and not guard():
                log.info("dropped a late printer result of a finished session")
                return
            error = future.exception()
            if error is None:
                on_done(future.result())
            elif isinstance(error, Exception):
                on_error(error)
            else:
                raise error

        future.add_done_callback(lambda _future: self.settled.emit(deliver))

    def _on_settled(self, deliver: Any) -> None:
        deliver()

    def _remember(self, status: PrinterStatus) -> None:
        if self.last_status is None or status.errors != self.last_status.errors:
            self.status_changed.emit(status)
        self.last_status = status
