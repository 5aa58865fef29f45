"""What the terminal can offer right now, from what its devices and the backend last said.

Two independent facts, each a small state machine without Qt or timers (ui/service_monitor.py
feeds them):

- printing: available, or unavailable with the printer's own reason (paper out, cover open,
  offline, no answer). Functions that need no paper go on; the home screen says printing is
  unavailable and the functions that exist only to print are disabled.
- the backend: in service, or out of service after ``failures_to_close`` health probes in a
  row failed (one lost packet must not close a terminal); the first probe that succeeds
  reopens it by itself.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

# Of the printer's condition codes (PrinterStatus.errors) only this one still prints.
STILL_PRINTS = frozenset({"paper_near_end"})
# A printer out of paper or with its cover open also reports itself offline: name the cause
# staff can fix, not the consequence.
CAUSE_FIRST = ("paper_out", "cover_open", "cutter_error", "unrecoverable_error")
PRINTER_SILENT = "silent"


class Printing(enum.Enum):
    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"


class Backend(enum.Enum):
    IN_SERVICE = "in_service"
    OUT_OF_SERVICE = "out_of_service"


@dataclass(frozen=True)
class PrintingState:
    printing: Printing
    reason: str = ""  # a stable code: paper_out, cover_open, silent ...


def printing_state(errors: Sequence[str] | None) -> PrintingState:
    """From the printer's status codes, or ``None`` when it did not answer at all."""
    if errors is None:
        return PrintingState(Printing.UNAVAILABLE, PRINTER_SILENT)
    blocking = [code for code in errors if code not in STILL_PRINTS]
    if blocking:
        cause = next((code for code in CAUSE_FIRST if code in blocking), blocking[0])
        return PrintingState(Printing.UNAVAILABLE, cause)
    return PrintingState(Printing.AVAILABLE)


class BackendHealth:
    """Counts consecutive failed probes; ``record`` says whether the state changed."""

    def __init__(self, failures_to_close: int = 2) -> None:
        self.failures_to_close = max(1, failures_to_close)
        self.state = Backend.IN_SERVICE
        self._failures = 0

    def record(self, reachable: bool) -> bool:
        before = self.state
        if reachable:
            self._failures = 0
            self.state = Backend.IN_SERVICE
        else:
            self._failures += 1
            if self._failures >= self.failures_to_close:
                self.state = Backend.OUT_OF_SERVICE
        return self.state is not before


def status_line(backend: Backend, printing: PrintingState) -> str:
    """The one line ``systemctl status kiosk`` shows (sd_notify STATUS=): what a technician
    at the terminal needs first. Codes only, nothing personal."""
    parts = [
        "out of service: backend unreachable" if backend is Backend.OUT_OF_SERVICE else "serving"
    ]
    if printing.printing is Printing.UNAVAILABLE:
        parts.append(f"printing unavailable: {printing.reason}")
    return "; ".join(parts)
