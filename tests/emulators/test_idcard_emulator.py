"""The ID card reader emulator: its own text encoder, card state machine, faults, CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from emulators.control import ControlServer, send_control
from emulators.idcard import Fault, IdCardEmulator, load_demo_cards, wire
from emulators.idcard.cards import DEMO_FILE, find_card
from emulators.ptylink import wire_time

ROOT = Path(__file__).resolve().parents[2]


def frame(cmd: int, para: int, data: bytes = b"") -> bytes:
    body = bytes([cmd, para]) + data
    head = (len(body) + 1).to_bytes(2, "big") + body
    return wire.PREAMBLE + head + bytes([wire.checksum(head)])


def ask(emu: IdCardEmulator, cmd: int, para: int) -> tuple[int, bytes]:
    """(SW3, data) of the emulator's answer to one command, without any transport."""
    buf = bytearray(frame(cmd, para))
    (request,) = wire.extract_requests(buf)
    raw, _ = emu.respond(request)
    assert raw[:5] == wire.PREAMBLE and len(raw) == 7 + int.from_bytes(raw[5:7], "big")
    assert wire.checksum(raw[5:-1]) == raw[-1]
    return raw[9], raw[10:-1]


FIND, SELECT, READ, READ_FP, SAM = (
    (0x20, 0x01),
    (0x20, 0x02),
    (0x30, 0x01),
    (0x30, 0x10),
    (0x11, 0xFF),
)


def u16(text: str) -> bytes:
    return text.encode("utf-16-le")


def test_demo_cards_are_the_nine_cardholders() -> None:
    cards = load_demo_cards()
    assert len(cards) == 9 == len(json.loads(DEMO_FILE.read_text())["cards"])
    kinds = {c.fields["card_type"] for c in cards}
    assert kinds == {"resident", "permit_hmt", "foreign_2017", "foreign_2023"}
    assert (
        find_card(cards, "13800138000").index == 0 and find_card(cards, 4).fields["name"] == "龚䶮"
    )
    with pytest.raises(KeyError):
        find_card(cards, "99")
    assert all(len(c.text) == 256 and len(c.photo) == 1024 for c in cards)


def test_text_blocks_follow_the_reference_offsets() -> None:
    cards = {c.fields["card_type"] + str(c.index): c.text for c in load_demo_cards()}
    resident = cards["resident0"]
    assert resident[0:6] == u16("张晓峰") and resident[6:8] == b" \x00"
    assert resident[30:32] == u16("1") and resident[32:36] == u16("01")
    assert resident[36:52] == u16("19680312") and resident[122:158] == u16("110105196803120314")
    assert resident[204:220] == u16("20360512") and resident[248:250] == u16(" ")
    assert cards["resident1"][204:208] == u16("长期") and cards["resident1"][208:220] == u16(
        "      "
    )
    assert cards["resident4"][0:4] == u16("龚䶮") == b"\x9a\x9f\xae\x4d"  # 䶮 is U+4DAE (Ext A)
    permit = cards["permit_hmt6"]
    assert permit[220:238] == u16("H60123456") and permit[238:242] == u16("01")
    assert permit[32:36] == u16("  ") and permit[248:250] == u16("J")
    f17 = cards["foreign_20177"]
    assert f17[0:38] == u16("SMITH, JOHN WILLIAM") and f17[120:122] == u16("1")
    assert f17[122:152] == u16("USA110079120112") and f17[152:158] == u16("USA")
    assert f17[158:164] == u16("史密斯") and f17[220:236] == u16("19791201")
    assert f17[236:240] == u16("01") and f17[240:248] == u16("1500") and f17[248:250] == u16("I")
    f23 = cards["foreign_20238"]
    assert f23[0:6] == u16("玛丽亚") and f23[32:36] == u16("00")
    assert f23[52:102] == u16("GARCIA LOPEZ, MARIA ELENA") and f23[242:248] == u16("ESP")
    assert f23[248:250] == u16("Y")


