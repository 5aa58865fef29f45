"""The serial driver against a scripted port: exact bytes on the wire and typed errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import serial

from kiosk.devices.printer.driver import SerialPrinter
from printer.document import Cut, Document, Text
from printer.errors import (
    CoverOpenError,
    MalformedStatusError,
    PaperOutError,
    PrinterPortError,
    PrintError,
    PrinterWriteTimeoutError,
    StatusTimeoutError,
)
from printer.escpos.status import PaperState
from printer.profiles import load_profile

PROFILE = load_profile("generic-80")
STATUS_REQUESTS = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"
HEALTHY = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}


class ScriptedPort:
    """A port whose answers to DLE EOT n come from ``answer(n, jobs_seen)``."""

    def __init__(self, answer: Callable[[int, int], bytes]) -> None:
        self.timeout: float | None = 0.05
        self.written = bytearray()
        self.pending = bytearray()
        self.answer = answer
        self.data_writes = 0
        self.fail_writes_after: int | None = None
        self.closed = False

    def write(self, data: bytes, /) -> int:
        if self.fail_writes_after is not None and len(self.written) >= self.fail_writes_after:
            raise serial.SerialTimeoutException("Write timeout")
        self.written += data
        if data[:2] == b"\x10\x04" and len(data) == 3:
            self.pending += self.answer(data[2], self.data_writes)
        else:
            self.data_writes += 1
        return len(data)

    def read(self, size: int = 1, /) -> bytes:
        out = bytes(self.pending[:size])
        del self.pending[:size]
        return out

    def reset_input_buffer(self) -> None:
        self.pending.clear()

    def close(self) -> None:
        self.closed = True


def make_printer(port: ScriptedPort, **kwargs: Any) -> SerialPrinter:
    return SerialPrinter(
        "scripted://",
        PROFILE,
        status_timeout=0.05,
        busy_timeout=0.0,
        port_factory=lambda url, **kw: port,
        **kwargs,
    )


def healthy(n: int, jobs: int) -> bytes:
    return bytes((HEALTHY[n],))


def test_job_is_bracketed_by_status_requests() -> None:
    port = ScriptedPort(healthy)
    with make_printer(port, chunk_size=8) as printer:
        result = printer.print_bytes(b"hello\nworld\n\x1dV\x01")
    assert bytes(port.written) == (STATUS_REQUESTS + b"hello\nworld\n\x1dV\x01" + STATUS_REQUESTS)
    assert result.bytes_sent == 15
    assert result.status_after.paper is PaperState.OK
    assert port.closed


def test_progress_reports_every_chunk() -> None:
    seen: list[tuple[int, int]] = []
    port = ScriptedPort(healthy)
    with make_printer(port, chunk_size=4) as printer:
        printer.print_bytes(b"x" * 10, on_progress=lambda sent, total: seen.append((sent, total)))
    assert seen == [(0, 10), (4, 10), (8, 10), (10, 10)]


def test_document_is_encoded_for_the_profile() -> None:
    port = ScriptedPort(healthy)
    with make_printer(port) as printer:
        printer.print_document(Document((Text("测试"), Cut())))
    body = bytes(port.written)[len(STATUS_REQUESTS) : -len(STATUS_REQUESTS)]
    assert body == b"\x1b@\x1c&\xb2\xe2\xca\xd4\n\x1bd\x04\x1dV\x01"


def test_paper_out_refuses_before_sending_anything() -> None:
    port = ScriptedPort(lambda n, _: bytes(({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E}[n],)))
    with make_printer(port) as printer, pytest.raises(PaperOutError) as info:
        printer.print_bytes(b"never printed")
    assert bytes(port.written) == STATUS_REQUESTS
    assert "paper_out" in info.value.status.errors  # type: ignore[attr-defined]


def test_cover_open_refuses() -> None:
    port = ScriptedPort(lambda n, _: bytes(({1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}[n],)))
    with make_printer(port) as printer, pytest.raises(CoverOpenError):
        printer.print_bytes(b"x")


def test_paper_near_end_prints_and_reports() -> None:
    port = ScriptedPort(lambda n, _: bytes(({4: 0x1E}.get(n, 0x12),)))
    with make_printer(port) as printer:
        result = printer.print_bytes(b"x\n")
    assert result.status_before.paper is PaperState.NEAR_END
    assert b"x\n" in port.written


def test_fault_during_job_is_a_print_error() -> None:
    def answer(n: int, jobs: int) -> bytes:
        if jobs and n == 4:
            return b"\x7e"  # paper ran out while printing
        if jobs and n == 1:
            return b"\x1a"
        return b"\x12"

    port = ScriptedPort(answer)
    with make_printer(port) as printer, pytest.raises(PrintError, match="out of paper"):
        printer.print_bytes(b"long slip\n")


def test_silent_printer_is_a_timeout_not_paper_ok() -> None:
    port = ScriptedPort(lambda n, _: b"")
    with make_printer(port) as printer, pytest.raises(StatusTimeoutError, match="DLE EOT 1"):
        printer.read_status()


def test_malformed_answer_is_a_fault() -> None:
    port = ScriptedPort(lambda n, _: b"\x00" if n == 2 else b"\x12")
    with make_printer(port) as printer, pytest.raises(MalformedStatusError):
        printer.read_status()


def test_flow_control_bytes_between_answers_are_skipped() -> None:
    port = ScriptedPort(lambda n, _: b"\x13\x11\x12" if n == 3 else b"\x12")
    with make_printer(port) as printer:
        assert printer.read_status().ready


def test_write_timeout_is_typed() -> None:
    port = ScriptedPort(healthy)
    port.fail_writes_after = len(STATUS_REQUESTS)
    with make_printer(port) as printer, pytest.raises(PrinterWriteTimeoutError):
        printer.print_bytes(b"x" * 100)


def test_unopenable_port_is_typed(tmp_path: Any) -> None:
    printer = SerialPrinter(str(tmp_path / "no-such-tty"), PROFILE)
    with pytest.raises(PrinterPortError, match="cannot open"):
        printer.open()


def test_using_a_closed_printer_is_typed() -> None:
    with pytest.raises(PrinterPortError, match="not open"):
        SerialPrinter("loop://", PROFILE).read_status()


def test_loop_url_echo_is_malformed_status() -> None:
    # loop:// echoes the request back: 0x10 is not shaped 0xx1xx10, so it must be refused
    printer = SerialPrinter("loop://", PROFILE, status_timeout=0.1)
    with printer, pytest.raises(MalformedStatusError):
        printer.read_status()


def test_retract_extra_only_where_the_profile_has_it() -> None:
    from printer.errors import PrinterError

    port = ScriptedPort(healthy)
    with make_printer(port) as printer, pytest.raises(PrinterError, match="retract"):
        printer.send_extra("retract")
    kiosk = SerialPrinter("x", load_profile("snbc-kiosk"), port_factory=lambda url, **kw: port)
    with kiosk:
        kiosk.send_extra("retract")
    assert bytes(port.written).endswith(b"\x1de\x02")
