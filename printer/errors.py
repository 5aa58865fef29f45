"""Typed errors of the printer package; callers map them to messages and health codes."""

from __future__ import annotations


class PrinterError(Exception):
    """Base of every printer-package error."""


class ProfileError(PrinterError):
    """A printer profile is missing or invalid."""


class FontNotFoundError(PrinterError):
    """No CJK TrueType font could be found for previews or PDFs."""


class PrinterPortError(PrinterError):
    """The serial port could not be opened, or a write/read on it failed."""


class PrinterWriteTimeoutError(PrinterPortError):
    """A write did not complete within the write timeout (handshake held too long)."""


class StatusError(PrinterError):
    """The printer's status answer was missing or malformed: a fault, never "paper OK"."""


class StatusTimeoutError(StatusError):
    """No answer to ``DLE EOT n`` within the timeout (printer off, cable, wrong port)."""


class MalformedStatusError(StatusError):
    """An answer to ``DLE EOT n`` that is not shaped ``0xx1xx10``."""

    def __init__(self, request: int, value: int) -> None:
        super().__init__(f"malformed status answer 0x{value:02x} to DLE EOT {request}")
        self.request = request
        self.value = value


class PrinterNotReadyError(PrinterError):
    """The printer reported a condition that prevents printing (carries the status)."""

    def __init__(self, message: str, status: object) -> None:
        super().__init__(message)
        self.status = status


class PrinterOfflineError(PrinterNotReadyError):
    """Offline for a reason not covered by a more specific error."""


class CoverOpenError(PrinterNotReadyError):
    """The cover is open."""


class PaperOutError(PrinterNotReadyError):
    """The paper roll is empty."""


class CutterError(PrinterNotReadyError):
    """The auto-cutter jammed or failed."""


class UnrecoverableError(PrinterNotReadyError):
    """The printer reports an unrecoverable error: it needs staff."""


class PrintError(PrinterError):
    """A job was sent but the status after it shows a fault (the slip may be incomplete)."""

    def __init__(self, message: str, status: object) -> None:
        super().__init__(message)
        self.status = status


class LpError(PrinterError):
    """Sending a PDF to CUPS with ``lp`` failed."""
