"""清机: staff empty the terminal's cash box. A Qt-free state machine the admin screen drives.

    clearance = Clearance(desk)          # records through the desk's own backend client
    clearance.start()            # cash is off (CashBlocker.CLEARANCE); REMOVE: pull the box
    # the acceptor reports the box removed, then inserted (the desk's stacker events)
    clearance.set_count(5000, 3) # COUNT: what staff counted, per value (the journal's by default)
    clearance.submit()           # RECORDING -> DONE: recorded on the backend, the box empty
    clearance.slip(terminal, now)  # the 清机凭条 document, for the receipt printer

The backend compares what staff counted with the notes reported since the last clearance and
flags any difference; the record's ``orders`` are the orders since then. A recorded clearance
also reconciles a "cash count uncertain" terminal (staff counted the box by hand). ``submit``
talks HTTP: call it off the GUI thread. A failed submit keeps its idempotency key, so trying
again can never record the clearance twice.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.backend.cash import CashClearance
from kiosk.backend.errors import BackendError
from kiosk.cash.desk import CashBackend, CashBlocker, CashDesk
from printer.document import Document
from printer.receipts.clearance import ClearanceSlip, build_clearance_slip
from printer.statement import Terminal

log = logging.getLogger(__name__)


class ClearanceStep(enum.Enum):
    IDLE = "idle"
    REMOVE = "remove"  # cash is off; staff pull the cash box out
    INSERT = "insert"  # the box is out: put the empty one back
    COUNT = "count"  # staff confirm or correct the count per value
    RECORDING = "recording"  # sent to the backend
    DONE = "done"  # recorded: the slip can be printed
    FAILED = "failed"  # the backend did not record it: submit again (same key)


@dataclass(frozen=True)
class ClearanceView:
    step: ClearanceStep
    expected: dict[int, int] = field(default_factory=dict)  # the journal's box at the start
    counted: dict[int, int] = field(default_factory=dict)
    orders: int = 0  # orders with notes in the box, by the journal
    record: CashClearance | None = None
    error: str | None = None

    @property
    def counted_fen(self) -> int:
        return sum(v * c for v, c in self.counted.items())

    @property
    def counted_notes(self) -> int:
        return sum(self.counted.values())


class ClearanceError(RuntimeError):
    """A step asked for in the wrong state."""


class Clearance:
    """See the module docstring. Thread-safe: stacker events arrive on the desk's thread."""

    def __init__(
        self,
        desk: CashDesk,
        backend: CashBackend | None = None,
        *,
        on_change: Callable[[ClearanceView], None] | None = None,
    ) -> None:
        self._desk = desk
        self._backend = backend if backend is not None else desk.backend
        self._listeners: list[Callable[[ClearanceView], None]] = [on_change] if on_change else []
        self._lock = threading.RLock()
        self._step = ClearanceStep.IDLE
        self._expected: dict[int, int] = {}
        self._counted: dict[int, int] = {}
        self._orders = 0
        self._record: CashClearance | None = None
        self._error: str | None = None
        self._key: str | None = None
        desk.add_stacker_listener(self.on_stacker)

    def add_listener(self, listener: Callable[[ClearanceView], None]) -> None:
        self._listeners.append(listener)

    @property
    def view(self) -> ClearanceView:
        with self._lock:
            return self._view()

    def _view(self) -> ClearanceView:
        return ClearanceView(
            self._step,
            dict(self._expected),
            dict(self._counted),
            self._orders,
            self._record,
            self._error,
        )

    def _go(self, step: ClearanceStep) -> None:
        self._step = step
        view = self._view()
        for listener in list(self._listeners):
            try:
                listener(view)
            except Exception:
                log.exception("clearance listener failed")

    # -- staff's steps -------------------------------------------------------------------------

    def start(self) -> ClearanceView:
        """Cash goes off; the journal's box is what staff should find. CashBusy while a
        customer pays."""
        with self._lock:
            if self._step not in (ClearanceStep.IDLE, ClearanceStep.DONE):
                raise ClearanceError(f"start() in step {self._step.value}")
            self._desk.begin_clearance()
            box = self._desk.ledger.box()
            self._expected = dict(box.counts)
            self._counted = dict(box.counts)
            self._orders = box.orders
            self._record, self._error, self._key = None, None, None
            already_out = CashBlocker.STACKER_REMOVED in self._desk.blockers()
            log.info("clearance started: %d notes in the box by the journal", box.note_count)
            self._go(ClearanceStep.INSERT if already_out else ClearanceStep.REMOVE)
            return self._view()

    def on_stacker(self, present: bool) -> None:
        """The acceptor reported the box removed (False) or inserted (True)."""
        with self._lock:
            if self._step is ClearanceStep.REMOVE and not present:
                self._go(ClearanceStep.INSERT)
            elif self._step is ClearanceStep.INSERT and present:
                self._go(ClearanceStep.COUNT)

    def set_count(self, value_fen: int, count: int) -> None:
        """Staff's count of one value (the box's content by hand)."""
        with self._lock:
            if self._step not in (ClearanceStep.COUNT, ClearanceStep.FAILED):
                raise ClearanceError(f"set_count() in step {self._step.value}")
            if count < 0:
                raise ValueError("a count is never negative")
            if self._key is not None and self._counted.get(value_fen, 0) != count:
                self._key = None  # a different count is a different clearance request
            self._counted[value_fen] = count
            self._go(self._step)

    def submit(self) -> CashClearance:
        """Record the clearance on the backend (blocking: not on the GUI thread)."""
        with self._lock:
            if self._step not in (ClearanceStep.COUNT, ClearanceStep.FAILED):
                raise ClearanceError(f"submit() in step {self._step.value}")
            if self._key is None:
                self._key = str(uuid.uuid4())
            key, counted = self._key, {v: c for v, c in self._counted.items() if c}
            self._error = None
            self._go(ClearanceStep.RECORDING)
        try:
            record = self._backend.record_cash_clearance(counted, key)
        except BackendError as exc:
            with self._lock:
                self._error = exc.code
                self._go(ClearanceStep.FAILED)
            log.warning("clearance not recorded: %s", exc.code)
            raise
        self._desk.end_clearance(record.clearance_id, flagged=record.flagged)
        self._desk.clear_uncertain()  # the box was counted by hand: the count is certain
        if record.flagged:
            log.warning(
                "clearance %s flagged: counted %d fen, reported %d fen",
                record.clearance_id,
                record.counted_fen,
                record.expected_fen,
            )
        with self._lock:
            self._record = record
            self._go(ClearanceStep.DONE)
        return record

    def cancel(self) -> None:
        """Give up before recording: cash comes back as it was."""
        with self._lock:
            if self._step in (ClearanceStep.IDLE, ClearanceStep.RECORDING, ClearanceStep.DONE):
                return
            self._desk.end_clearance(None)
            self._go(ClearanceStep.IDLE)

    def slip(self, terminal: Terminal, printed_at: dt.datetime) -> Document:
        """The 清机凭条 of the recorded clearance."""
        with self._lock:
            record = self._record
        if record is None:
            raise ClearanceError("no recorded clearance to print")
        return build_clearance_slip(
            ClearanceSlip(
                terminal=terminal,
                clearance_id=record.clearance_id,
                at=record.at,
                previous_at=record.previous_at,
                counted=dict(record.counted_counts),
                expected_fen=record.expected_fen,
                expected_count=record.expected_count,
                orders=record.orders,
                flagged=record.flagged,
                difference_fen=record.difference_fen,
            ),
            printed_at,
        )
