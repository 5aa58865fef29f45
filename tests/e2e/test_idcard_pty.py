"""End to end over a real pty: kiosk driver + poller against the emulator process or thread.

Nothing of ours is mocked: the emulator encodes the cards with its own encoder, the kiosk
decodes them with its own codec, and the pty carries the bytes at 115200 bit/s.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulators.idcard import IdCardEmulator
from emulators.idcard.cards import DEMO_FILE
from kiosk.cli import build_parser
from kiosk.devices.idcard import (
    CardEvent,
    CardEventKind,
    CardPoller,
    ChecksumError,
    NoAnswer,
    ReaderDisconnected,
    ReaderUnavailable,
    ReadFailed,
    SamFailure,
    SerialCardReader,
)

K = CardEventKind
ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["cards"]
NATION_NAMES = {"01": "汉", "03": "回", "05": "维吾尔", "": ""}  # the codes the demo uses


def expected_json(rec: dict[str, Any]) -> dict[str, Any]:
    """What ``IdCard.to_json_dict`` must give for one cardholders.json record."""

    def day(text: str) -> str:
        return text if text == "长期" else dt.datetime.strptime(text, "%Y%m%d").date().isoformat()

    out = {
        "card_type": rec["card_type"],
        "name": rec["name"],
        "sex": {1: "男", 2: "女"}[rec["sex"]],
        "nation": NATION_NAMES[rec.get("nation", "")],
        "birth_date": day(rec["birth_date"]),
        "address": rec.get("address", ""),
        "id_number": rec["id_number"],
        "authority": rec.get("authority", ""),
        "valid_from": day(rec["valid_from"]),
        "valid_to": day(rec["valid_to"]),
    }
    optional = {
        "english_name": rec.get("english_name"),
        "nationality": rec.get("nationality"),
        "pass_number": rec.get("pass_number"),
        "issue_count": rec.get("issue_count") or rec.get("renewal_count"),
        "card_version": rec.get("card_version"),
    }
    out.update({k: v for k, v in optional.items() if v})
    return out


@pytest.fixture
def emulator() -> Iterator[IdCardEmulator]:
    with IdCardEmulator(slow_seconds=0.45) as emu:
        yield emu


class Events:
    def __init__(self) -> None:
        self.items: list[CardEvent] = []
        self.cond = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self.cond:
            self.items.append(event)
            self.cond.notify_all()

    def wait_for(self, kind: CardEventKind, count: int = 1, timeout: float = 8.0) -> CardEvent:
        with self.cond:
            ok = self.cond.wait_for(
                lambda: sum(e.kind is kind for e in self.items) >= count, timeout
            )
            assert ok, f"no {kind.value} x{count}: {[e.kind.value for e in self.items]}"
            return [e for e in self.items if e.kind is kind][count - 1]

    def kinds(self) -> list[CardEventKind]:
        with self.cond:
            return [e.kind for e in self.items]


def test_all_nine_demo_cards_decode_to_their_json_records(emulator: IdCardEmulator) -> None:
    with SerialCardReader(emulator.port_path, timeout=2.0) as reader:
        for index, record in enumerate(DEMO):
            emulator.place(index)
            assert reader.find_card()
            reader.select_card()
            card = reader.read_card()
            assert card.to_json_dict() == expected_json(record), record["name"]
            assert card.photo == emulator.cards[index].photo
            assert reader.find_card() is False  # lift before the next read


@pytest.mark.allow_log_warnings
def test_poller_place_remove_unplug_replug(emulator: IdCardEmulator) -> None:
    events = Events()
    poller = CardPoller(
        lambda: SerialCardReader(emulator.port_path, timeout=1.0), events, backoff=(0.1, 0.3)
    )
    with poller:
        events.wait_for(K.READER_READY)
        emulator.place("13800138000")
        first = events.wait_for(K.CARD_READ)
        assert first.card is not None and first.card.name == "张晓峰"
        emulator.remove()
        events.wait_for(K.CARD_REMOVED)
        emulator.unplug()
        lost = events.wait_for(K.READER_LOST)
        assert isinstance(lost.error, (ReaderDisconnected, ReaderUnavailable))
        emulator.place(4)
        emulator.replug()
        events.wait_for(K.READER_READY, 2)
        second = events.wait_for(K.CARD_READ, 2)
        assert second.card is not None and second.card.name == "龚䶮"
    assert events.kinds() == [
        K.READER_READY,
        K.CARD_PRESENT,
        K.CARD_READ,
        K.CARD_REMOVED,
        K.READER_LOST,
        K.READER_READY,
        K.CARD_PRESENT,
        K.CARD_READ,
    ]


def test_poller_reports_read_faults_and_recovers(emulator: IdCardEmulator) -> None:
    events = Events()
    emulator.inject("read_fail")
    emulator.place(6)
    with CardPoller(lambda: SerialCardReader(emulator.port_path, timeout=1.0), events):
        failed = events.wait_for(K.READ_FAILED)
        assert isinstance(failed.error, ReadFailed) and failed.error.sw3 == 0x41
        emulator.remove()
        events.wait_for(K.CARD_REMOVED)
        emulator.inject("bad_checksum", on="read")
        emulator.place(6)
        failed = events.wait_for(K.READ_FAILED, 2)
        assert isinstance(failed.error, ChecksumError)
        emulator.remove()
        events.wait_for(K.CARD_REMOVED, 2)
        emulator.inject("noise", on="read")
        emulator.place(6)
        read = events.wait_for(K.CARD_READ)  # the noise before the answer is skipped
        assert read.card is not None and read.card.pass_number == "H60123456"


def test_late_answer_is_a_timeout_and_never_answers_the_next_command(
    emulator: IdCardEmulator,
) -> None:
    emulator.place(0)
    with SerialCardReader(emulator.port_path, timeout=0.3) as reader:
        emulator.inject("slow", on="find")
        with pytest.raises(NoAnswer):
            reader.find_card()  # its 9F arrives ~0.15 s after we gave up
        emulator.remove()
        assert reader.find_card() is False  # the late 9F was swallowed, not taken for this one


def test_sam_failure_at_open(emulator: IdCardEmulator) -> None:
    emulator.inject("sam_selftest_fail")
    with pytest.raises(SamFailure):
        SerialCardReader(emulator.port_path, timeout=1.0).open()


def test_full_cycle_over_tcp_socket_url() -> None:
    with IdCardEmulator(tcp_port=0) as emu:
        emu.place(8)
        assert emu.tcp_address is not None
        host, port = emu.tcp_address
        with SerialCardReader(f"socket://{host}:{port}", timeout=2.0) as reader:
            assert reader.find_card()
            reader.select_card()
            assert reader.read_card().english_name == "GARCIA LOPEZ, MARIA ELENA"


# -- the technician CLI ----------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["idcard", "read", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_one_json_object(
    emulator: IdCardEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.place(4)
    code, out, err = run_cli(capsys, "--port", emulator.port_path, "--json", "--timeout", "3")
    assert code == 0, err
    assert json.loads(out) == expected_json(DEMO[4])


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        ({"fault": "sam_selftest_fail"}, 1, "error: SAM failure: SAM status: SW3 60"),
        ({"fault": "bad_checksum", "count": 5}, 1, "error: checksum error"),
        ({}, 3, "error: no card placed within 1 s"),
        ({"unplug": True}, 1, "error: reader not connected"),
    ],
)
def test_cli_failures_name_the_cause(
    emulator: IdCardEmulator,
    capsys: pytest.CaptureFixture[str],
    setup: dict[str, Any],
    code: int,
    message: str,
) -> None:
    if "fault" in setup:
        emulator.inject(setup["fault"], setup.get("count", 1))
    if setup.get("unplug"):
        emulator.unplug()
    got, out, err = run_cli(capsys, "--port", emulator.port_path, "--json", "--timeout", "1")
    assert got == code
    assert err.startswith(message) and err.count("\n") == 1, err
    # --json: the same line as one JSON object, as every device command does (device_cli)
    assert json.loads(out) == {"ok": False, "error": err.removeprefix("error: ").rstrip("\n")}


def test_cli_no_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from emulators.ptylink import PtyLink

    with PtyLink(tmp_path / "mute") as mute:  # a port where nothing ever answers
        code, _, err = run_cli(capsys, "--port", str(mute.link_path), "--timeout", "0.5")
    assert code == 1 and err.startswith("error: no answer from the reader")


def test_cli_as_a_real_process(emulator: IdCardEmulator) -> None:
    emulator.place(1)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "idcard", "read", "--port", emulator.port_path, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_json(DEMO[1])
    assert "李秀英" not in done.stderr and "110108195211020429" not in done.stderr  # logs


def test_bench_lower_bound_counts_the_real_answer_sizes() -> None:
    from bench import bench_idcard
    from emulators.idcard import wire

    emu = IdCardEmulator()
    emu.place(bench_idcard.CARD)
    sizes = {}
    for name, (cmd, para) in {
        "find": (0x20, 0x01),
        "select": (0x20, 0x02),
        "read": (0x30, 0x01),
    }.items():
        body = bytes([cmd, para])
        head = (len(body) + 1).to_bytes(2, "big") + body
        request = wire.PREAMBLE + head + bytes([wire.checksum(head)])
        assert len(request) == bench_idcard.REQUEST_BYTES
        (parsed,) = wire.extract_requests(bytearray(request))
        sizes[name] = len(emu.respond(parsed)[0])
    assert sizes == bench_idcard.ANSWER_BYTES
    wire_ms, bound_ms = bench_idcard.lower_bound_ms()
    assert round(wire_ms, 1) == 118.0 and bound_ms > wire_ms


def test_extension_b_name_survives_the_whole_path() -> None:
    record = {**DEMO[0], "name": "王𪚥𠀀", "phone": "x"}
    with (
        IdCardEmulator(cards=[record]) as emu,
        SerialCardReader(emu.port_path, timeout=2.0) as reader,
    ):
        emu.place("x")
        assert reader.find_card()
        reader.select_card()
        assert reader.read_card().name == "王𪚥𠀀"
