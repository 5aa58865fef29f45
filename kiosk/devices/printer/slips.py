"""Slips: a document laid out for the configured printer with its length (announced to the
customer before a long slip starts), a kept copy for staff, and where a slip offered on a
screen stands (:class:`PrintState`). Pure: no port, no thread.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from printer.layout import (
    PrintedBarcode,
    PrintedCut,
    PrintedFeed,
    PrintedImage,
    PrintedItem,
    PrintedLine,
    PrintedQr,
)
from printer.profiles import PrinterProfile


class PrintState(enum.StrEnum):
    """Where a slip offered on a screen stands; the value is also its style-sheet state."""

    IDLE = "idle"  # nothing offered: the panel is hidden
    PREPARING = "preparing"  # built and laid out on a worker
    OFFERED = "offered"  # its length is shown: print it?
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"  # the error's own sentence when it has one, else this state's text
    # The slip is kept on the panel after a failed print: it prints by itself when the
    # printer reports paper again, or when the customer taps 重新打印.
    WAITING_FOR_PAPER = "waiting_for_paper"
    RETRY = "retry"  # another fault (cover, offline, no answer): kept, 重新打印 offered

    @property
    def keeps_slip(self) -> bool:
        """True while a failed slip waits on the panel to be printed again."""
        return self in (PrintState.WAITING_FOR_PAPER, PrintState.RETRY)

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
    complete: bool = True  # False: the job failed (paper out mid-slip, unplugged): reprint it