def test_card_state_machine() -> None:
    emu = IdCardEmulator()
    assert ask(emu, *SAM) == (0x90, b"")
    assert ask(emu, *FIND)[0] == 0x80
    assert ask(emu, *SELECT)[0] == 0x81
    emu.place("0")
    assert ask(emu, *READ)[0] == 0x41  # never found: no read
    assert ask(emu, *FIND) == (0x9F, bytes(4))
    assert ask(emu, *SELECT) == (0x90, bytes(8))
    sw3, data = ask(emu, *READ)
    card = emu.cards[0]
    assert sw3 == 0x90 and data == b"\x01\x00\x04\x00" + card.text + card.photo
    assert ask(emu, *FIND)[0] == 0x80  # halted until lifted
    assert ask(emu, *SELECT)[0] == 0x90  # but still physically in the field
    assert ask(emu, 0x10, 0xFF)[0] == 0x90  # a SAM reset powers the field down and up...
    assert ask(emu, *FIND)[0] == 0x9F  # ...and the card lying there is found again
    assert ask(emu, *READ)[0] == 0x90
    assert ask(emu, *FIND)[0] == 0x80
    emu.remove()
    assert ask(emu, *SELECT)[0] == 0x81
    emu.place("0")
    assert ask(emu, *FIND)[0] == 0x9F
    sw3, data = ask(emu, *READ_FP)
    assert sw3 == 0x90 and data[:6] == b"\x01\x00\x04\x00\x04\x00" and len(data) == 6 + 2304
    assert ask(emu, 0x12, 0xFF)[0] == 0x90 and len(ask(emu, 0x12, 0xFF)[1]) == 16
    assert ask(emu, 0x30, 0x03)[0] == 0x91
    assert ask(emu, 0x55, 0x55)[0] == 0x21


def test_content_faults() -> None:
    emu = IdCardEmulator()
    emu.place(1)
    emu.inject("sam_selftest_fail")
    emu.inject(Fault.NO_CARD)
    emu.inject("read_fail")
    assert ask(emu, *FIND)[0] == 0x80  # no_card hits find, not sam
    assert ask(emu, *SAM)[0] == 0x60
    assert ask(emu, *SAM)[0] == 0x90  # one-shot
    assert ask(emu, *FIND)[0] == 0x9F
    assert ask(emu, *READ)[0] == 0x41
    assert ask(emu, *FIND)[0] == 0x80  # a failed read also needs a lift
    with pytest.raises(ValueError):
        emu.inject("melt")


