"""The printer emulator over a real pty, driven by the real serial driver."""

from __future__ import annotations

import dataclasses
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from emulators.control import send_control
from emulators.printer.emulator import PrinterEmulator
from emulators.printer.state import Answering, Paper
from kiosk.devices.printer.driver import SerialPrinter
from printer.document import Align, Cut, Document, KeyValue, QrCode, Text
from printer.errors import (
    CoverOpenError,
    MalformedStatusError,
    PaperOutError,
    PrinterOfflineError,
    PrintError,
    StatusTimeoutError,
)
from printer.escpos.decoder import decode
from printer.escpos.status import PaperState
from printer.layout import layout
from printer.profiles import FlowControl, load_profile

PROFILE = load_profile("generic-80")


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    with PrinterEmulator(tmp_path / "out", baudrate=115200) as emu:
        yield emu


def _slip(lines: int) -> Document:
    rows = tuple(Text(f"第{i:03d}行 通话 本地 3分25秒 0.60 详单测试") for i in range(lines))
    return Document((Text("客户详单", Align.CENTER), *rows, Cut()))


def test_receipt_saved_as_bin_txt_png(emulator: PrinterEmulator) -> None:
    doc = Document(
        (Text("自助缴费凭据", Align.CENTER), KeyValue("交易金额", "¥99.99"), QrCode("T1"), Cut())
    )
    with SerialPrinter(str(emulator.port_path), PROFILE) as printer:
        printer.print_document(doc)
        printer.print_document(_slip(3))
    first, second = emulator.wait_for_receipts(2)
    assert first.bin_path.name.startswith("0001-") and second.bin_path.name.startswith("0002-")
    assert decode(first.bin_path.read_bytes(), PROFILE) == layout(doc, PROFILE)
    text = first.txt_path.read_text(encoding="utf-8")
    assert "自助缴费凭据" in text and "￥99.99" in text and "[QR T1]" in text
    assert Image.open(io.BytesIO(first.png_path.read_bytes())).width >= PROFILE.dots_per_line
    assert "第002行" in second.text
    assert not first.overflow


def test_numbering_continues_in_an_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "r"
    out.mkdir()
    (out / "0007-20260101T000000.bin").write_bytes(b"")
    with PrinterEmulator(out) as emu, SerialPrinter(str(emu.port_path), PROFILE) as printer:
        printer.print_document(_slip(1))
        (receipt,) = emu.wait_for_receipts(1)
    assert receipt.bin_path.name.startswith("0008-")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"paper": Paper.OUT}, PaperOutError),
        ({"cover_open": True}, CoverOpenError),
        ({"offline": True}, PrinterOfflineError),
    ],
)
def test_conditions_refuse_jobs(
    emulator: PrinterEmulator, change: dict[str, object], error: type[Exception]
) -> None:
    emulator.state.update(**change)
    with SerialPrinter(str(emulator.port_path), PROFILE) as printer, pytest.raises(error):
        printer.print_document(_slip(1))
    assert emulator.received_bytes == 12  # only the four status requests


def test_near_end_is_reported_and_prints(emulator: PrinterEmulator) -> None:
    emulator.set_paper("near_end")
    with SerialPrinter(str(emulator.port_path), PROFILE) as printer:
        assert printer.read_status().paper is PaperState.NEAR_END
        printer.print_document(_slip(2))
    assert len(emulator.wait_for_receipts(1)) == 1


def test_silent_and_garbled_status(emulator: PrinterEmulator) -> None:
    with SerialPrinter(str(emulator.port_path), PROFILE, status_timeout=0.2) as printer:
        emulator.set_answering(Answering.SILENT)
        with pytest.raises(StatusTimeoutError):
            printer.read_status()
        emulator.set_answering(Answering.GARBLED)
        with pytest.raises(MalformedStatusError):
            printer.read_status()
        emulator.set_answering(Answering.NORMAL)
        assert printer.read_status().ready


def test_control_channel_changes_state_and_lists_receipts(emulator: PrinterEmulator) -> None:
    host, port = emulator.start_control()
    assert send_control(host, port, {"cmd": "paper", "state": "out"})["state"]["paper"] == "out"
    with SerialPrinter(str(emulator.port_path), PROFILE) as printer:
        with pytest.raises(PaperOutError):
            printer.print_document(_slip(1))
        assert send_control(host, port, {"cmd": "cover", "open": True})["ok"]
        with pytest.raises(CoverOpenError):
            printer.read_status().raise_if_not_ready()
        assert send_control(host, port, {"cmd": "reset"})["state"]["can_print"]
        printer.print_document(_slip(1))
    emulator.wait_for_receipts(1)
    listed = send_control(host, port, {"cmd": "list_receipts"})["receipts"]
    assert len(listed) == 1 and listed[0]["txt"].endswith(".txt")
    bad = send_control(host, port, {"cmd": "paper", "state": "wet"})
    assert not bad["ok"] and "near_end" in bad["error"]


