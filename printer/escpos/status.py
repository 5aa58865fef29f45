"""``DLE EOT n`` status bytes -> a typed :class:`PrinterStatus`.

Every answer byte must be shaped ``0xx1xx10`` (bits 1 and 4 set, bits 0 and 7 clear);
anything else, or no answer, is a fault: the driver never assumes "paper OK".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from printer.errors import (
    CoverOpenError,
    CutterError,
    MalformedStatusError,
    PaperOutError,
    PrinterNotReadyError,
    PrinterOfflineError,
    UnrecoverableError,
)

STATUS_MASK = 0x93
STATUS_SHAPE = 0x12


class PaperState(Enum):
    """Paper roll sensor reading."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


def is_status_byte(value: int) -> bool:
    """True when ``value`` has the fixed bits of a ``DLE EOT`` answer (``0xx1xx10``)."""
    return (value & STATUS_MASK) == STATUS_SHAPE


@dataclass(frozen=True)
class PrinterStatus:
    """The four ``DLE EOT`` answers, decoded."""

    online: bool
    paper: PaperState
    cover_open: bool
    cutter_error: bool
    unrecoverable_error: bool
    auto_recoverable_error: bool
    feed_button: bool
    stopped_by_paper_end: bool
    raw: bytes

    @property
    def errors(self) -> tuple[str, ...]:
        """Stable codes of every abnormal condition (for health views and the CLI)."""
        codes: list[str] = []
        if not self.online:
            codes.append("offline")
        if self.cover_open:
            codes.append("cover_open")
        if self.paper is PaperState.OUT:
            codes.append("paper_out")
        elif self.paper is PaperState.NEAR_END:
            codes.append("paper_near_end")
        if self.cutter_error:
            codes.append("cutter_error")
        if self.unrecoverable_error:
            codes.append("unrecoverable_error")
        if self.auto_recoverable_error:
            codes.append("auto_recoverable_error")
        return tuple(codes)

    @property
    def ready(self) -> bool:
        """True when a job can be printed (paper near end still prints)."""
        return self.blocking_error() is None

    def blocking_error(self) -> PrinterNotReadyError | None:
        """The typed error that prevents printing, most specific first, or None."""
        if self.unrecoverable_error:
            return UnrecoverableError("printer reports an unrecoverable error", self)
        if self.cutter_error:
            return CutterError("auto-cutter error", self)
        if self.cover_open:
            return CoverOpenError("printer cover is open", self)
        if self.paper is PaperState.OUT or self.stopped_by_paper_end:
            return PaperOutError("printer is out of paper", self)
        if not self.online or self.auto_recoverable_error:
            return PrinterOfflineError("printer is offline", self)
        return None

    def raise_if_not_ready(self) -> None:
        """Raise the typed error of :meth:`blocking_error`, if any."""
        error = self.blocking_error()
        if error is not None:
            raise error

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (used by ``kiosk printer status --json``)."""
        return {
            "online": self.online,
            "paper": self.paper.value,
            "cover_open": self.cover_open,
            "cutter_error": self.cutter_error,
            "unrecoverable_error": self.unrecoverable_error,
            "errors": list(self.errors),
            "raw": self.raw.hex(" "),
        }


def parse_status(raw: bytes) -> PrinterStatus:
    """Decode the answers to ``DLE EOT 1``, ``2``, ``3`` and ``4`` (in that order)."""
    if len(raw) != 4:
        raise ValueError("need the four answers to DLE EOT 1..4")
    for request, value in enumerate(raw, start=1):
        if not is_status_byte(value):
            raise MalformedStatusError(request, value)
    printer, offline, error, paper = raw
    if paper & 0x60:
        state = PaperState.OUT
    elif paper & 0x0C:
        state = PaperState.NEAR_END
    else:
        state = PaperState.OK
    return PrinterStatus(
        online=not printer & 0x08,
        paper=state,
        cover_open=bool(offline & 0x04),
        cutter_error=bool(error & 0x08),
        unrecoverable_error=bool(error & 0x20),
        auto_recoverable_error=bool(error & 0x40),
        feed_button=bool(offline & 0x08),
        stopped_by_paper_end=bool(offline & 0x20),
        raw=bytes(raw),
    )
