"""The receipt printer seen from the GUI: jobs on the printer's own thread, progress and
outcome as callbacks on the GUI thread, and printer events counted as activity."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.printing import PreparedSlip, PrintedCopy, ReceiptPrinter
from printer.document import Document
from printer.driver import JobResult
from printer.escpos.status import PrinterStatus
from ui.background import BackgroundRunner

log = logging.getLogger(__name__)


class PrinterAdapter(QObject):
    """One worker thread (jobs never interleave on the wire), results on the GUI thread."""

    progress = Signal(int, int)  # bytes sent, total
    activity = Signal()
    printed = Signal()  # a slip came out (voice guidance: "please take your receipt")
    status_changed = Signal(object)  # PrinterStatus

    def __init__(self, printer: ReceiptPrinter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.printer = printer
        self._thread = BackgroundRunner(max_threads=1)
        self.last_status: PrinterStatus | None = None

    def prepare(self, document: Document, *, keep_copy: bool = False) -> PreparedSlip:
        """Pure layout (call it on a worker for long slips)."""
        return self.printer.prepare(document, keep_copy=keep_copy)

    def history(self) -> list[PrintedCopy]:
        return self.printer.history()

    def reprint(
        self,
        copy: PrintedCopy,
        on_done: Callable[[JobResult], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        self._thread.run(lambda: self.printer.reprint(copy), on_done, on_error)

    def print_slip(
        self,
        slip: PreparedSlip,
        on_done: Callable[[JobResult], None],
        on_error: Callable[[Exception], None],
        guard: Callable[[], bool] | None = None,
    ) -> None:
        def job() -> JobResult:
            return self.printer.print_slip(
                slip, lambda sent, total: self.progress.emit(sent, total)
            )

        def done(result: JobResult) -> None:
            self._remember(result.status_after)
            self.activity.emit()
            self.printed.emit()
            on_done(result)

        def failed(exc: Exception) -> None:
            self.activity.emit()
            on_error(exc)

        self._thread.run(job, done, failed, guard)

    def check_status(
        self, on_done: Callable[[PrinterStatus], None], on_error: Callable[[Exception], None]
    ) -> None:
        def done(status: PrinterStatus) -> None:
            self._remember(status)
            on_done(status)

        self._thread.run(self.printer.status, done, on_error)

    def stop(self) -> None:
        self._thread.wait_idle(10_000)
        self.printer.close()

    def _remember(self, status: PrinterStatus) -> None:
        if self.last_status is None or status.errors != self.last_status.errors:
            self.status_changed.emit(status)
        self.last_status = status
