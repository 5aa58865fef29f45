"""An emulated ccTalk bill validator (address 40) serving the real wire protocol over a pty.

Timing model: a request needs its own wire time to arrive (9600 baud: ~1 ms a byte), the
device then works ``latency`` seconds and sends its reply paced like a UART. With ``echo``
the request's own bytes come back first, as on a single-wire ccTalk bus.

Note model: ``insert(value)`` puts a note in the mouth. With the master inhibit lifted and
its channel enabled it travels ``transport_s`` seconds and is then stacked: event (channel, 0)
— even if the host sets the master inhibit meanwhile (the note is already past the gate:
exactly what the operator's old terminals lost). Faults and stacker events append status
events (result A 0). Events go into a 5-slot buffer with the counter 0 at power-up, then
1..255 wrapping to 1.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulators.cash import wire
from emulators.control import ControlError
from emulators.ptylink import LinkClosedError, PtyLink, paced_write, wire_time

log = logging.getLogger(__name__)

ADDRESS = 40
BAUD = 9600
#: CNY notes: channel -> (bill id, value in yuan). Scaling factor 100, 2 decimals (156).
CHANNELS: dict[int, tuple[str, int]] = {
    1: ("CN0001A", 1),
    2: ("CN0005A", 5),
    3: ("CN0010A", 10),
    4: ("CN0020A", 20),
    5: ("CN0050A", 50),
    6: ("CN0100A", 100),
}
VALUES = {value: channel for channel, (_bill, value) in CHANNELS.items()}
SERIAL = 0x12D687  # 1234567, sent LSB first

# result B codes of result A = 0 events the emulator produces
MASTER_INHIBIT = 0
INVALID_BILL = 2
INHIBITED_SERIAL = 4
JAM_UNSAFE = 6
PULLED_BACK = 8
STACKER_REMOVED = 11
STACKER_INSERTED = 12
STACKER_FULL = 14


class BillValidatorEmulator:
    """In-process emulator; ``start()`` serves on a background thread until ``stop()``."""

    def __init__(
        self,
        *,
        latency: float = 0.005,
        baudrate: int = BAUD,
        echo: bool = False,
        crc: bool = False,
        transport_s: float = 0.3,
        capacity: int = 500,
        category: str = "Bill Validator",
        link_path: Path | str | None = None,
    ) -> None:
        self.latency = latency
        self.baudrate = baudrate
        self.echo = echo
        self.crc = crc
        self.transport_s = transport_s
        self.capacity = capacity
        self.category = category
        self._link = PtyLink(link_path)
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        # One transport: notes reach the stacker in the order they went in (a FIFO worker,
        # not a timer per note, which could overtake one another on a loaded machine).
        self._transport: queue.Queue[tuple[float, int]] = queue.Queue()
        self._transport_thread: threading.Thread | None = None
        self.power_cycle()
        self.stacked_total = 0  # notes in the box since the last stacker insert
        self.stacked_by_value: dict[int, int] = {}
        self.requests = 0
        self.silent = False
        self.corrupt_next = 0  # replies to send with a wrong checksum
        self.stacked_event = threading.Condition()
        self.last_stacked_at = 0.0  # time.monotonic() of the newest stacked note (bench)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port_path(self) -> str:
        """The stable symlink a driver opens."""
        return str(self._link.link_path)

    def start(self) -> None:
        """Create the pty and serve."""
        self._link.open()
        self._thread = threading.Thread(target=self._serve, name="cash-emu", daemon=True)
        self._thread.start()
        self._transport_thread = threading.Thread(
            target=self._carry, name="cash-emu-transport", daemon=True
        )
        self._transport_thread.start()

    def stop(self) -> None:
        """Stop serving, cancel notes in transport, remove the pty."""
        self._stopped.set()
        for thread in (self._thread, self._transport_thread):
            if thread is not None:
                thread.join(timeout=5)
        self._link.close()

    def __enter__(self) -> BillValidatorEmulator:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- device state --------------------------------------------------------------------------

    def power_cycle(self) -> None:
        """Power off and on: counter 0, buffer empty, master inhibit set, channels inhibited."""
        with self._lock:
            self.counter = 0
            self.events: deque[tuple[int, int]] = deque(maxlen=5)
            self.accepting = False
            self.enabled: frozenset[int] = frozenset()
            self.jammed = False
            self.full = False
            self.stacker_present = True

    def _event(self, a: int, b: int) -> None:
        """Append one event (lock held)."""
        self.counter = 1 if self.counter >= 255 else self.counter + 1
        self.events.appendleft((a, b))

    def insert(self, value: int, *, count: int = 1, transport_s: float | None = None) -> str:
        """A customer feeds ``count`` notes of ¥``value``; returns what the device does."""
        channel = VALUES.get(value)
        if channel is None:
            raise ValueError(f"no CNY note of {value}; notes: {sorted(VALUES)}")
        delay = self.transport_s if transport_s is None else transport_s
        outcome = ""
        for _ in range(count):
            with self._lock:
                if self.jammed or self.full or not self.stacker_present:
                    return "refused: the device is out of service"
                if not self.accepting:
                    self._event(0, MASTER_INHIBIT)
                    return "returned: master inhibit"
                if channel not in self.enabled:
                    self._event(0, INHIBITED_SERIAL)
                    return "returned: channel inhibited"
            if delay <= 0 and self._transport.empty():
                self._stack(channel)
            else:
                self._transport.put((time.monotonic() + delay, channel))
            outcome = "stacking"
        return outcome

    def _carry(self) -> None:
        """Notes in transport, in order: each is stacked when its time has come."""
        while not self._stopped.is_set():
            try:
                due, channel = self._transport.get(timeout=0.05)
            except queue.Empty:
                continue
            if self._stopped.wait(max(0.0, due - time.monotonic())):
                return
            self._stack(channel)

    def _stack(self, channel: int) -> None:
        if self._stopped.is_set():
            return
        with self._lock:
            self._event(channel, 0)
            value = CHANNELS[channel][1]
            self.stacked_total += 1
            self.last_stacked_at = time.monotonic()
            self.stacked_by_value[value] = self.stacked_by_value.get(value, 0) + 1
            if self.stacked_total >= self.capacity and not self.full:
                self.full = True
                self._event(0, STACKER_FULL)
        with self.stacked_event:
            self.stacked_event.notify_all()

    def fake(self) -> None:
        """A note that fails validation: returned to the customer."""
        with self._lock:
            self._event(0, INVALID_BILL)

    def pull_back(self) -> None:
        """The customer pulls a note back out while it is being read."""
        with self._lock:
            self._event(0, PULLED_BACK)

    def jam(self) -> None:
        """A note jams in the transport: no more notes until the stacker is re-inserted."""
        with self._lock:
            self.jammed = True
            self._event(0, JAM_UNSAFE)

    def stacker_full(self) -> None:
        """The cash box is full."""
        with self._lock:
            self.full = True
            self._event(0, STACKER_FULL)

    def stacker_removed(self) -> None:
        """Staff pull the cash box out."""
        with self._lock:
            self.stacker_present = False
            self._event(0, STACKER_REMOVED)

    def stacker_inserted(self) -> None:
        """Staff put an empty cash box back: jams and 'full' are cleared."""
        with self._lock:
            self.stacker_present, self.full, self.jammed = True, False, False
            self.stacked_total = 0
            self.stacked_by_value = {}
            self._event(0, STACKER_INSERTED)

    def wait_stacked(self, total: int, timeout: float) -> bool:
        """Block until ``total`` notes are in the box (tests)."""
        with self.stacked_event:
            return self.stacked_event.wait_for(lambda: self.stacked_total >= total, timeout)

    # -- protocol ----------------------------------------------------------------------------

    def _reply(self, data: bytes = b"", header: int = wire.ACK) -> bytes:
        return wire.frame(wire.HOST, ADDRESS, header, data, crc=self.crc)

    def respond(self, request: wire.Request) -> bytes | None:
        """The reply bytes for one request, or None to stay silent."""
        with self._lock:
            self.requests += 1
            if self.silent or not request.valid or request.destination != ADDRESS:
                return None  # ccTalk devices ignore bad frames and other addresses
            reply = self._answer(request.header, request.data)
            if self.corrupt_next > 0:
                self.corrupt_next -= 1
                reply = reply[:-1] + bytes([reply[-1] ^ 0x5A])
            return reply

    def _answer(self, header: int, data: bytes) -> bytes:
        text = {
            245: self.category,
            246: "EMU",
            244: "BV-CN6",
            241: "1.4.2",
        }
        if header in text:
            return self._reply(text[header].encode("ascii"))
        if header in (254, 1):
            if header == 1:
                self.counter, self.accepting = 0, False
                self.events.clear()
            return self._reply()
        if header == 242:
            return self._reply(SERIAL.to_bytes(3, "little"))
        if header == 157:
            if len(data) != 1:
                return self._reply(header=wire.NAK)
            bill = CHANNELS.get(data[0], (".......", 0))[0]
            return self._reply(bill.encode("ascii"))
        if header == 156:
            if data == b"CN":
                return self._reply(bytes([100, 0, 2]))
            return self._reply(bytes([0, 0, 0]))
        if header == 231:
            if len(data) != 2:
                return self._reply(header=wire.NAK)
            bits = data[0] | data[1] << 8
            self.enabled = frozenset(c for c in range(1, 17) if bits & (1 << (c - 1)))
            return self._reply()
        if header == 230:
            bits = sum(1 << (c - 1) for c in self.enabled)
            return self._reply(bytes([bits & 0xFF, bits >> 8]))
        if header == 228:
            if len(data) != 1:
                return self._reply(header=wire.NAK)
            self.accepting = bool(data[0] & 1)
            return self._reply()
        if header == 227:
            return self._reply(bytes([1 if self.accepting else 0]))
        if header == 153:
            return self._reply()
        if header == 159:
            slots = list(self.events) + [(0, 0)] * (5 - len(self.events))
            return self._reply(bytes([self.counter]) + bytes(b for s in slots for b in s))
        if header == 154:
            return self._reply(bytes([254]))  # no escrow in use: the escrow is empty
        return self._reply(header=wire.NAK)

    def _serve(self) -> None:
        buf = bytearray()
        last = time.monotonic()
        while not self._stopped.is_set():
            if not self._link.is_open:
                buf.clear()
                self._stopped.wait(0.05)
                continue
            try:
                data = self._link.read(timeout=0.1)
            except LinkClosedError:
                buf.clear()
                continue
            if not data:
                continue
            now = time.monotonic()
            if buf and now - last > 0.05:
                buf.clear()  # ccTalk inter-byte timeout: a half frame is dropped
            last = now
            buf += data
            for request in wire.extract_requests(buf, crc=self.crc):
                reply = self.respond(request)
                if self.echo:
                    self._write(request.raw, paced=False)  # the bus carries our bytes back
                if reply is None:
                    continue
                if self._stopped.wait(wire_time(request.size, self.baudrate) + self.latency):
                    return
                self._write(reply, paced=True)

    def _write(self, data: bytes, *, paced: bool) -> None:
        try:
            if paced:
                paced_write(self._link.write, data, self.baudrate)
            else:
                self._link.write(data)
        except LinkClosedError:
            return

    # -- control channel ---------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """What the device panel shows."""
        with self._lock:
            return {
                "device": "cash",
                "port": self.port_path,
                "counter": self.counter,
                "accepting": self.accepting,
                "enabled": sorted(self.enabled),
                "jammed": self.jammed,
                "full": self.full,
                "stacker_present": self.stacker_present,
                "silent": self.silent,
                "in_box": self.stacked_total,
                "by_value": {str(k): v for k, v in sorted(self.stacked_by_value.items())},
                "requests": self.requests,
            }

    def control_handlers(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        """Handlers for :class:`emulators.control.ControlServer`."""

        def insert(msg: dict[str, Any]) -> dict[str, Any]:
            try:
                value = int(msg.get("value", 0))
                count = int(msg.get("count", 1))
                transport = msg.get("transport")
                outcome = self.insert(
                    value, count=count, transport_s=None if transport is None else float(transport)
                )
            except (TypeError, ValueError) as exc:
                raise ControlError(str(exc)) from None
            return {"outcome": outcome}

        def simple(action: Callable[[], None]) -> Callable[[dict[str, Any]], dict[str, Any]]:
            def handler(_msg: dict[str, Any]) -> dict[str, Any]:
                action()
                return self.status()

            return handler

        def silent(msg: dict[str, Any]) -> dict[str, Any]:
            self.silent = bool(msg.get("on", True))
            return self.status()

        def corrupt(msg: dict[str, Any]) -> dict[str, Any]:
            self.corrupt_next = int(msg.get("count", 1))
            return {}

        return {
            "insert": insert,
            "fake": simple(self.fake),
            "pull_back": simple(self.pull_back),
            "jam": simple(self.jam),
            "stacker_full": simple(self.stacker_full),
            "stacker_removed": simple(self.stacker_removed),
            "stacker_inserted": simple(self.stacker_inserted),
            "power_cycle": simple(self.power_cycle),
            "silent": silent,
            "corrupt": corrupt,
            "status": lambda _msg: self.status(),
        }
