"""SerialBanknoteAcceptor against the emulated bill validator on a pty (9600 baud, paced)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from emulators.cash import BillValidatorEmulator
from emulators.ptylink import PtyLink
from kiosk.cli import main as kiosk_main
from kiosk.devices.cash import (
    AcceptorPoller,
    ChecksumError,
    ChecksumMode,
    EventCounter,
    EventKind,
    EventRead,
    FrameError,
    LinkEvent,
    LinkKind,
    NoReply,
    NotABillValidator,
    RouteFailed,
    SerialBanknoteAcceptor,
)


@pytest.fixture
def emulator() -> Iterator[BillValidatorEmulator]:
    with BillValidatorEmulator(transport_s=0.0) as emu:
        yield emu


def test_exact_bytes_on_the_wire() -> None:
    """The driver's first bytes are a simple poll to address 40, byte for byte."""
    with PtyLink() as link:
        seen: list[bytes] = []

        def device() -> None:
            data = link.read(timeout=2.0)
            seen.append(data)
            link.write(bytes.fromhex("01 00 28 00 D7"), baudrate=9600)  # ACK
            seen.append(link.read(timeout=2.0))
            link.write(bytes.fromhex("01 0E 28 00") + b"Bill Validator" + b"\x00", baudrate=9600)

        thread = threading.Thread(target=device)
        thread.start()
        acceptor = SerialBanknoteAcceptor(str(link.link_path), timeout=1.0)
        with pytest.raises(ChecksumError):  # the category reply's last byte is not its checksum
            acceptor.open()
        thread.join(5)
        assert seen == [bytes.fromhex("28 00 01 FE D9"), bytes.fromhex("28 00 01 F5 E2")]
        assert not acceptor.is_open


@pytest.mark.parametrize(("echo", "crc"), [(False, False), (True, False), (False, True)])
def test_identify_bill_table_and_a_stacked_note(echo: bool, crc: bool) -> None:
    with BillValidatorEmulator(transport_s=0.0, echo=echo, crc=crc) as emu:
        mode = ChecksumMode.CRC16 if crc else ChecksumMode.SIMPLE
        with SerialBanknoteAcceptor(emu.port_path, echo=echo, checksum=mode) as acceptor:
            info = acceptor.identify()
            assert (info.category, info.serial_number) == ("Bill Validator", 1234567)
            table = acceptor.bill_table()
            assert {c: b.value_fen for c, b in table.items()} == {
                1: 100,
                2: 500,
                3: 1000,
                4: 2000,
                5: 5000,
                6: 10000,
            }
            counter = EventCounter()
            counter.advance(acceptor.read_events())
            assert emu.insert(100).startswith("returned")  # master inhibit still set
            acceptor.accept(frozenset(table))
            assert emu.accepting and emu.enabled == frozenset(range(1, 7))
            emu.insert(50)
            read = counter.advance(acceptor.read_events())
            assert [(e.kind, e.channel) for e in read.events] == [
                (EventKind.STATUS, 0),  # the note refused while inhibited
                (EventKind.CREDIT, 5),
            ]
            acceptor.inhibit()
            assert not emu.accepting


def test_silent_device_is_an_error_not_an_empty_answer(emulator: BillValidatorEmulator) -> None:
    with SerialBanknoteAcceptor(emulator.port_path, timeout=0.2) as acceptor:
        emulator.silent = True
        with pytest.raises(NoReply):
            acceptor.read_events()
        emulator.silent = False
        assert acceptor.read_events().counter == 0  # the next exchange works again


def test_bad_checksum_and_not_a_bill_validator(emulator: BillValidatorEmulator) -> None:
    with SerialBanknoteAcceptor(emulator.port_path) as acceptor:
        emulator.corrupt_next = 1
        with pytest.raises(ChecksumError):
            acceptor.read_events()
        with pytest.raises(RouteFailed):
            acceptor.route_bill(1)  # no escrow in use: the escrow is empty (254)
    with BillValidatorEmulator(category="Coin Acceptor") as coins, pytest.raises(NotABillValidator):
        SerialBanknoteAcceptor(coins.port_path).open()


def test_an_unexpected_echo_is_a_framing_error() -> None:
    with (
        BillValidatorEmulator(echo=True) as emu,
        pytest.raises(FrameError, match="reply from 1 to 40"),
    ):
        SerialBanknoteAcceptor(emu.port_path, echo=False).open()


@pytest.mark.allow_log_warnings
def test_poller_runs_jobs_between_polls_and_reports_events(
    emulator: BillValidatorEmulator,
) -> None:
    reads: list[EventRead] = []
    links: list[LinkEvent] = []
    got = threading.Condition()

    def on_read(read: EventRead) -> None:
        with got:
            reads.append(read)
            got.notify_all()

    def on_link(event: LinkEvent) -> None:
        with got:
            links.append(event)
            got.notify_all()

    poller = AcceptorPoller(
        lambda: SerialBanknoteAcceptor(emulator.port_path, timeout=0.1),
        on_read,
        on_link,
        interval=0.05,
    )
    with poller:
        table = poller.submit(lambda a: a.bill_table()).result(5)
        poller.submit(lambda a: a.accept(frozenset(table))).result(5)
        emulator.insert(20)
        with got:
            assert got.wait_for(
                lambda: any(e.kind is EventKind.CREDIT for r in reads for e in r.events), 5
            )
        emulator.silent = True
        with got:
            assert got.wait_for(lambda: len(links) >= 2, 5)
    assert links[0].kind is LinkKind.READY
    assert links[1].kind is LinkKind.LOST and links[1].silent


def test_cli_status_json(
    emulator: BillValidatorEmulator, capsys: pytest.CaptureFixture[str]
) -> None:

    assert kiosk_main(["cash", "status", "--port", emulator.port_path, "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["category"] == "Bill Validator"
    assert status["serial_number"] == 1234567
    assert [b["value_fen"] for b in status["bills"]] == [100, 500, 1000, 2000, 5000, 10000]
    assert status["bills"][5]["bill_id"] == "CN0100A"
    assert status["event_counter"] == 0


def test_cli_status_with_echo(capsys: pytest.CaptureFixture[str]) -> None:
    with BillValidatorEmulator(echo=True) as emu:
        assert kiosk_main(["cash", "status", "--port", emu.port_path, "--echo"]) == 0
    assert "channel  6: CN0100A = 10000 fen" in capsys.readouterr().out


@pytest.mark.allow_log_warnings
def test_cli_failures_exit_non_zero_with_a_clear_message(
    emulator: BillValidatorEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    port = emulator.port_path
    emulator.silent = True
    assert kiosk_main(["cash", "status", "--port", port, "--timeout", "0.2"]) == 1
    assert "the acceptor is silent" in capsys.readouterr().err
    emulator.silent = False
    emulator.corrupt_next = 1
    assert kiosk_main(["cash", "status", "--port", port]) == 1
    assert "bad checksum" in capsys.readouterr().err
    with BillValidatorEmulator(category="Coin Acceptor") as coins:
        assert kiosk_main(["cash", "status", "--port", coins.port_path]) == 2
    assert "not a bill validator" in capsys.readouterr().err
