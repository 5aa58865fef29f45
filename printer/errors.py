"""Typed errors of the printer package; callers map them to messages and health codes.

The printer's own failures (:class:`PrinterDeviceError`: the link, the status answers, a
printer that cannot print) are also the shared device errors of :mod:`common.device_errors`,
like the ID card reader's and the banknote acceptor's.
"""

from __future__ import annotations

from common.device_errors import BadFrame, DeviceError, DeviceTimeout, DeviceUnavailable, PortLost


class PrinterError(Exception):
    """Base of every printer-package error."""


class PrinterDeviceError(PrinterError, DeviceError):
    """A failure of the receipt printer or its link (not of a profile, a font or CUPS)."""

    cause = "printer error"


class ProfileError(PrinterError):
    """A printer profile is missing or invalid."""


class FontNotFoundError(PrinterError):
    """No CJK TrueType font could be found for previews or PDFs."""


class PrinterPortError(PrinterDeviceError, PortLost):
    """The serial port could not be opened, or a write/read on it failed."""

    cause = "printer port failed"


class PrinterUnavailable(PrinterPortError, DeviceUnavailable):  # noqa: N818
    """The serial port cannot be opened (unplugged, wrong path, busy)."""

    cause = "printer not connected"


class PrinterWriteTimeoutError(PrinterPortError):
    """A write did not complete within the write timeout (handshake held too long)."""


class StatusError(PrinterDeviceError):
    """The printer's status answer was missing or malformed: a fault, never "paper OK"."""


class StatusTimeoutError(StatusError, DeviceTimeout):
    """No answer to ``DLE EOT n`` within the timeout (printer off, cable, wrong port)."""

    cause = "no answer"


class MalformedStatusError(StatusError, BadFrame):
    """An answer to ``DLE EOT n`` that is not shaped ``0xx1xx10``."""

    cause = "malformed answer"

    def __init__(self, request: int, value: int) -> None:
        super().__init__(f"malformed status answer 0x{value:02x} to DLE EOT {request}")
        self.request = request
        self.value = value


class PrinterNotReadyError(PrinterDeviceError):
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


class PrintError(PrinterDeviceError):
    """A job was sent but the status after it shows a fault (the slip may be incomplete)."""

    def __init__(self, message: str, status: object) -> None:
        super().__init__(message)
        self.status = status


class LpError(PrinterError):
    """Sending a PDF to CUPS with ``lp`` failed."""
