"""Printing for the kiosk: the receipt printer opened per configuration, jobs with status
checks, and the slip length announced to the customer before a long slip starts.

Plain blocking Python: ui/devices/printer.py runs it on the printer's own thread.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from printer.document import Document
from printer.driver import JobResult, SerialPrinter
from printer.errors import PrinterPortError
from printer.escpos.encoder import encode_items
from printer.escpos.status import PrinterStatus
from printer.layout import (
    PrintedBarcode,
    PrintedCut,
    PrintedFeed,
    PrintedImage,
    PrintedItem,
    PrintedLine,
    PrintedQr,
    layout,
)
from printer.profiles import PrinterProfile, load_profile

log = logging.getLogger(__name__)

_T = TypeVar("_T")



class PrintState(enum.StrEnum):
    """Where a slip offered on a screen stands; the value is also its style-sheet state."""

    IDLE = "idle"  # nothing offered: the panel is hidden
    PREPARING = "preparing"  # built and laid out on a worker
    OFFERED = "offered"  # its length is shown: print it?
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"  # the error's own sentence when it has one, else this state's text

    @property
    def text_key(self) -> str | None:
        """The panel's line in this state (None: the panel is hidden)."""
        return None if self is PrintState.IDLE else f"print.{self.value}"


LINE_MM = 25.4 / 6  # ESC/POS default line spacing: 1/6 inch
CUT_MARGIN_MM = 15.0  # feed to the cutter


def slip_length_mm(items: list[PrintedItem], profile: PrinterProfile) -> float:
    """How much paper a laid-out slip uses, from its lines, codes and images."""
    dots_per_mm = profile.dots_per_line / profile.paper_width_mm
    total = 0.0
    for item in items:
        if isinstance(item, PrintedLine):
            total += LINE_MM * item.size.height
        elif isinstance(item, PrintedFeed):
            total += LINE_MM * item.lines
        elif isinstance(item, PrintedImage):
            total += item.height / dots_per_mm
        elif isinstance(item, PrintedQr):
            total += 25 * item.module_size / dots_per_mm * 1.2 + LINE_MM
        elif isinstance(item, PrintedBarcode):
            total += item.height / dots_per_mm + LINE_MM
        elif isinstance(item, PrintedCut):
            total += CUT_MARGIN_MM
    return total


@dataclass(frozen=True)
class PreparedSlip:
    """A document laid out for the configured printer, with its length.

    ``keep_copy`` lets staff see and reprint it from the admin screen; only receipts of
    transactions opt in (masked data only) — bill and detail slips are never kept.
    """

    title: str
    items: list[PrintedItem]
    length_mm: float
    keep_copy: bool = False


@dataclass(frozen=True)
class PrintedCopy:
    """A receipt as it went to the printer, for the admin's "last receipts" and reprint."""

    title: str
    printed_at: dt.datetime
    data: bytes


HISTORY = 10


class ReceiptPrinter:
    """The hall's receipt printer. Keeps the port open between jobs; reopens after a fault."""

    def __init__(self, url: str, profile_name: str, baudrate: int | None = None) -> None:
        self.profile = load_profile(profile_name)
        self._url = url
        self._baudrate = baudrate
        self._printer: SerialPrinter | None = None
        self._lock = threading.Lock()
        self._history: deque[PrintedCopy] = deque(maxlen=HISTORY)

    def prepare(self, document: Document, *, keep_copy: bool = False) -> PreparedSlip:
        """Lay out a document (pure; done before asking the customer to confirm)."""
        items = layout(document, self.profile)
        return PreparedSlip(document.title, items, slip_length_mm(items, self.profile), keep_copy)

    def history(self) -> list[PrintedCopy]:
        """The last receipts kept for staff, newest first."""
        with self._lock:
            return list(reversed(self._history))

    def reprint(self, copy: PrintedCopy) -> JobResult:
        """Print a kept receipt again (staff only)."""
        with self._lock:
            return self._with_port(lambda p: p.print_bytes(copy.data))

    def status(self) -> PrinterStatus:
        with self._lock:
            return self._with_port(lambda p: p.read_status())

    def print_slip(
        self, slip: PreparedSlip, on_progress: Callable[[int, int], None] | None = None
    ) -> JobResult:
        """Print with status checks before and after; typed errors from printer.errors."""
        data = encode_items(slip.items, self.profile)
        with self._lock:
            result = self._with_port(lambda p: p.print_bytes(data, on_progress))
            if slip.keep_copy:
                self._history.append(PrintedCopy(slip.title, dt.datetime.now(), data))
        log.info("printed %s (%.0f mm)", slip.title, slip.length_mm)
        return result

    def close(self) -> None:
        with self._lock:
            if self._printer is not None:
                self._printer.close()
                self._printer = None

    def _with_port(self, action: Callable[[SerialPrinter], _T]) -> _T:
        if self._printer is None:
            printer = SerialPrinter(self._url, self.profile, baudrate=self._baudrate)
            printer.open()
            self._printer = printer
        try:
            return action(self._printer)
        except PrinterPortError:
            # The port went away (unplugged, emulator restarted): reopen on the next job.
            self._printer.close()
            self._printer = None
            raise
