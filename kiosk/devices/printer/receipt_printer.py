"""The hall's receipt printer: the :class:`ReceiptPrinter` Protocol everything else depends on,
and :class:`SerialReceiptPrinter`, the ESC/POS printer on a serial port.

Plain blocking Python. Jobs (print, reprint, status) run on the printer's own thread
(:class:`~kiosk.devices.printer.worker.PrinterWorker`); ``prepare`` (pure layout) and
``history`` may be called from any thread and never wait for a job on the wire.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Protocol, TypeVar

from common.hall_time import hall_now
from kiosk.devices.printer.driver import JobResult, SerialPrinter
from kiosk.devices.printer.slips import PreparedSlip, PrintedCopy, slip_length_mm
from kiosk.devices.serial_link import PortFactory, open_with_pyserial
from printer.document import Document
from printer.errors import PrinterError, PrinterPortError
from printer.escpos.encoder import encode_items
from printer.escpos.status import PrinterStatus
from printer.layout import layout
from printer.profiles import PrinterProfile, load_profile

log = logging.getLogger(__name__)

_T = TypeVar("_T")

HISTORY = 10
ProgressCallback = Callable[[int, int], None]


class ReceiptPrinter(Protocol):
    """What the kiosk needs from its receipt printer (the serial one, or a fake in tests)."""

    @property
    def profile(self) -> PrinterProfile:
        """The printer model's profile: columns, paper width, commands."""
        ...

    def prepare(self, document: Document, *, keep_copy: bool = False) -> PreparedSlip:
        """Lay out a document for this printer (pure; any thread)."""
        ...

    def history(self) -> list[PrintedCopy]:
        """The last kept receipts, newest first (any thread; never waits for a job)."""
        ...

    def print_slip(
        self, slip: PreparedSlip, on_progress: ProgressCallback | None = None
    ) -> JobResult:
        """Print with status checks before and after; a kept slip that fails stays in
        :meth:`history` (complete=False) for a reprint. Typed errors from printer.errors."""
        ...

    def reprint(self, copy: PrintedCopy) -> JobResult:
        """Print a kept receipt again (staff)."""
        ...

    def status(self) -> PrinterStatus:
        """Ask the printer (DLE EOT 1..4)."""
        ...

    def close(self) -> None:
        """Release the port; the next job opens it again."""
        ...


class SerialReceiptPrinter:
    """The ESC/POS printer on ``url``. Keeps the port open between jobs; reopens after a fault."""

    def __init__(
        self,
        url: str,
        profile_name: str,
        baudrate: int | None = None,
        *,
        port_factory: PortFactory = open_with_pyserial,
    ) -> None:
        self._profile = load_profile(profile_name)
        self._url = url
        self._baudrate = baudrate
        self._port_factory = port_factory
        self._printer: SerialPrinter | None = None
        self._wire = threading.Lock()  # one job on the wire at a time
        self._kept = threading.Lock()  # the history only: never held during a job
        self._history: deque[PrintedCopy] = deque(maxlen=HISTORY)

    @property
    def profile(self) -> PrinterProfile:
        """The configured model's profile."""
        return self._profile

    def prepare(self, document: Document, *, keep_copy: bool = False) -> PreparedSlip:
        """Lay out a document (pure; done before asking the customer to confirm)."""
        items = layout(document, self._profile)
        return PreparedSlip(document.title, items, slip_length_mm(items, self._profile), keep_copy)

    def history(self) -> list[PrintedCopy]:
        """The last receipts kept for staff, newest first."""
        with self._kept:
            return list(reversed(self._history))

    def reprint(self, copy: PrintedCopy) -> JobResult:
        """Print a kept receipt again (staff only)."""
        with self._wire:
            return self._with_port(lambda p: p.print_bytes(copy.data))

    def status(self) -> PrinterStatus:
        """The printer's status (DLE EOT 1..4)."""
        with self._wire:
            return self._with_port(lambda p: p.read_status())

    def print_slip(
        self, slip: PreparedSlip, on_progress: ProgressCallback | None = None
    ) -> JobResult:
        """Print with status checks before and after; typed errors from printer.errors."""
        data = encode_items(slip.items, self._profile)
        with self._wire:
            try:
                result = self._with_port(lambda p: p.print_bytes(data, on_progress))
            except PrinterError:
                # A transaction receipt the customer did not get whole stays for staff to
                # reprint once the paper or the cable is fixed (the customer is told so).
                if slip.keep_copy:
                    self._keep(PrintedCopy(slip.title, hall_now(), data, complete=False))
                raise
        if slip.keep_copy:
            self._keep(PrintedCopy(slip.title, hall_now(), data))
        log.info("printed %s (%.0f mm)", slip.title, slip.length_mm)
        return result

    def close(self) -> None:
        """Close the port (the next job reopens it)."""
        with self._wire:
            if self._printer is not None:
                self._printer.close()
                self._printer = None

    def _keep(self, copy: PrintedCopy) -> None:
        with self._kept:
            self._history.append(copy)

    def _with_port(self, action: Callable[[SerialPrinter], _T]) -> _T:
        if self._printer is None:
            printer = SerialPrinter(
                self._url, self._profile, baudrate=self._baudrate, port_factory=self._port_factory
            )
            printer.open()
            self._printer = printer
        try:
            return action(self._printer)
        except PrinterPortError:
            # The port went away (unplugged, emulator restarted): reopen on the next job.
            self._printer.close()
            self._printer = None
            raise
