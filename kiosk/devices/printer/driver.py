"""Serial ESC/POS printer driver: plain blocking Python, one instance per physical printer.

It runs on the printer's own thread (:mod:`kiosk.devices.printer.worker`). Every job is
bracketed by ``DLE EOT 1..4``: before (refuse to print on paper out, cover open, cutter
error, offline) and after (a fault raised while printing is reported as
:class:`~printer.errors.PrintError`). A silent or malformed answer raises
:class:`~printer.errors.StatusError`, never "paper OK".

The port is the shared :class:`~kiosk.devices.serial_link.SerialLink` (``/dev/ttyUSB0``, an
emulator's pty, ``socket://`` and ``loop://`` all work); flow control (RTS/CTS or XON/XOFF)
comes from the profile and a write timeout guards against a handshake that never releases.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import serial

from kiosk.devices.serial_link import PORT_ERRORS, PortFactory, SerialLink, open_with_pyserial
from printer.document import Document
from printer.errors import (
    PrinterError,
    PrinterPortError,
    PrintError,
    PrinterUnavailable,
    PrinterWriteTimeoutError,
    StatusTimeoutError,
)
from printer.escpos import commands as cmd
from printer.escpos.encoder import encode_items
from printer.escpos.status import PrinterStatus, parse_status
from printer.layout import PrintedItem, layout
from printer.profiles import FlowControl, PrinterProfile

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


class SerialPort(Protocol):
    """The part of ``serial.Serial`` the driver uses (lets tests pass a scripted port)."""

    timeout: float | None

    def write(self, data: bytes, /) -> int | None: ...

    def read(self, size: int = 1, /) -> bytes: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class JobResult:
    """What one print job did."""

    bytes_sent: int
    seconds: float
    status_before: PrinterStatus
    status_after: PrinterStatus


class SerialPrinter(SerialLink):
    """An ESC/POS printer on a serial URL, driven with a :class:`PrinterProfile`.

    Use as a context manager (``with SerialPrinter(url, profile) as p: p.print_document(d)``)
    or call :meth:`open` / :meth:`close`. ``port_factory`` returns a :class:`SerialPort`.
    """

    unavailable: ClassVar[type[PrinterUnavailable]] = PrinterUnavailable
    label: ClassVar[str] = "printer"

    def __init__(
        self,
        url: str,
        profile: PrinterProfile,
        *,
        baudrate: int | None = None,
        status_timeout: float = 1.0,
        write_timeout: float = 10.0,
        chunk_size: int = 1024,
        busy_timeout: float = 5.0,
        port_factory: PortFactory = open_with_pyserial,
    ) -> None:
        super().__init__(url, baudrate or profile.baudrate, port_factory=port_factory)
        self.profile = profile
        self.status_timeout = status_timeout
        self.write_timeout = write_timeout
        self.chunk_size = chunk_size
        self.busy_timeout = busy_timeout
        # when the bytes written so far will have crossed the wire (status answers queue behind)
        self._wire_free_at = 0.0

    def port_options(self) -> dict[str, Any]:
        """The profile's flow control and a write timeout against a handshake held forever."""
        flow = self.profile.flow_control
        return {
            "rtscts": flow is FlowControl.RTSCTS,
            "xonxoff": flow is FlowControl.XONXOFF,
            "timeout": 0.05,
            "write_timeout": self.write_timeout,
        }

    def _require_port(self) -> SerialPort:
        port: SerialPort | None = self._port
        if port is None:
            raise PrinterPortError("printer port is not open")
        return port

    # -- status ------------------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        port = self._require_port()
        now = time.monotonic()
        self._wire_free_at = max(self._wire_free_at, now) + len(data) * 10 / self.baudrate
        try:
            port.write(data)
        except serial.SerialTimeoutException as exc:
            raise PrinterWriteTimeoutError(
                f"write timed out after {self.write_timeout:.1f} s (handshake held)"
            ) from exc
        except PORT_ERRORS as exc:
            raise PrinterPortError(f"write to printer failed: {exc}") from exc

    def _read_answer(self, request: int, timeout: float) -> int:
        port = self._require_port()
        deadline = time.monotonic() + timeout
        while True:
            try:
                data = port.read(1)
            except PORT_ERRORS as exc:
                raise PrinterPortError(f"read from printer failed: {exc}") from exc
            if data:
                value = data[0]
                if value in (cmd.XON, cmd.XOFF):
                    continue  # flow-control bytes may arrive between answers
                return value
            if time.monotonic() >= deadline:
                raise StatusTimeoutError(
                    f"printer did not answer DLE EOT {request} within {timeout:.2f} s"
                )

    def _queued_seconds(self) -> float:
        """Wire time still needed by bytes already written (the answer waits behind them)."""
        return max(0.0, self._wire_free_at - time.monotonic())

    def read_status(self, extra_timeout: float = 0.0) -> PrinterStatus:
        """Send ``DLE EOT 1..4`` and decode the answers; raises :class:`StatusError` subtypes.

        Each answer may take ``status_timeout`` plus the wire time of data still queued ahead
        of the request, plus ``extra_timeout``.
        """
        port = self._require_port()
        try:
            port.reset_input_buffer()  # stale automatic-status bytes would shift the answers
        except PORT_ERRORS as exc:
            raise PrinterPortError(f"printer port failed: {exc}") from exc
        answers = bytearray()
        for request in (1, 2, 3, 4):
            self._write(cmd.status_request(request))
            timeout = self.status_timeout + self._queued_seconds() + extra_timeout
            answers.append(self._read_answer(request, timeout))
        status = parse_status(bytes(answers))
        log.debug("printer status %s", status.errors or "ok")
        return status

    # -- printing ----------------------------------------------------------------------------
    def print_bytes(self, data: bytes, on_progress: ProgressCallback | None = None) -> JobResult:
        """Print raw ESC/POS ``data`` with status checks before and after.

        Raises a :class:`~printer.errors.PrinterNotReadyError` subtype before sending when the
        printer cannot print, :class:`PrintError` when the status after the job shows a fault,
        and :class:`StatusError` / :class:`PrinterPortError` on link faults.
        """
        started = time.monotonic()
        before = self.read_status()
        before.raise_if_not_ready()
        total = len(data)
        sent = 0
        if on_progress is not None:
            on_progress(0, total)
        while sent < total:
            chunk = data[sent : sent + self.chunk_size]
            self._write(chunk)
            sent += len(chunk)
            if on_progress is not None:
                on_progress(sent, total)
        # a printer holding XOFF while its buffer drains delays the answer: allow for it
        after = self.read_status(extra_timeout=self.busy_timeout)
        error = after.blocking_error()
        if error is not None:
            raise PrintError(f"printer fault after the job: {error}", after)
        seconds = time.monotonic() - started
        log.info("printed %d bytes in %.2f s (%s)", total, seconds, after.paper.value)
        return JobResult(total, seconds, before, after)

    def print_items(
        self, items: Sequence[PrintedItem], on_progress: ProgressCallback | None = None
    ) -> JobResult:
        """Encode laid-out items for this printer's profile and print them."""
        return self.print_bytes(encode_items(items, self.profile), on_progress)

    def print_document(
        self, document: Document, on_progress: ProgressCallback | None = None
    ) -> JobResult:
        """Lay out, encode and print a document."""
        return self.print_items(layout(document, self.profile), on_progress)

    def send_extra(self, name: str) -> None:
        """Send a profile extra (e.g. ``retract`` an untaken slip); error if the model lacks it."""
        sequence = self.profile.extras.get(name)
        if sequence is None:
            raise PrinterError(f"profile {self.profile.name} has no {name!r} command")
        self._write(sequence)
