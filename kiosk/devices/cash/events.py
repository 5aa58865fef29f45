"""Bill events (header 159) and the event counter: what happened since the last read.

Facts (ccTalk Generic Specification, bill validator events; cctalk4j ``BillEvent`` and the
Rust ``cc_talk_core`` ``BillEvent`` agree on result codes 1..21):

- the counter is 0 after power-up or reset, then 1..255, wrapping from 255 to 1 (never 0);
- each reply holds the 5 newest events, newest first; slots that are not new since the last
  read are old events or (0, 0), so only as many slots as the counter advanced are decoded;
- result A > 0 is a bill channel: result B 0 = validated and stacked (credit), 1 = held in
  escrow (not money yet); result A 0 is a status code (:class:`BillStatus`).

A counter that advanced by more than 5 means events were lost: :class:`EventCounter` reports
how many, it never guesses what they were. A counter back at 0 after events means the device
was reset or lost power: what happened before is unknown too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum

from kiosk.devices.cash.codec import EVENT_SLOTS, EventBuffer

COUNTER_MAX = 255


class BillStatus(IntEnum):
    """Result B when result A is 0."""

    MASTER_INHIBIT_ACTIVE = 0
    RETURNED_FROM_ESCROW = 1
    INVALID_BILL_VALIDATION = 2
    INVALID_BILL_TRANSPORT = 3
    INHIBITED_BILL_SERIAL = 4
    INHIBITED_BILL_DIP = 5
    JAMMED_TRANSPORT_UNSAFE = 6
    JAMMED_IN_STACKER = 7
    PULLED_BACKWARDS = 8
    TAMPER = 9
    STACKER_OK = 10
    STACKER_REMOVED = 11
    STACKER_INSERTED = 12
    STACKER_FAULTY = 13
    STACKER_FULL = 14
    STACKER_JAMMED = 15
    JAMMED_TRANSPORT_SAFE = 16
    OPTO_FRAUD = 17
    STRING_FRAUD = 18
    ANTI_STRING_FAULTY = 19
    BARCODE_DETECTED = 20
    UNKNOWN_BILL_STACKED = 21


class EventKind(Enum):
    """How the host must treat an event."""

    CREDIT = "credit"  # a note is in the cash box: money
    ESCROW = "escrow"  # a note is held: not money yet
    REJECT = "reject"  # the note went back to the customer
    FRAUD = "fraud"
    FAULT = "fault"  # jam, stacker full/removed/faulty: stop taking cash
    STATUS = "status"  # informational (stacker ok/inserted, master inhibit active)
    UNKNOWN = "unknown"  # a code the specification does not define


_KIND_OF_STATUS = {
    BillStatus.MASTER_INHIBIT_ACTIVE: EventKind.STATUS,
    BillStatus.RETURNED_FROM_ESCROW: EventKind.REJECT,
    BillStatus.INVALID_BILL_VALIDATION: EventKind.REJECT,
    BillStatus.INVALID_BILL_TRANSPORT: EventKind.REJECT,
    BillStatus.INHIBITED_BILL_SERIAL: EventKind.REJECT,
    BillStatus.INHIBITED_BILL_DIP: EventKind.REJECT,
    BillStatus.JAMMED_TRANSPORT_UNSAFE: EventKind.FAULT,
    BillStatus.JAMMED_IN_STACKER: EventKind.FAULT,
    BillStatus.PULLED_BACKWARDS: EventKind.REJECT,
    BillStatus.TAMPER: EventKind.FRAUD,
    BillStatus.STACKER_OK: EventKind.STATUS,
    BillStatus.STACKER_REMOVED: EventKind.FAULT,
    BillStatus.STACKER_INSERTED: EventKind.STATUS,
    BillStatus.STACKER_FAULTY: EventKind.FAULT,
    BillStatus.STACKER_FULL: EventKind.FAULT,
    BillStatus.STACKER_JAMMED: EventKind.FAULT,
    BillStatus.JAMMED_TRANSPORT_SAFE: EventKind.FAULT,
    BillStatus.OPTO_FRAUD: EventKind.FRAUD,
    BillStatus.STRING_FRAUD: EventKind.FRAUD,
    BillStatus.ANTI_STRING_FAULTY: EventKind.FAULT,
    BillStatus.BARCODE_DETECTED: EventKind.REJECT,
    BillStatus.UNKNOWN_BILL_STACKED: EventKind.FAULT,  # something is in the box we cannot value
}


@dataclass(frozen=True)
class BillEvent:
    """One decoded event; ``channel`` for bills, ``status`` for result A = 0."""

    kind: EventKind
    channel: int = 0
    status: BillStatus | None = None
    result_b: int = 0


def decode_event(result_a: int, result_b: int) -> BillEvent:
    """One (result A, result B) slot."""
    if result_a > 0:
        if result_b == 0:
            return BillEvent(EventKind.CREDIT, channel=result_a)
        if result_b == 1:
            return BillEvent(EventKind.ESCROW, channel=result_a, result_b=1)
        return BillEvent(EventKind.UNKNOWN, channel=result_a, result_b=result_b)
    try:
        status = BillStatus(result_b)
    except ValueError:
        return BillEvent(EventKind.UNKNOWN, result_b=result_b)
    return BillEvent(_KIND_OF_STATUS[status], status=status, result_b=result_b)


def next_counter(counter: int) -> int:
    """The counter after one more event: 0 -> 1 ... 255 -> 1."""
    return 1 if counter >= COUNTER_MAX else counter + 1


def counter_advance(previous: int, current: int) -> int:
    """Events between two non-reset counter values (``current`` nonzero)."""
    if not 1 <= current <= COUNTER_MAX or not 0 <= previous <= COUNTER_MAX:
        raise ValueError("counters are 0..255 and a current counter is 1..255 here")
    if previous == 0:
        return current
    return (current - previous) % COUNTER_MAX


@dataclass(frozen=True)
class EventRead:
    """What one 159 reply adds to what the host already processed."""

    counter: int
    events: tuple[BillEvent, ...]  # oldest first
    lost: int = 0  # events that happened but fell out of the 5-slot buffer
    reset: bool = False  # the device restarted since the last read: earlier state unknown

    @property
    def uncertain(self) -> bool:
        """True when notes may have been stacked that this host cannot account for."""
        return self.lost > 0 or self.reset


class EventCounter:
    """The host's last processed counter; :meth:`advance` turns a 159 reply into new events.

    ``last=None``: nothing processed yet (the first reply is the baseline; events before it
    are not this host's). Recovery passes the counter it journaled, so events that happened
    while the kiosk was down are read as new.
    """

    def __init__(self, last: int | None = None) -> None:
        self.last = last

    def advance(self, buffer: EventBuffer) -> EventRead:
        """Consume one reply (the caller journals the result before acting on it)."""
        previous, current = self.last, buffer.counter
        self.last = current
        if previous is None:
            return EventRead(current, ())
        if current == 0:
            # Power-up/reset: 0 again after events means the device restarted. If the host
            # had seen events, the ones after its last read are gone with the buffer.
            return EventRead(0, (), reset=previous != 0)
        if current == previous:
            return EventRead(current, ())
        count = counter_advance(previous, current)
        fresh = buffer.slots[: min(count, EVENT_SLOTS)]
        events = tuple(decode_event(a, b) for a, b in reversed(fresh))
        return EventRead(current, events, lost=max(0, count - EVENT_SLOTS))
