"""The receipt printer (ESC/POS on a serial port): driver, receipt printer and its own thread.

Public API (import from here)::

    from kiosk.devices.printer import SerialReceiptPrinter, PrinterWorker
    worker = PrinterWorker(SerialReceiptPrinter("/dev/ttyUSB0", "generic-80"))
    slip = worker.printer.prepare(document, keep_copy=True)   # pure layout, any thread
    worker.print_slip(slip).result()                          # JobResult, or a typed error

The pure ESC/POS layer (documents, layout, encoding, status bytes, previews) stays in the
``printer`` package. Failures are :class:`printer.errors.PrinterError`; the printer's own
(link, status, not ready) are also :class:`common.device_errors.DeviceError`. Exports resolve
on first use (PEP 562), so importing ``.slips`` from a screen does not pull in pyserial.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.devices.lazy import lazy_exports

if TYPE_CHECKING:
    from kiosk.devices.printer.driver import JobResult, SerialPort, SerialPrinter
    from kiosk.devices.printer.receipt_printer import ReceiptPrinter, SerialReceiptPrinter
    from kiosk.devices.printer.slips import PreparedSlip, PrintedCopy, PrintState, slip_length_mm
    from kiosk.devices.printer.worker import PrinterWorker

_EXPORTS: dict[str, str] = {
    "JobResult": "kiosk.devices.printer.driver",
    "PreparedSlip": "kiosk.devices.printer.slips",
    "PrintState": "kiosk.devices.printer.slips",
    "PrintedCopy": "kiosk.devices.printer.slips",
    "PrinterWorker": "kiosk.devices.printer.worker",
    "ReceiptPrinter": "kiosk.devices.printer.receipt_printer",
    "SerialPort": "kiosk.devices.printer.driver",
    "SerialPrinter": "kiosk.devices.printer.driver",
    "SerialReceiptPrinter": "kiosk.devices.printer.receipt_printer",
    "slip_length_mm": "kiosk.devices.printer.slips",
}


__getattr__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "JobResult",
    "PreparedSlip",
    "PrintState",
    "PrintedCopy",
    "PrinterWorker",
    "ReceiptPrinter",
    "SerialPort",
    "SerialPrinter",
    "SerialReceiptPrinter",
    "slip_length_mm",
]
