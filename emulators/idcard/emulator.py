"""An emulated SAM ID card reader serving the real wire protocol over a pty (and TCP).

Timing model: after a request arrives the emulator waits the request's own wire time plus
``latency`` (the reader's processing time), then sends the answer paced at ``baudrate``. So
one exchange never completes faster than a real reader's would, and a benchmark against the
emulator measures the driver, not a magically fast device.

Card model: ``place()`` puts a card in the field, ``remove()`` lifts it. After a read (good
or failed) "find card" answers 80 until the card is lifted and placed again, as real readers
do; "select card" keeps answering 90 while a card is physically in the field (the kiosk's
poller uses that to tell a halted card from a removed one; unconfirmed on real readers).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from emulators.control import ControlError
from emulators.idcard import wire
from emulators.idcard.cards import DemoCard, find_card, load_demo_cards, make_card
from emulators.ptylink import LinkClosedError, PtyLink, paced_write, wire_time

log = logging.getLogger(__name__)

SAM_ID = bytes.fromhex("0501000000000000d2040000a0860100")  # 16 made-up bytes


class Fault(Enum):
    """One-shot faults for the next matching command (``inject(fault, count, on)``)."""

    BAD_CHECKSUM = "bad_checksum"  # the answer's CHK byte is wrong
    TRUNCATED = "truncated"  # only the first half of the answer is sent
    GARBAGE = "garbage"  # random bytes without a preamble instead of the answer
    NOISE = "noise"  # random bytes, then the correct answer (drivers must resync)
    SLOW = "slow"  # the answer comes ``slow_seconds`` late
    SAM_SELFTEST_FAIL = "sam_selftest_fail"  # SAM status answers 60
    READ_FAIL = "read_fail"  # read answers 41
    NO_CARD = "no_card"  # find answers 80 although a card is there


# The command each content fault belongs to; transport faults hit any command.
_FAULT_COMMAND = {
    Fault.SAM_SELFTEST_FAIL: "sam",
    Fault.READ_FAIL: "read",
    Fault.NO_CARD: "find",
}
COMMAND_NAMES = {
    (0x10, 0xFF): "reset",
    (0x11, 0xFF): "sam",
    (0x12, 0xFF): "sam_id",
    (0x20, 0x01): "find",
    (0x20, 0x02): "select",
    (0x30, 0x01): "read",
    (0x30, 0x10): "read",
    (0x30, 0x03): "address",
    (0x61, 0xFF): "frame_size",
}


class IdCardEmulator:
    """In-process emulator; ``start()`` serves on background threads until ``stop()``."""

    def __init__(
        self,
        cards: Sequence[DemoCard | Mapping[str, Any]] | None = None,
        latency: float = 0.0,
        baudrate: int = 115200,
        *,
        link_path: Path | str | None = None,
        tcp_port: int | None = None,
        slow_seconds: float = 1.0,
    ) -> None:
        # Cards as DemoCards or as cardholders.json-style records (encoded here).
        self.cards = (
            [c if isinstance(c, DemoCard) else make_card(i, c) for i, c in enumerate(cards)]
            if cards is not None
            else load_demo_cards()
        )
        self.latency = latency
        self.baudrate = baudrate
        self.slow_seconds = slow_seconds
        self._link = PtyLink(link_path)
        self._tcp_port = tcp_port
        self._tcp: socket.socket | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._placed: DemoCard | None = None
        self._found = False
        self._halted = False
        self._faults: list[tuple[Fault, str | None]] = []
        self.requests = 0  # commands served, for tests and the control channel

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port_path(self) -> str:
        """The stable symlink a driver opens (pyserial URL); survives unplug/replug."""
        return str(self._link.link_path)

    @property
    def tcp_address(self) -> tuple[str, int] | None:
        """(host, port) of the TCP listener, when enabled."""
        if self._tcp is None:
            return None
        host, port = self._tcp.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> None:
        """Create the pty (and TCP listener) and serve."""
        self._link.open()
        self._spawn(self._serve_pty, "idcard-emu-pty")
        if self._tcp_port is not None:
            self._tcp = socket.create_server(("127.0.0.1", self._tcp_port))
            self._tcp.settimeout(0.1)
            self._spawn(self._serve_tcp, "idcard-emu-tcp")

    def stop(self) -> None:
        """Stop serving and remove the pty and link."""
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._tcp is not None:
            self._tcp.close()
        self._link.close()

    def __enter__(self) -> IdCardEmulator:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _spawn(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    # -- the operator's hands ----------------------------------------------------------------

    def place(self, card_key: str | int) -> DemoCard:
        """Put a card (by index or phone key) in the field, replacing any card there."""
        card = find_card(self.cards, card_key)
        with self._lock:
            self._placed, self._found, self._halted = card, False, False
        return card

    def remove(self) -> None:
        """Lift the card."""
        with self._lock:
            self._placed, self._found, self._halted = None, False, False

    @property
    def placed(self) -> DemoCard | None:
        """The card in the field, if any."""
        return self._placed

    def unplug(self) -> None:
        """Pull the USB cable: the pty and the link disappear."""
        self._link.unplug()
        with self._lock:
            self._found = self._halted = False  # the reader loses power

    def replug(self) -> None:
        """Plug the cable back: a new pty behind the same ``port_path``."""
        self._link.replug()

    @property
    def plugged(self) -> bool:
        """True while the pty exists."""
        return self._link.is_open

    def inject(self, fault: Fault | str, count: int = 1, on: str | None = None) -> None:
        """Queue ``count`` occurrences of a fault for the next commands named ``on``
        ("sam", "find", "select", "read"...; content faults know their own command)."""
        kind = Fault(fault)
        target = on if on is not None else _FAULT_COMMAND.get(kind)
        with self._lock:
            self._faults.extend([(kind, target)] * count)

    def clear_faults(self) -> None:
        """Forget every queued fault."""
        with self._lock:
            self._faults.clear()

    # -- protocol ----------------------------------------------------------------------------

    def _take_fault(self, name: str, kinds: set[Fault]) -> Fault | None:
        for i, (kind, target) in enumerate(self._faults):
            if kind in kinds and target in (None, name):
                del self._faults[i]
                return kind
        return None

    def respond(self, request: wire.Request) -> tuple[bytes, float]:
        """The answer bytes for one request and the extra delay before sending them."""
        with self._lock:
            self.requests += 1
            if request.error_sw3 is not None:
                return wire.answer(request.error_sw3), 0.0
            name = COMMAND_NAMES.get((request.cmd, request.para), "unknown")
            frame = self._answer(name, request)
            fault = self._take_fault(
                name,
                {Fault.BAD_CHECKSUM, Fault.TRUNCATED, Fault.GARBAGE, Fault.NOISE, Fault.SLOW},
            )
        delay = 0.0
        if fault is Fault.BAD_CHECKSUM:
            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        elif fault is Fault.TRUNCATED:
            frame = frame[: max(1, len(frame) // 2)]
        elif fault is Fault.GARBAGE:
            frame = bytes(b % 0xA0 for b in os.urandom(len(frame)))  # never 0xAA: no preamble
        elif fault is Fault.NOISE:
            frame = bytes(b % 0xA0 for b in os.urandom(13)) + frame
        elif fault is Fault.SLOW:
            delay = self.slow_seconds
        return frame, delay

    def _answer(self, name: str, request: wire.Request) -> bytes:
        card = self._placed
        if name == "sam":
            if self._take_fault("sam", {Fault.SAM_SELFTEST_FAIL}):
                return wire.answer(wire.SW_SAM_SELFTEST)
            return wire.answer(wire.SW_OK)
        if name == "reset":
            # The SAM reset powers the field down and up: a card still lying there can be
            # found and read again (what the kiosk's CardReader.rearm relies on).
            self._found = self._halted = False
            return wire.answer(wire.SW_OK)
        if name == "frame_size":
            return wire.answer(wire.SW_OK)
        if name == "sam_id":
            return wire.answer(wire.SW_OK, SAM_ID)
        if name == "find":
            if self._take_fault("find", {Fault.NO_CARD}) or card is None or self._halted:
                return wire.answer(wire.SW_NO_CARD)
            self._found = True
            return wire.answer(wire.SW_FOUND, b"\x00\x00\x00\x00")
        if name == "select":
            if card is None:
                return wire.answer(wire.SW_SELECT_FAILED)
            return wire.answer(wire.SW_OK, bytes(8))
        if name == "read":
            return self._read_answer(card, request.para == 0x10)
        if name == "address":
            return wire.answer(wire.SW_NO_CONTENT)
        return wire.answer(wire.SW_BAD_COMMAND)

    def _read_answer(self, card: DemoCard | None, with_fp: bool) -> bytes:
        if card is None or not self._found or self._halted:
            return wire.answer(wire.SW_READ_FAILED)
        self._found, self._halted = False, True  # lift the card before the next read
        if self._take_fault("read", {Fault.READ_FAIL}):
            return wire.answer(wire.SW_READ_FAILED)
        sizes = len(card.text).to_bytes(2, "big") + len(card.photo).to_bytes(2, "big")
        body = card.text + card.photo
        if with_fp:
            sizes += len(card.fingerprint).to_bytes(2, "big")
            body += card.fingerprint
        return wire.answer(wire.SW_OK, sizes + body)

    # -- transports --------------------------------------------------------------------------

    def _serve(self, buf: bytearray, data: bytes, write: Callable[[bytes], None]) -> None:
        buf += data
        for request in wire.extract_requests(buf):
            frame, extra = self.respond(request)
            # The request needed its own wire time to arrive; the reader then works `latency`.
            pause = wire_time(request.size, self.baudrate) + self.latency + extra
            if self._stopped.wait(pause):
                return
            paced_write(write, frame, self.baudrate)

    def _serve_pty(self) -> None:
        buf = bytearray()
        while not self._stopped.is_set():
            if not self._link.is_open:
                buf.clear()
                self._stopped.wait(0.05)
                continue
            try:
                data = self._link.read(timeout=0.1)
                if data:
                    self._serve(buf, data, self._link.write)
            except LinkClosedError:
                buf.clear()

    def _serve_tcp(self) -> None:
        assert self._tcp is not None
        while not self._stopped.is_set():
            try:
                conn, _ = self._tcp.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve_connection, "idcard-emu-conn", conn)

    def _serve_connection(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        buf = bytearray()
        with conn:
            while not self._stopped.is_set():
                try:
                    data = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return
                try:
                    self._serve(buf, data, conn.sendall)
                except OSError:
                    return

    # -- control channel ---------------------------------------------------------------------

    def control_handlers(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        """Handlers for :class:`emulators.control.ControlServer`."""

        def place(msg: dict[str, Any]) -> dict[str, Any]:
            try:
                card = self.place(msg.get("card", ""))
            except KeyError:
                raise ControlError(f"no card {msg.get('card')!r}") from None
            return {"placed": card.key}

        def remove(_msg: dict[str, Any]) -> dict[str, Any]:
            self.remove()
            return {"placed": None}

        def fault(msg: dict[str, Any]) -> dict[str, Any]:
            try:
                self.inject(msg.get("name", ""), int(msg.get("count", 1)), msg.get("on"))
            except ValueError:
                names = [f.value for f in Fault]
                raise ControlError(f"no fault {msg.get('name')!r}; known: {names}") from None
            return {}

        def clear(_msg: dict[str, Any]) -> dict[str, Any]:
            self.clear_faults()
            return {}

        def unplug(_msg: dict[str, Any]) -> dict[str, Any]:
            self.unplug()
            return {"plugged": False}

        def replug(_msg: dict[str, Any]) -> dict[str, Any]:
            self.replug()
            return {"plugged": True}

        def status(_msg: dict[str, Any]) -> dict[str, Any]:
            placed = self._placed
            return {
                "device": "idcard",
                "port": self.port_path,
                "plugged": self.plugged,
                "placed": placed.key if placed else None,
                "requests": self.requests,
                "faults": [f.value for f in Fault],
            }

        def list_cards(_msg: dict[str, Any]) -> dict[str, Any]:
            return {"cards": [c.summary() for c in self.cards], **status(_msg)}

        return {
            "place": place,
            "remove": remove,
            "fault": fault,
            "clear": clear,
            "unplug": unplug,
            "replug": replug,
            "status": status,
            "list": list_cards,
        }
