"""The bill validator emulator's control channel: every panel button changes the wire state."""

from __future__ import annotations

from emulators.cash import BillValidatorEmulator
from emulators.control import ControlServer, send_control
from kiosk.devices.cash import EventCounter, EventKind, SerialBanknoteAcceptor


def test_control_channel_drives_notes_faults_and_the_stacker() -> None:
    with (
        BillValidatorEmulator(transport_s=0.0) as emu,
        ControlServer(emu.control_handlers()) as control,
        SerialBanknoteAcceptor(emu.port_path) as acceptor,
    ):
        host, port = control.address
        counter = EventCounter(0)
        acceptor.accept(frozenset(range(1, 7)))
        assert send_control(host, port, {"cmd": "insert", "value": 100}) == {
            "ok": True,
            "outcome": "stacking",
        }
        assert send_control(host, port, {"cmd": "insert", "value": 3})["ok"] is False
        for cmd in ("fake", "pull_back", "jam"):
            assert send_control(host, port, {"cmd": cmd})["ok"]
        read = counter.advance(acceptor.read_events())
        assert [e.kind for e in read.events] == [
            EventKind.CREDIT,
            EventKind.REJECT,
            EventKind.REJECT,
            EventKind.FAULT,
        ]
        assert send_control(host, port, {"cmd": "insert", "value": 10})["outcome"].startswith(
            "refused"
        )
        status = send_control(host, port, {"cmd": "stacker_inserted"})
        assert status["jammed"] is False and status["in_box"] == 0
        send_control(host, port, {"cmd": "stacker_full"})
        read = counter.advance(acceptor.read_events())
        assert [e.status.name for e in read.events if e.status] == [
            "STACKER_INSERTED",
            "STACKER_FULL",
        ]
        send_control(host, port, {"cmd": "silent", "on": True})
        assert emu.silent
