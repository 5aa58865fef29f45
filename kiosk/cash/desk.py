"""The cash top-up flow (现金缴费): a Qt-free state machine the pay screen drives.

    desk = CashDesk(acceptor_factory, ledger, backend)
    desk.start()                      # poller thread + reporter thread; recovery of earlier runs
    order = desk.begin(phone)         # order on the backend first; CONFIRM: show the masked name
    desk.accept()                     # acceptor opens: ACCEPTING; every note shows at once
    desk.finish()                     # 完成 (or 60 s after the last note): CLOSING -> DONE

Never lose a note:

- every stacked note is written to the journal (order, sequence, value, event counter) on the
  poller thread, in the same transaction as the device's last processed counter, *before* it
  is shown or reported (``on_change`` listeners and the reporter only see journaled notes);
- closing is: master inhibit, then keep reading events until the counter has been still for
  ``drain_quiet_s`` (longer than a note takes through the transport): a note already past the
  gate when the customer tapped 完成 still lands in this order — the old terminals read "a few
  more times" after a fixed pause and lost it;
- the journal's counter survives a crash: at start-up the poller reads events after it, so a
  note stacked while the kiosk was down is journaled to the order that was open, and every
  unfinished order is completed from the journal (notes reported, order closed);
- a counter gap (more than 5 events between two reads) or a device reset while an order is
  open, or a credit with no order, puts the terminal into "cash count uncertain": no more cash
  until staff reconcile (清机 + :meth:`clear_uncertain`).

Reporting and closing talk HTTP on the reporter thread, never on the poller thread, so a slow
or absent backend never delays reading the acceptor.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kiosk.backend.cash import CashClearance, CashOrder, CashOrderStatus
from kiosk.backend.errors import BackendError, Conflict, outcome_unknown
from kiosk.backend.models import TransactionState
from kiosk.cash.ledger import CashJournalError, CashLedger, CashOrderState, LedgerOrder
from kiosk.devices.cash.driver import BanknoteAcceptor, BillValue
from kiosk.devices.cash.errors import CashAcceptorError, NoReply
from kiosk.devices.cash.events import BillStatus, EventCounter, EventKind, EventRead
from kiosk.devices.cash.poller import AcceptorPoller, LinkEvent, LinkKind
from kiosk.money import LineMoney
from kiosk.status import (
    CASH_BOX_FULL,
    CASH_CLEARANCE,
    CASH_JAMMED,
    CASH_PENDING,
    CASH_SILENT,
    CASH_STACKER_FULL,
    CASH_STACKER_REMOVED,
    CASH_UNCERTAIN,
)

log = logging.getLogger(__name__)

# Reads of the bill table at link-up before cash is given up on until the link comes again.
_TABLE_ATTEMPTS = 3

DRAIN_QUIET_S = 3.0  # longer than any note's trip from the gate to the stacker
INSERT_TIMEOUT_S = 60.0  # the old terminals' rule: 60 s after the last note the acceptor closes
DEVICE_WAIT_S = 10.0  # how long a close/recovery waits for a lost acceptor to come back
PENDING_AFTER_S = 20.0  # the backend has not answered this long: tell the customer it is safe


class CashBackend(Protocol):
    """The backend calls the desk needs (``kiosk.backend.client.BackendClient`` has them)."""

    def create_cash_order(self, phone: str, idempotency_key: str) -> CashOrder: ...

    def report_cash_note(
        self, order_id: str, sequence: int, value_fen: int, event_counter: int, key: str
    ) -> CashOrder: ...

    def close_cash_order(
        self, order_id: str, note_count: int, total_fen: int, key: str
    ) -> CashOrder: ...

    def cash_order(self, order_id: str) -> CashOrder: ...

    def settle_transaction(self, key: str) -> TransactionState: ...

    def record_cash_clearance(
        self, counted: dict[int, int], idempotency_key: str | None = None
    ) -> CashClearance: ...


class CashState(enum.Enum):
    IDLE = "idle"
    ORDERING = "ordering"  # asking the backend for the order
    CONFIRM = "confirm"  # the customer confirms the masked name; no note can go in yet
    ACCEPTING = "accepting"  # the acceptor is open
    CLOSING = "closing"  # inhibited: draining events, reporting, closing the order
    DONE = "done"  # credited
    PENDING = "pending"  # every note is journaled; the backend has not confirmed yet
    RECOVERING = "recovering"  # completing an order an earlier run left open


class CashNotice(enum.Enum):
    """What the screen tells the customer (calm words; ui/ maps them to messages)."""

    NOTE_RETURNED = "note_returned"  # not accepted (inhibited value, master inhibit)
    FAKE_NOTE = "fake_note"  # failed validation
    PULLED_BACK = "pulled_back"
    JAMMED = "jammed"  # stacked notes are credited; staff are needed
    STACKER_FULL = "stacker_full"
    STACKER_REMOVED = "stacker_removed"
    DEVICE_LOST = "device_lost"
    TIMEOUT = "timeout"  # 60 s without a note
    UNCERTAIN = "uncertain"


_NOTICES = {
    BillStatus.MASTER_INHIBIT_ACTIVE: CashNotice.NOTE_RETURNED,
    BillStatus.RETURNED_FROM_ESCROW: CashNotice.NOTE_RETURNED,
    BillStatus.INVALID_BILL_VALIDATION: CashNotice.FAKE_NOTE,
    BillStatus.INVALID_BILL_TRANSPORT: CashNotice.NOTE_RETURNED,
    BillStatus.INHIBITED_BILL_SERIAL: CashNotice.NOTE_RETURNED,
    BillStatus.INHIBITED_BILL_DIP: CashNotice.NOTE_RETURNED,
    BillStatus.PULLED_BACKWARDS: CashNotice.PULLED_BACK,
    BillStatus.BARCODE_DETECTED: CashNotice.NOTE_RETURNED,
    BillStatus.JAMMED_TRANSPORT_UNSAFE: CashNotice.JAMMED,
    BillStatus.JAMMED_TRANSPORT_SAFE: CashNotice.JAMMED,
    BillStatus.JAMMED_IN_STACKER: CashNotice.JAMMED,
    BillStatus.STACKER_JAMMED: CashNotice.JAMMED,
    BillStatus.STACKER_FULL: CashNotice.STACKER_FULL,
    BillStatus.STACKER_REMOVED: CashNotice.STACKER_REMOVED,
    BillStatus.STACKER_FAULTY: CashNotice.JAMMED,
    BillStatus.ANTI_STRING_FAULTY: CashNotice.JAMMED,
}
_JAM = {CashNotice.JAMMED}


class CashBlocker(enum.Enum):
    """Why cash cannot be taken now: the one place that says so (home, pay screen, health).

    The value is the health report's problem code (kiosk/status.py); ``STARTING`` has none:
    the acceptor answered but its bill table is not read yet."""

    SILENT = CASH_SILENT
    JAMMED = CASH_JAMMED
    STACKER_FULL = CASH_STACKER_FULL
    STACKER_REMOVED = CASH_STACKER_REMOVED
    UNCERTAIN = CASH_UNCERTAIN
    PENDING = CASH_PENDING
    BOX_FULL = CASH_BOX_FULL  # the journal counts the box full: clearance (清机) due
    CLEARANCE = CASH_CLEARANCE  # staff are emptying the box
    STARTING = "starting"

    @property
    def code(self) -> str | None:
        """The health report's code, or None for a passing state."""
        return None if self is CashBlocker.STARTING else self.value


