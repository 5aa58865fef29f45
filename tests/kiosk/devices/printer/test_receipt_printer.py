"""SerialReceiptPrinter against a scripted port: the kept copies can be read while a job holds
the wire (the admin screen reads them on the GUI thread)."""

from __future__ import annotations

import threading
import time

from common.hall_time import HALL_TZ
from kiosk.devices.printer import PrinterWorker, SerialReceiptPrinter
from printer.document import Cut, Document, Text

HEALTHY = b"\x12"


class HeldPort:
    """Answers every DLE EOT with "ready"; a data write blocks until ``release`` is set."""

    def __init__(self) -> None:
        self.timeout: float | None = 0.05
        self.pending = bytearray()
        self.writing = threading.Event()
        self.release = threading.Event()

    def write(self, data: bytes, /) -> int:
        if data[:2] == b"\x10\x04" and len(data) == 3:
            self.pending += HEALTHY
        else:
            self.writing.set()
            assert self.release.wait(10), "the test never released the port"
        return len(data)

    def read(self, size: int = 1, /) -> bytes:
        out = bytes(self.pending[:size])
        del self.pending[:size]
        return out

    def reset_input_buffer(self) -> None:
        self.pending.clear()

    def close(self) -> None:
        pass


def test_history_never_waits_for_a_job_on_the_wire() -> None:
    port = HeldPort()
    printer = SerialReceiptPrinter("held://", "generic-80", port_factory=lambda url, **kw: port)
    worker = PrinterWorker(printer)
    try:
        first = printer.prepare(Document((Text("凭条一"), Cut()), "凭条一"), keep_copy=True)
        assert worker.print_slip(first) is not None
        port.release.set()
        assert worker.wait_idle(5)
        port.release.clear()
        port.writing.clear()
        second = printer.prepare(Document((Text("凭条二"), Cut()), "凭条二"), keep_copy=True)
        job = worker.print_slip(second)
        assert port.writing.wait(5)
        started = time.perf_counter()
        kept = printer.history()  # while the second slip holds the wire
        waited = time.perf_counter() - started
        assert [copy.title for copy in kept] == ["凭条一"] and waited < 0.05
        assert not job.done()
        port.release.set()
        job.result(timeout=5)
        assert [copy.title for copy in printer.history()] == ["凭条二", "凭条一"]
        # Kept in hall time (the staff list and the slips say hall time, whatever the host's zone).
        assert all(c.printed_at.utcoffset() == HALL_TZ.utcoffset(None) for c in printer.history())
    finally:
        port.release.set()
        worker.stop()