def test_paper_running_out_mid_job_is_a_print_error(tmp_path: Path) -> None:
    with PrinterEmulator(tmp_path, paper_lines=20) as emu:
        printer = SerialPrinter(str(emu.port_path), PROFILE, busy_timeout=0.5)
        with printer, pytest.raises(PrintError, match="paper"):
            printer.print_document(_slip(40))
        assert emu.state.condition.paper is Paper.OUT


def _print_through_slow_mechanism(tmp_path: Path, flow: FlowControl) -> PrinterEmulator:
    profile = dataclasses.replace(PROFILE, flow_control=flow)
    emu = PrinterEmulator(tmp_path, baudrate=115200, print_rate=5000, buffer_size=1024)
    with emu, SerialPrinter(str(emu.port_path), profile) as printer:
        printer.print_document(_slip(60))
        emu.wait_idle()
    return emu


@pytest.mark.parametrize("flow", [FlowControl.XONXOFF, FlowControl.RTSCTS])
def test_flow_control_keeps_a_long_slip_intact(tmp_path: Path, flow: FlowControl) -> None:
    emu = _print_through_slow_mechanism(tmp_path, flow)
    (receipt,) = emu.receipts()
    assert emu.overflow_bytes == 0 and not receipt.overflow
    assert decode(receipt.bin_path.read_bytes(), PROFILE) == layout(_slip(60), PROFILE)


def test_without_flow_control_the_buffer_overflows(tmp_path: Path) -> None:
    emu = _print_through_slow_mechanism(tmp_path, FlowControl.NONE)
    assert emu.overflow_bytes > 0
    # the lost bytes may include the cut; whatever was cut is flagged and is not the slip
    for receipt in emu.receipts():
        assert receipt.overflow
        assert decode(receipt.bin_path.read_bytes(), PROFILE) != layout(_slip(60), PROFILE)


def test_wire_is_paced_at_the_baud_rate(tmp_path: Path) -> None:
    data = b"\x1b@" + b"0123456789" * 200 + b"\n\x1dV\x01"
    with (
        PrinterEmulator(tmp_path, baudrate=38400) as emu,
        SerialPrinter(str(emu.port_path), PROFILE, baudrate=38400) as printer,
    ):
        started = time.monotonic()
        printer.print_bytes(data)
        elapsed = time.monotonic() - started
    wire = (len(data) + 24) * 10 / 38400
    assert wire * 0.95 <= elapsed <= wire * 1.5 + 0.2


def test_unplugged_printer_is_a_typed_fault_and_replug_recovers(tmp_path: Path) -> None:
    from printer.errors import PrinterPortError, StatusError

    with PrinterEmulator(tmp_path) as emu:
        printer = SerialPrinter(str(emu.port_path), PROFILE, status_timeout=0.2)
        with printer:
            assert printer.read_status().ready
            emu.unplug()
            with pytest.raises((PrinterPortError, StatusError)):
                printer.read_status()
        emu.replug()
        with SerialPrinter(str(emu.port_path), PROFILE) as again:
            again.print_document(_slip(1))
        assert len(emu.wait_for_receipts(1)) == 1


def test_saved_bin_renders_back_for_the_admin_view(emulator: PrinterEmulator) -> None:
    from printer.preview import render_bytes

    with SerialPrinter(str(emulator.port_path), PROFILE) as printer:
        printer.print_document(_slip(2))
    (receipt,) = emulator.wait_for_receipts(1)
    text, png = render_bytes(receipt.bin_path.read_bytes(), PROFILE)
    assert text == receipt.txt_path.read_text(encoding="utf-8")
    assert png == receipt.png_path.read_bytes()


def test_handshake_held_by_a_stopped_printer_is_a_write_timeout(tmp_path: Path) -> None:
    from printer.errors import PrinterWriteTimeoutError

    # the roll runs out after 5 lines: the mechanism stops, the buffer fills, XOFF stays
    with PrinterEmulator(tmp_path, buffer_size=1024, paper_lines=5) as emu:
        printer = SerialPrinter(str(emu.port_path), PROFILE, write_timeout=0.5)
        data = b"\x1b@" + (b"x" * 47 + b"\n") * 4000
        with printer, pytest.raises(PrinterWriteTimeoutError):
            printer.print_bytes(data)
        assert emu.state.condition.paper is Paper.OUT
        assert emu.overflow_bytes == 0 and emu.received_bytes < len(data) // 10
