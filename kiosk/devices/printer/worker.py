"""The printer's own thread: a plain Python thread with a job queue, like the card reader's
and the acceptor's pollers. Every wire exchange with the printer happens here, one job at a
time in the order they came, so jobs never interleave on the wire and no caller ever waits
for the printer.

``submit`` returns a :class:`~concurrent.futures.Future` at once; its done-callbacks run on
this thread (the Qt adapter turns them into queued signals). The thread starts with the first
job; ``stop`` lets queued jobs finish, closes the port and ends it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from kiosk.devices.printer.driver import JobResult
from kiosk.devices.printer.receipt_printer import ProgressCallback, ReceiptPrinter
from kiosk.devices.printer.slips import PreparedSlip, PrintedCopy
from printer.errors import PrinterUnavailable
from printer.escpos.status import PrinterStatus

log = logging.getLogger(__name__)

T = TypeVar("T")
_Job = tuple[Callable[[ReceiptPrinter], Any], "Future[Any]"]


class PrinterWorker:
    """Runs jobs on one :class:`ReceiptPrinter` on its own thread; see the module docstring."""

    def __init__(self, printer: ReceiptPrinter, *, name: str = "printer-worker") -> None:
        self.printer = printer
        self._name = name
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._idle = threading.Condition()
        self._pending = 0

    @property
    def is_running(self) -> bool:
        """True while the thread lives."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        with self._idle:
            return self._pending

    # -- jobs ----------------------------------------------------------------------------------

    def submit(self, job: Callable[[ReceiptPrinter], T]) -> Future[T]:
        """Queue ``job(printer)``; returns at once. After ``stop`` the future fails at once."""
        future: Future[T] = Future()
        with self._lock:
            if self._stopped:
                future.set_exception(PrinterUnavailable("the printer worker has stopped"))
                return future
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            with self._idle:
                self._pending += 1
            self._jobs.put((job, future))
        return future

    def print_slip(
        self, slip: PreparedSlip, on_progress: ProgressCallback | None = None
    ) -> Future[JobResult]:
        """Print a prepared slip; ``on_progress(sent, total)`` runs on this thread."""
        return self.submit(lambda printer: printer.print_slip(slip, on_progress))

    def reprint(self, copy: PrintedCopy) -> Future[JobResult]:
        """Print a kept receipt again."""
        return self.submit(lambda printer: printer.reprint(copy))

    def status(self) -> Future[PrinterStatus]:
        """Ask the printer for its status."""
        return self.submit(lambda printer: printer.status())

    def wait_idle(self, timeout: float) -> bool:
        """Block until no job is queued or running (shutdown and tests only)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Let queued jobs finish, close the printer and end the thread."""
        with self._lock:
            self._stopped = True
            thread = self._thread
            if thread is not None:
                self._jobs.put(None)
        if thread is None:
            self.printer.close()
            return
        thread.join(timeout)
        if thread.is_alive():
            log.warning("the printer worker did not stop within %.0f s", timeout)

    # -- thread --------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                item = self._jobs.get()
                if item is None:
                    return
                job, future = item
                del item
                self._run_one(job, future)
                # Let go of the job at once: its closure may hold the session's data.
                del job, future
        finally:
            try:
                self.printer.close()
            except Exception:  # closing must not hide how the thread ended
                log.exception("closing the printer failed")

    def _run_one(self, job: Callable[[ReceiptPrinter], Any], future: Future[Any]) -> None:
        try:
            if future.set_running_or_notify_cancel():
                try:
                    result = job(self.printer)
                except Exception as exc:  # handed to the caller through the future
                    future.set_exception(exc)
                else:
                    future.set_result(result)
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()