def test_transport_faults_shape_the_answer_bytes() -> None:
    emu = IdCardEmulator(slow_seconds=0.7)
    good = wire.answer(0x80)

    def raw_find() -> tuple[bytes, float]:
        buf = bytearray(frame(*FIND))
        return emu.respond(wire.extract_requests(buf)[0])

    emu.inject("bad_checksum")
    raw, _ = raw_find()
    assert raw[:-1] == good[:-1] and raw[-1] != good[-1]
    emu.inject("truncated")
    assert raw_find()[0] == good[: len(good) // 2]
    emu.inject("garbage")
    raw, _ = raw_find()
    assert len(raw) == len(good) and 0xAA not in raw
    emu.inject("noise")
    raw, _ = raw_find()
    assert raw.endswith(good) and len(raw) == len(good) + 13
    emu.inject("slow")
    assert raw_find() == (good, 0.7)
    emu.inject("bad_checksum", on="read")
    assert raw_find() == (good, 0.0)  # waits for its command
    emu.clear_faults()


def test_malformed_requests_get_error_status() -> None:
    buf = bytearray(b"\x01\x02" + frame(*FIND)[:-1] + b"\x00" + wire.PREAMBLE + b"\xff\xff")
    buf += frame(*SELECT)
    requests = wire.extract_requests(buf)
    assert [r.error_sw3 for r in requests] == [wire.SW_BAD_CHECKSUM, wire.SW_BAD_LENGTH, None]
    assert (requests[-1].cmd, requests[-1].para) == SELECT
    partial = bytearray(frame(*FIND)[:8])
    assert wire.extract_requests(partial) == [] and len(partial) == 8


def test_pty_answers_are_paced_at_the_baud_rate() -> None:
    with IdCardEmulator(latency=0.05, baudrate=115200) as emu:
        emu.place(0)
        with serial.serial_for_url(emu.port_path, baudrate=115200, timeout=2) as port:
            port.write(frame(*FIND))
            assert port.read(15)[9] == 0x9F
            started = time.monotonic()
            port.write(frame(*READ))
            answer = port.read(1295)
            elapsed = time.monotonic() - started
    assert len(answer) == 1295 and answer[9] == 0x90
    floor = wire_time(10 + 1295, 115200) + 0.05
    assert floor * 0.98 <= elapsed < floor + 0.1


def test_tcp_transport_serves_the_same_protocol() -> None:
    with IdCardEmulator(tcp_port=0) as emu:
        assert emu.tcp_address is not None
        host, port = emu.tcp_address
        with serial.serial_for_url(f"socket://{host}:{port}", timeout=2) as sock:
            sock.write(frame(*SAM))
            assert sock.read(11) == wire.answer(0x90)


def test_control_handlers_over_the_channel() -> None:
    emu = IdCardEmulator()
    with ControlServer(emu.control_handlers()) as server:
        host, port = server.address
        listing = send_control(host, port, {"cmd": "list"})
        assert listing["ok"] and len(listing["cards"]) == 9 and listing["placed"] is None
        assert listing["cards"][0] == {
            "key": "0",
            "phone": "13800138000",
            "card_type": "resident",
            "name": "张晓峰",
        }
        assert send_control(host, port, {"cmd": "place", "card": "13912345678"}) == {
            "ok": True,
            "placed": "1",
        }
        assert emu.placed is not None and emu.placed.index == 1
        assert send_control(host, port, {"cmd": "place", "card": "x"})["ok"] is False
        assert send_control(host, port, {"cmd": "fault", "name": "read_fail"}) == {"ok": True}
        bad = send_control(host, port, {"cmd": "fault", "name": "melt"})
        assert bad["ok"] is False and "bad_checksum" in bad["error"]
        assert send_control(host, port, {"cmd": "clear"}) == {"ok": True}
        assert send_control(host, port, {"cmd": "remove"}) == {"ok": True, "placed": None}
        status = send_control(host, port, {"cmd": "status"})
        assert status["device"] == "idcard" and status["placed"] is None


@pytest.fixture
def emulator_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    link = tmp_path / "reader"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "emulators", "idcard", "--link", str(link), "--card", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline().strip(), proc.stdout.readline().strip()]
    try:
        yield proc, lines
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        proc.stdout.close()


def test_cli_prints_link_and_control_then_serves(
    emulator_process: tuple[subprocess.Popen[str], list[str]], tmp_path: Path
) -> None:
    proc, (first, second) = emulator_process
    assert first == str(tmp_path / "reader") and Path(first).is_symlink()
    assert second.startswith("control: 127.0.0.1:")
    host, port = second.split()[1].split(":")
    assert send_control(host, int(port), {"cmd": "status"})["placed"] == "2"
    with serial.serial_for_url(first, timeout=2) as port_:
        port_.write(frame(*FIND))
        assert port_.read(15)[9] == 0x9F
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert not Path(first).exists()


def test_dispatcher_usage() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "emulators"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 2 and "idcard" in out.stdout
    out = subprocess.run(
        [sys.executable, "-m", "emulators", "idcard", "--card", "42"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2 and "no demo card" in out.stdout


def test_custom_cards_from_records() -> None:
    record = {**json.loads(DEMO_FILE.read_text())["cards"][0], "name": "王𪚥", "phone": "1"}
    emu = IdCardEmulator(cards=[record])
    emu.place("1")
    assert ask(emu, *FIND)[0] == 0x9F
    sw3, data = ask(emu, *READ)
    assert sw3 == 0x90 and data[4:10] == u16("王𪚥") and data[10:12] == u16(" ")