class CashBusy(RuntimeError):  # noqa: N818 - a state, like CashUnavailable
    """A clearance cannot start while a customer's payment is in progress."""


class CashUnavailable(RuntimeError):  # noqa: N818 - a state, named like the backend's errors
    """Cash cannot be taken now; ``problems`` says why (QR payment still works)."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        self.problems = problems
        super().__init__("cash unavailable: " + (", ".join(problems) or "acceptor not ready"))


@dataclass(frozen=True)
class CashView:
    """A snapshot for the screen (and tests)."""

    state: CashState
    order_id: str | None = None
    masked_name: str = ""
    masked_phone: str = ""
    notes: tuple[tuple[int, int], ...] = ()  # (value_fen, count), smallest value first
    total_fen: int = 0
    notice: CashNotice | None = None
    credited_fen: int | None = None
    balance_after_fen: int | None = None
    transaction_id: str | None = None
    money: LineMoney | None = None  # once credited: the line's figure, as the overview's
    accepted_fen: tuple[int, ...] = ()  # the values the acceptor takes (shown first)

    @property
    def note_count(self) -> int:
        return sum(count for _value, count in self.notes)


@dataclass
class _Order:
    order_key: str
    order_id: str | None
    masked_name: str = ""
    masked_phone: str = ""
    was_open: bool = True  # the acceptor may have been open for it


class CashDesk:
    """See the module docstring. Thread-safe; listeners run on the desk's threads."""

    def __init__(
        self,
        acceptor_factory: Callable[[], BanknoteAcceptor],
        ledger: CashLedger,
        backend: CashBackend,
        *,
        interval: float = 0.15,
        drain_quiet_s: float = DRAIN_QUIET_S,
        insert_timeout_s: float = INSERT_TIMEOUT_S,
        device_wait_s: float = DEVICE_WAIT_S,
        pending_after_s: float = PENDING_AFTER_S,
        retry_s: float = 1.0,
        accepted_fen: frozenset[int] | None = None,
        on_change: Callable[[CashView], None] | None = None,
        on_stage: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        box_capacity: int | None = None,
    ) -> None:
        self._ledger = ledger
        self._backend = backend
        self._drain_quiet_s = drain_quiet_s
        self._insert_timeout_s = insert_timeout_s
        self._device_wait_s = device_wait_s
        self._pending_after_s = pending_after_s
        self._retry_s = retry_s
        self._accepted_fen = accepted_fen
        self._listeners: list[Callable[[CashView], None]] = [on_change] if on_change else []
        self._on_stage = on_stage or (lambda _stage: None)
        self._clock = clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._state = CashState.IDLE
        self._order: _Order | None = None
        self._notes: list[int] = []  # values of this order's journaled notes
        self._notice: CashNotice | None = None
        self._result: CashOrder | None = None
        self._table: dict[int, BillValue] = {}
        self._faults: set[CashNotice] = set()
        self._link_problem: str | None = CASH_SILENT  # until the first READY
        self._close_requested = False
        self._recover_requested = True
        self._recover_passes = 0
        self._last_note_at = 0.0
        self._last_change_at = 0.0
        self._inhibited_at: float | None = None
        self._polls = 0
        self._polls_at_inhibit = 0
        self._closing_since: float | None = None
        device = ledger.device()
        self._journaled_counter = device.last_counter
        self._box_capacity = box_capacity
        self._box_notes = ledger.box().note_count
        self._clearing = False
        self._stacker_listeners: list[Callable[[bool], None]] = []
        self.poller = AcceptorPoller(
            acceptor_factory,
            self._on_read,
            self._on_link,
            counter=EventCounter(device.last_counter),
            interval=interval,
        )
        self._worker = threading.Thread(target=self._work, name="cash-desk", daemon=True)
        self._resume_unfinished()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the device thread and the reporter (which completes earlier orders first)."""
        self.poller.start()
        self._worker.start()

    def stop(self) -> None:
        """Stop both threads (an open order stays in the journal for the next start)."""
        self._stop.set()
        self._wake.set()
        self.poller.stop()
        self._worker.join(10)

    @property
    def running(self) -> bool:
        """False once stopped (a screen's late read must not touch the closed journal)."""
        return not self._stop.is_set()

    def __enter__(self) -> CashDesk:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def backend(self) -> CashBackend:
        """The desk's own backend client (清机 records through it too)."""
        return self._backend

    @property
    def ledger(self) -> CashLedger:
        """The desk's journal (the admin screen lists recent cash orders from it)."""
        return self._ledger

    def add_listener(self, listener: Callable[[CashView], None]) -> None:
        self._listeners.append(listener)

    # -- what the screens ask ----------------------------------------------------------------

    @property
    def view(self) -> CashView:
        with self._lock:
            return self._view()

    def blockers(self) -> tuple[CashBlocker, ...]:
        """Why cash is off (empty: it can be taken); the home and pay screens and the health
        report all read this."""
        with self._lock:
            out: list[CashBlocker] = []
            if self._link_problem:
                out.append(CashBlocker.SILENT)
            elif not self._table:
                out.append(CashBlocker.STARTING)
            if CashNotice.JAMMED in self._faults:
                out.append(CashBlocker.JAMMED)
            if CashNotice.STACKER_FULL in self._faults:
                out.append(CashBlocker.STACKER_FULL)
            if CashNotice.STACKER_REMOVED in self._faults:
                out.append(CashBlocker.STACKER_REMOVED)
            if self._ledger.device().uncertain_reason or CashNotice.UNCERTAIN in self._faults:
                out.append(CashBlocker.UNCERTAIN)
            if self._state in (CashState.PENDING, CashState.RECOVERING) or (
                self._state is CashState.IDLE and self._ledger.unresolved_orders()
            ):
                out.append(CashBlocker.PENDING)
            if self._box_capacity is not None and self._box_notes >= self._box_capacity:
                out.append(CashBlocker.BOX_FULL)
            if self._clearing:
                out.append(CashBlocker.CLEARANCE)
            return tuple(out)

    def problems(self) -> tuple[str, ...]:
        """Health codes (kiosk/status.py); empty when cash can be taken."""
        return tuple(code for b in self.blockers() if (code := b.code) is not None)

    @property
    def available(self) -> bool:
        """True when a new cash payment may start."""
        with self._lock:
            return not self.blockers() and self._state in (CashState.IDLE, CashState.DONE)

    @property
    def box_capacity(self) -> int | None:
        """Notes the box holds (``devices.cash_box_capacity``), None when not configured."""
        return self._box_capacity

    def box_notes(self) -> int:
        """Notes in the box by the journal (since the last clearance)."""
        with self._lock:
            return self._box_notes

    def wait_for(self, predicate: Callable[[CashView], bool], timeout: float) -> bool:
        """Block until the view satisfies ``predicate`` (tests, the bench, a worker thread)."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self._view()), timeout)

    # -- the customer's steps ----------------------------------------------------------------

    def begin(self, phone: str) -> CashOrder:
        """Open the order on the backend (journaled first). Raises CashUnavailable, or the
        backend's typed error (then nothing is left open)."""
        with self._lock:
            if not self.available:
                raise CashUnavailable(self.problems())
            key = str(uuid.uuid4())
            self._ledger.begin_order(key, phone)
            self._set(CashState.ORDERING, order=_Order(key, None), notes=[], notice=None)
        try:
            order = self._backend.create_cash_order(phone, key)
        except BackendError as exc:
            unknown = outcome_unknown(exc)
            if not unknown:  # refused: nothing is open on the backend
                self._ledger.set_order(key, CashOrderState.ABANDONED)
            with self._lock:
                self._set(CashState.IDLE, order=None)
            if unknown:
                self._wake.set()  # the recovery pass settles the key once the backend answers
            raise
        self._ledger.set_order(key, CashOrderState.OPEN, order_id=order.order_id)
        with self._lock:
            self._set(
                CashState.CONFIRM,
                order=_Order(key, order.order_id, order.masked_name, order.masked_phone, False),
            )
        return order

    def accept(self, timeout: float = 5.0) -> None:
        """The customer confirmed the name: the acceptor opens for the accepted values."""
        with self._lock:
            if self._state is not CashState.CONFIRM or self._order is None:
                raise RuntimeError(f"accept() in state {self._state.value}")
            channels = frozenset(
                c for c, b in self._table.items() if b.value_fen in self._accepted_values()
            )
            self._order.was_open = True
            self._inhibited_at = None
            self._last_note_at = self._clock()
            self._set(CashState.ACCEPTING)
        try:
            self.poller.submit(lambda a: a.accept(channels)).result(timeout)
        except (CashAcceptorError, TimeoutError) as exc:
            log.warning("the acceptor did not open: %s", type(exc).__name__)
            self.finish(CashNotice.DEVICE_LOST)
            raise CashUnavailable(self.problems()) from exc

    def finish(self, notice: CashNotice | None = None) -> None:
        """完成 (or cancel, or a fault): close the acceptor, drain, report, credit."""
        with self._lock:
            if self._state not in (CashState.CONFIRM, CashState.ACCEPTING):
                return
            self._close_requested = True
            self._closing_since = self._clock()
            self._set(CashState.CLOSING, notice=notice or self._notice)
        self._wake.set()

    cancel = finish  # before any note: the order is closed empty, nothing is credited

    def reset(self) -> None:
        """The customer left after DONE: ready for the next one (PENDING stays pending)."""
        with self._lock:
            if self._state is CashState.DONE:
                self._set(CashState.IDLE, order=None, notes=[], notice=None)
                self._result = None

    # -- staff -------------------------------------------------------------------------------

    def recover(self, timeout: float = 30.0) -> int:
        """Complete unfinished orders now (admin screen); returns how many are still open."""
        with self._lock:
            passes = self._recover_passes
            self._recover_requested = True
        self._wake.set()
        with self._changed:
            self._changed.wait_for(lambda: self._recover_passes > passes, timeout)
        return len(self._ledger.unresolved_orders())

    def clear_uncertain(self) -> None:
        """Staff reconciled the box (清机 recorded on the backend): cash may be taken again."""
        self._ledger.clear_uncertain()
        with self._lock:
            self._faults.discard(CashNotice.UNCERTAIN)
            self._notify()

    def add_stacker_listener(self, listener: Callable[[bool], None]) -> None:
        """``listener(present)`` on the poller thread when the acceptor reports the cash box
        removed (False) or inserted (True)."""
        self._stacker_listeners.append(listener)

    def begin_clearance(self) -> None:
        """Staff start emptying the box: no cash payment may start until it ends. CashBusy
        while a customer's payment is in progress."""
        with self._lock:
            if self._state not in (CashState.IDLE, CashState.DONE):
                raise CashBusy(f"a cash payment is in progress ({self._state.value})")
            self._clearing = True
            self._notify()

    def end_clearance(self, clearance_id: str | None, *, flagged: bool = False) -> None:
        """The clearance ended: with its backend id, the box is empty by the journal too;
        None: given up (nothing changes but cash may be taken again)."""
        if clearance_id is not None:
            box = self._ledger.box()
            self._ledger.record_clearance(
                clearance_id, box.note_count, box.total_fen, flagged=flagged
            )
        with self._lock:
            self._clearing = False
            self._box_notes = self._ledger.box().note_count
            self._notify()

    # -- internals: state --------------------------------------------------------------------

    def _accepted_values(self) -> frozenset[int]:
        values = frozenset(b.value_fen for b in self._table.values())
        return values & self._accepted_fen if self._accepted_fen is not None else values

    def _view(self) -> CashView:
        order, result = self._order, self._result
        counts = Counter(self._notes)
        return CashView(
            state=self._state,
            order_id=order.order_id if order else None,
            masked_name=order.masked_name if order else "",
            masked_phone=order.masked_phone if order else "",
            notes=tuple(sorted(counts.items())),
            total_fen=sum(self._notes),
            notice=self._notice,
            credited_fen=result.credited_fen if result else None,
            balance_after_fen=result.balance_after_fen if result else None,
            transaction_id=result.transaction_id if result else None,
            money=result.money if result else None,
            accepted_fen=tuple(sorted(self._accepted_values())),
        )

    _UNSET = object()

    def _set(
        self,
        state: CashState | None = None,
        *,
        order: _Order | object | None = _UNSET,
        notes: list[int] | None = None,
        notice: CashNotice | object | None = _UNSET,
    ) -> None:
        """Change state (lock held) and tell the listeners."""
        if state is not None:
            self._state = state
        if order is not self._UNSET:
            self._order = order  # type: ignore[assignment]
        if notes is not None:
            self._notes = notes
        if notice is not self._UNSET:
            self._notice = notice  # type: ignore[assignment]
        self._notify()

    def _notify(self) -> None:
        view = self._view()
        self._changed.notify_all()
        for listener in list(self._listeners):
            try:
                listener(view)
            except Exception:
                log.exception("cash view listener failed")

    def _resume_unfinished(self) -> None:
        """At construction: the newest order an earlier run left open takes the notes the
        poller finds after the journaled counter."""
        unfinished = [
            o for o in self._ledger.unresolved_orders() if o.state is not CashOrderState.CREATING
        ]
        if unfinished:
            newest = unfinished[-1]
            self._order = _Order(
                newest.order_key,
                newest.order_id,
                "",
                newest.masked_phone,
                newest.state is CashOrderState.OPEN,
            )
            self._notes = [n.value_fen for n in self._ledger.notes(newest.order_key)]
            self._state = CashState.RECOVERING
            self._close_requested = True
            self._closing_since = self._clock()
            log.info("resuming %d unfinished cash order(s) from the journal", len(unfinished))

    # -- internals: the poller thread --------------------------------------------------------

    def _on_link(self, event: LinkEvent) -> None:
        if event.kind is LinkKind.READY:

            attempts = iter(range(_TABLE_ATTEMPTS - 1))

            def loaded(future: object) -> None:
                try:
                    table = self.poller_result(future)
                except CashAcceptorError as exc:
                    # One late reply (a busy machine) must not leave cash off until a restart.
                    if next(attempts, None) is not None:
                        log.info("bill table not read (%s): asking again", exc.cause)
                        self.poller.submit(lambda a: a.bill_table()).add_done_callback(loaded)
                        return
                    log.warning("bill table not read: %s", exc.cause)
                    return
                with self._lock:
                    self._table = table
                    self._link_problem = None
                    self._notify()

            # Safe state first: nothing goes in unless an order is accepting.
            with self._lock:
                keep_open = self._state is CashState.ACCEPTING
            if not keep_open:
                self.poller.submit(lambda a: a.inhibit())
            self.poller.submit(lambda a: a.bill_table()).add_done_callback(loaded)
            return
        with self._lock:
            self._link_problem = CASH_SILENT
            log.warning(
                "banknote acceptor %s", "silent" if isinstance(event.error, NoReply) else "lost"
            )
            if self._state is CashState.ACCEPTING:
                self._notice = CashNotice.DEVICE_LOST
                self._close_requested = True
                self._closing_since = self._clock()
                self._state = CashState.CLOSING
            self._notify()
        self._wake.set()

    @staticmethod
    def poller_result(future: object) -> dict[int, BillValue]:
        from concurrent.futures import Future

        assert isinstance(future, Future)
        result: dict[int, BillValue] = future.result()
        return result

    def _on_read(self, read: EventRead) -> None:
        """Journal first, then show, then wake the reporter (poller thread)."""
        stacker: list[bool] = []
        with self._lock:
            self._polls += 1
            takes_notes = self._state in (
                CashState.ACCEPTING,
                CashState.CLOSING,
                CashState.RECOVERING,
            )
            order = self._order if takes_notes else None
            credits: list[tuple[int, int]] = []
            unassigned = 0
            uncertain: str | None = None
            notices: list[CashNotice] = []
            for event in read.events:
                if event.kind is EventKind.CREDIT:
                    bill = self._table.get(event.channel)
                    if bill is None:
                        uncertain = "credit_on_unknown_channel"
                    elif order is not None:
                        credits.append((event.channel, bill.value_fen))
                    else:
                        unassigned += bill.value_fen
                        uncertain = "note_without_order"
                elif event.status is BillStatus.UNKNOWN_BILL_STACKED:
                    uncertain = "unknown_bill_stacked"
                elif event.status is BillStatus.STACKER_INSERTED:
                    self._faults.clear()
                    stacker.append(True)
                elif event.status in _NOTICES:
                    notices.append(_NOTICES[event.status])
                    if event.status is BillStatus.STACKER_REMOVED:
                        stacker.append(False)
            if read.uncertain and order is not None and order.was_open:
                uncertain = "events_lost" if read.lost else "device_reset"
            if read.events or read.reset or uncertain or credits:
                self._last_change_at = self._clock()
            changed = bool(read.events or read.reset or uncertain or credits)
            if changed or read.counter != self._journaled_counter:
                # The counter is journaled even without events (the first read's baseline):
                # after a crash, events after it are read as new, never skipped.
                try:
                    journaled = self._ledger.record_read(
                        order.order_key if order is not None and credits else None,
                        credits,
                        read.counter,
                        uncertain=uncertain,
                        unassigned_fen=unassigned,
                    )
                    self._journaled_counter = read.counter
                except CashJournalError:
                    # The notes are in the box but not on disk: never guess, stop taking cash.
                    log.exception("cash journal write failed; cash count uncertain")
                    journaled = []
                    notices.append(CashNotice.UNCERTAIN)
                    self._faults.add(CashNotice.UNCERTAIN)
                self._box_notes += len(journaled)
                for note in journaled:
                    self._notes.append(note.value_fen)
                    self._last_note_at = self._clock()
                    self._on_stage("note_journaled")
            if uncertain:
                log.warning("cash count uncertain: %s", uncertain)
                notices.append(CashNotice.UNCERTAIN)
            for notice in notices:
                self._notice = notice
                if notice is not CashNotice.NOTE_RETURNED and notice not in (
                    CashNotice.FAKE_NOTE,
                    CashNotice.PULLED_BACK,
                ):
                    self._faults.add(notice)
            fault_now = self._state is CashState.ACCEPTING and any(
                n not in (CashNotice.NOTE_RETURNED, CashNotice.FAKE_NOTE, CashNotice.PULLED_BACK)
                for n in notices
            )
            if fault_now:
                # Jam, stacker full, lost events: the notes already stacked are credited.
                self._close_requested = True
                self._closing_since = self._clock()
                self._state = CashState.CLOSING
            if changed or fault_now:
                self._notify()
            else:
                self._changed.notify_all()  # a drain waits on polls, listeners on changes
        for present in stacker:
            for listener in list(self._stacker_listeners):
                try:
                    listener(present)
                except Exception:
                    log.exception("cash stacker listener failed")
        self._wake.set()

    # -- internals: the reporter thread ------------------------------------------------------

    def _work(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(0.2)
            self._wake.clear()
            try:
                self._work_once()
            except Exception:  # the reporter must survive anything and try again
                log.exception("cash desk reporter step failed")
                self._stop.wait(self._retry_s)

    def _work_once(self) -> None:
        with self._lock:
            state, order = self._state, self._order
            close = self._close_requested
            timed_out = (
                state is CashState.ACCEPTING
                and self._clock() - self._last_note_at >= self._insert_timeout_s
            )
        if timed_out:
            self.finish(CashNotice.TIMEOUT)
            return
        if (
            order is not None
            and order.order_id
            and state
            in (
                CashState.ACCEPTING,
                CashState.CLOSING,
                CashState.RECOVERING,
                CashState.PENDING,
            )
        ):
            self._report(order)
        if close and order is not None:
            self._close(order)
            return
        with self._lock:
            recover = self._recover_requested or (
                self._state is CashState.IDLE and bool(self._ledger.unresolved_orders())
            )
        if recover:
            self._recover_others()

    def _report(self, order: _Order) -> bool:
        """Report every journaled note the backend does not have; True when all are."""
        assert order.order_id is not None
        for note in self._ledger.notes(order.order_key):
            if note.reported:
                continue
            try:
                self._backend.report_cash_note(
                    order.order_id,
                    note.sequence,
                    note.value_fen,
                    note.event_counter,
                    f"{order.order_key}:n{note.sequence}",
                )
            except BackendError as exc:
                if not outcome_unknown(exc):
                    log.warning("cash note %d not accepted: %s", note.sequence, exc.code)
                return False
            self._ledger.mark_reported(order.order_key, note.sequence)
            self._on_stage("note_reported")
        return True

    def _drained(self, order: _Order) -> bool:
        """Inhibit, then wait until the counter has been still for the quiet time."""
        if not order.was_open:
            return True
        with self._lock:
            inhibited_at = self._inhibited_at
        if inhibited_at is None:
            try:
                self.poller.submit(lambda a: a.inhibit()).result(2.0)
            except (CashAcceptorError, TimeoutError):
                return self._device_gone(order)
            with self._lock:
                self._inhibited_at = inhibited_at = self._clock()
                self._polls_at_inhibit = self._polls
            self._on_stage("inhibited")
        with self._changed:
            still = self._changed.wait_for(
                lambda: (
                    self._stop.is_set()
                    or (
                        self._polls >= self._polls_at_inhibit + 2
                        and self._clock() - max(self._last_change_at, inhibited_at)
                        >= self._drain_quiet_s
                    )
                ),
                timeout=self._drain_quiet_s + 0.5,
            )
        if not still and not self.poller.ready:
            return self._device_gone(order)
        return still and not self._stop.is_set()

    def _device_gone(self, order: _Order) -> bool:
        """The acceptor is away during a close: wait a while, then close with what is
        journaled and mark the count uncertain (a note may have landed unseen)."""
        with self._lock:
            since = self._closing_since or self._clock()
        if self._clock() - since < self._device_wait_s:
            return False
        log.warning("closing a cash order without the acceptor; cash count uncertain")
        self._ledger.set_uncertain("closed_without_acceptor")
        return True

    def _close(self, order: _Order) -> None:
        if not self._drained(order):
            return
        current = self._ledger.order(order.order_key)
        if current is not None and current.state is CashOrderState.OPEN:
            self._ledger.set_order(order.order_key, CashOrderState.CLOSING)
            self._on_stage("drained")
        done = self._complete(order.order_key, order.order_id)
        if done is None:
            with self._lock:
                waited = self._clock() - (self._closing_since or self._clock())
                if waited >= self._pending_after_s and self._state is not CashState.PENDING:
                    self._set(CashState.PENDING)
            self._stop.wait(self._retry_s)  # the backend is away: do not hammer it
            self._wake.set()
            return
        with self._lock:
            self._close_requested = False
            self._inhibited_at = None
            recovering = self._state is CashState.RECOVERING
            self._result = done if isinstance(done, CashOrder) else None
            if recovering:
                self._set(CashState.IDLE, order=None, notes=[])
                self._recover_requested = True
            else:
                self._set(CashState.DONE)
        self._wake.set()

    def _complete(self, order_key: str, order_id: str | None) -> CashOrder | bool | None:
        """Report and close one drained order. The closed order (True when it had no backend
        order), or None when the backend must be asked again later."""
        if order_id is None:
            return self._settle_creation(order_key)
        order = _Order(order_key, order_id)
        if not self._report(order):
            return None
        notes = self._ledger.notes(order_key)
        total = sum(n.value_fen for n in notes)
        try:
            closed = self._backend.close_cash_order(
                order_id, len(notes), total, f"{order_key}:close"
            )
        except Conflict:
            self._resync(order)
            return None
        except BackendError as exc:
            if not outcome_unknown(exc):
                log.warning("cash order close refused: %s", exc.code)
            return None
        self._on_stage("close_answered")  # credited on the backend, not yet in the journal
        state = CashOrderState.CLOSED if notes else CashOrderState.ABANDONED
        self._ledger.set_order(
            order_key,
            state,
            credited_fen=closed.credited_fen,
            transaction_id=closed.transaction_id,
        )
        self._on_stage("closed")
        log.info("cash order closed: %d notes, %d fen", len(notes), total)
        return closed

    def _resync(self, order: _Order) -> None:
        """The backend's notes differ from the journal's: mark what it has, report the rest."""
        assert order.order_id is not None
        try:
            remote = self._backend.cash_order(order.order_id)
        except BackendError:
            return
        if remote.status is CashOrderStatus.CLOSED:
            return
        have = {n.sequence for n in remote.notes}
        for note in self._ledger.notes(order.order_key):
            if note.sequence in have and not note.reported:
                self._ledger.mark_reported(order.order_key, note.sequence)
        self._report(order)

    def _settle_creation(self, order_key: str) -> bool | None:
        """An order whose creation answer was lost: no note can belong to it (the acceptor
        opens only after the answer). Close it empty if it exists."""
        try:
            state = self._backend.settle_transaction(order_key)
        except BackendError:
            return None
        if state.applied and state.reference:
            try:
                self._backend.close_cash_order(state.reference, 0, 0, f"{order_key}:close")
            except BackendError:
                return None
        self._ledger.set_order(order_key, CashOrderState.ABANDONED, order_id=state.reference)
        return True

    def _recover_others(self) -> None:
        """Orders of earlier runs other than the one being resumed (already drained: only the
        newest can have had an open acceptor)."""
        with self._lock:
            current = self._order.order_key if self._order else None
            self._recover_requested = False
        for entry in self._ledger.unresolved_orders():
            if entry.order_key == current:
                continue
            self._recover_one(entry)
        with self._lock:
            self._recover_passes += 1
            self._notify()

    def _recover_one(self, entry: LedgerOrder) -> None:
        if entry.state is CashOrderState.OPEN:
            self._ledger.set_order(entry.order_key, CashOrderState.CLOSING)
        self._complete(entry.order_key, entry.order_id)
