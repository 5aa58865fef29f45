"""The core cash top-up against the live backend and the bill validator emulator on a pty.

Every assertion on money reads the backend's own rows (lines, cash_notes, transactions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from emulators.cash import BillValidatorEmulator
from kiosk.backend.client import BackendClient
from kiosk.cash.desk import CashDesk, CashNotice, CashState, CashUnavailable, CashView
from kiosk.cash.ledger import CashLedger, CashOrderState
from kiosk.devices.cash import SerialBanknoteAcceptor
from kiosk.status import CASH_JAMMED, CASH_UNCERTAIN
from tests.fixtures.live_backend import LiveBackend

WAIT = 15.0


@dataclass
class Rig:
    emulator: BillValidatorEmulator
    desk: CashDesk
    ledger: CashLedger
    backend: LiveBackend
    client: BackendClient

    def balance(self, phone: str) -> int:
        rows = self.backend.query("SELECT balance_fen FROM lines WHERE number = ?", phone)
        return int(rows[0][0])

    def wait(self, predicate: object, what: str) -> CashView:
        assert callable(predicate)
        assert self.desk.wait_for(predicate, WAIT), f"timed out waiting for {what}"
        return self.desk.view

    def ready(self) -> None:
        self.wait(lambda _v: self.desk.available, "the desk to be available")


def make_rig(
    tmp_path: Path,
    backend: LiveBackend,
    *,
    transport_s: float = 0.05,
    drain_quiet_s: float = 0.6,
    counter: int = 0,
    backend_for_desk: object = None,
) -> Iterator[Rig]:
    ledger = CashLedger(tmp_path / "journal.sqlite3")
    with (
        BillValidatorEmulator(transport_s=transport_s) as emulator,
        backend.client() as client,
    ):
        emulator.counter = counter  # the device's counter when the kiosk starts
        desk = CashDesk(
            lambda: SerialBanknoteAcceptor(emulator.port_path, timeout=0.3),
            ledger,
            backend_for_desk or client,  # type: ignore[arg-type]
            interval=0.1,
            drain_quiet_s=drain_quiet_s,
            device_wait_s=1.0,
            pending_after_s=1.0,
            retry_s=0.2,
        )
        with desk:
            yield Rig(emulator, desk, ledger, backend, client)
    ledger.close()


@pytest.fixture
def rig(tmp_path: Path, live_backend: LiveBackend) -> Iterator[Rig]:
    yield from make_rig(tmp_path, live_backend)


def test_notes_show_at_once_and_the_sum_is_credited_once(rig: Rig) -> None:
    phone = rig.backend.random_numbers()[0]
    before = rig.balance(phone)
    rig.ready()
    order = rig.desk.begin(phone)
    view = rig.desk.view
    assert view.state is CashState.CONFIRM and view.masked_name == order.masked_name
    assert view.accepted_fen == (100, 500, 1000, 2000, 5000, 10000)
    assert rig.emulator.insert(100).startswith("returned")  # nothing goes in before confirming
    rig.desk.accept()
    for value in (100, 20, 20):
        rig.emulator.insert(value)
    view = rig.wait(lambda v: v.total_fen == 14000, "the running total")
    assert view.notes == ((2000, 2), (10000, 1))
    assert rig.ledger.notes(rig.ledger.recent_orders(1)[0].order_key)[0].value_fen == 10000
    rig.desk.finish()
    view = rig.wait(lambda v: v.state is CashState.DONE, "the credit")
    assert view.credited_fen == 14000
    assert rig.balance(phone) == before + 14000
    assert view.balance_after_fen == before + 14000
    # The view carries the closed order's money (the overview's figure) for the screen.
    assert view.money is not None and view.money.due_fen == max(0, -(before + 14000))
    assert not rig.emulator.accepting  # the acceptor is closed again
    rows = rig.backend.query(
        "SELECT sequence, value_fen FROM cash_notes WHERE order_id = ? ORDER BY sequence",
        order.order_id,
    )
    assert rows == [(1, 10000), (2, 2000), (3, 2000)]
    assert rig.backend.query(
        "SELECT amount_fen FROM transactions WHERE kind = 'cash_topup' AND detail = ?",
        order.order_id,
    ) == [(14000,)]
    assert rig.ledger.order(rig.ledger.recent_orders(1)[0].order_key).state is (  # type: ignore[union-attr]
        CashOrderState.CLOSED
    )
    rig.desk.reset()
    assert rig.desk.available


def test_a_note_inserted_just_before_finish_is_never_lost(
    tmp_path: Path, live_backend: LiveBackend
) -> None:
    """The old terminals' bug: the note was in the transport when the customer tapped 交费."""
    for rig in make_rig(tmp_path, live_backend, transport_s=0.8, drain_quiet_s=1.2):
        phone = rig.backend.random_numbers()[1]
        before = rig.balance(phone)
        rig.ready()
        rig.desk.begin(phone)
        rig.desk.accept()
        assert rig.emulator.insert(50) == "stacking"
        rig.desk.finish()  # at once: the note is past the gate but not stacked yet
        assert rig.desk.view.total_fen == 0
        view = rig.wait(lambda v: v.state is CashState.DONE, "the credit")
        assert view.credited_fen == 5000
        assert rig.balance(phone) == before + 5000


def test_cancel_at_the_name_check_credits_nothing(rig: Rig) -> None:
    phone = rig.backend.random_numbers()[2]  # topping up someone else's number
    before = rig.balance(phone)
    rig.ready()
    order = rig.desk.begin(phone)
    assert order.masked_phone.startswith(phone[:3]) and "****" in order.masked_phone
    rig.desk.cancel()
    rig.wait(lambda v: v.state is CashState.DONE, "the empty close")
    assert rig.balance(phone) == before
    assert rig.backend.query(
        "SELECT status, credited_fen FROM cash_orders WHERE order_id = ?", order.order_id
    ) == [("closed", 0)]


def test_fake_and_pulled_back_notes_get_calm_words_and_no_credit(rig: Rig) -> None:
    phone = rig.backend.random_numbers()[0]
    rig.ready()
    rig.desk.begin(phone)
    rig.desk.accept()
    rig.emulator.fake()
    assert rig.wait(lambda v: v.notice is CashNotice.FAKE_NOTE, "the fake-note notice")
    rig.emulator.pull_back()
    view = rig.wait(lambda v: v.notice is CashNotice.PULLED_BACK, "the pulled-back notice")
    assert view.state is CashState.ACCEPTING and view.total_fen == 0
    rig.desk.finish()
    assert rig.wait(lambda v: v.state is CashState.DONE, "the close").credited_fen == 0


@pytest.mark.allow_log_warnings
def test_jam_mid_payment_credits_the_stacked_notes_and_stops_cash(rig: Rig) -> None:
    phone = rig.backend.random_numbers()[1]
    before = rig.balance(phone)
    rig.ready()
    rig.desk.begin(phone)
    rig.desk.accept()
    rig.emulator.insert(10)
    rig.wait(lambda v: v.total_fen == 1000, "the first note")
    rig.emulator.jam()
    view = rig.wait(lambda v: v.state is CashState.DONE, "the automatic close")
    assert (view.notice, view.credited_fen) == (CashNotice.JAMMED, 1000)
    assert rig.balance(phone) == before + 1000
    assert CASH_JAMMED in rig.desk.problems() and not rig.desk.available
    rig.desk.reset()
    rig.emulator.stacker_inserted()  # staff clear the jam
    rig.ready()


def test_counter_wrap_from_255_to_1_loses_nothing(
    tmp_path: Path, live_backend: LiveBackend
) -> None:
    for rig in make_rig(tmp_path, live_backend, counter=253):  # after a long day of events
        phone = rig.backend.random_numbers()[2]
        before = rig.balance(phone)
        rig.ready()
        rig.desk.begin(phone)
        rig.desk.accept()
        for value, expected in ((1, 100), (5, 600), (10, 1600), (20, 3600)):
            rig.emulator.insert(value)  # counters 254, 255, 1, 2
            rig.wait(lambda v, e=expected: v.total_fen == e, f"total {expected}")
        assert rig.emulator.counter == 2
        rig.desk.finish()
        view = rig.wait(lambda v: v.state is CashState.DONE, "the credit")
        assert view.credited_fen == 3600 and rig.balance(phone) == before + 3600
        assert CASH_UNCERTAIN not in rig.desk.problems()


@pytest.mark.allow_log_warnings
def test_a_counter_gap_makes_the_count_uncertain_until_staff_reconcile(rig: Rig) -> None:
    phone = rig.backend.random_numbers()[0]
    before = rig.balance(phone)
    rig.ready()
    rig.desk.begin(phone)
    rig.desk.accept()
    rig.emulator.insert(100, count=7, transport_s=0)  # 7 events between two polls
    view = rig.wait(lambda v: v.state is CashState.DONE, "the automatic close")
    # The 5 notes seen are credited; the 2 that fell out of the buffer are not guessed.
    assert (view.notice, view.credited_fen) == (CashNotice.UNCERTAIN, 50000)
    assert rig.balance(phone) == before + 50000
    assert CASH_UNCERTAIN in rig.desk.problems()
    assert rig.ledger.device().uncertain_reason == "events_lost"
    rig.desk.reset()
    with pytest.raises(CashUnavailable):
        rig.desk.begin(phone)
    rig.desk.clear_uncertain()  # after 清机 (the clearance flags the 2 uncounted notes)
    rig.ready()


class _Switchable:
    """The real client, or one whose backend is unreachable: the network goes and comes back."""

    def __init__(self, live: BackendClient, dead: BackendClient) -> None:
        self.live, self.dead, self.down = live, dead, False

    def __getattr__(self, name: str) -> object:
        return getattr(self.dead if self.down else self.live, name)


@pytest.mark.allow_log_warnings
def test_backend_down_at_close_leaves_the_notes_pending_then_recover_credits_once(
    tmp_path: Path, live_backend: LiveBackend
) -> None:
    dead = BackendClient(
        "http://127.0.0.1:9", "KIOSK-DEMO-01", "x" * 12, connect_timeout=0.2, retries=0
    )
    with live_backend.client() as live, dead:
        network = _Switchable(live, dead)
        for rig in make_rig(tmp_path, live_backend, backend_for_desk=network):
            phone = rig.backend.random_numbers()[2]
            before = rig.balance(phone)
            rig.ready()
            order = rig.desk.begin(phone)
            rig.desk.accept()
            network.down = True  # the hall's network fails with the acceptor open
            rig.emulator.insert(50)
            rig.emulator.insert(5)
            rig.wait(lambda v: v.total_fen == 5500, "the running total (journal first)")
            rig.desk.finish()
            view = rig.wait(lambda v: v.state is CashState.PENDING, "pending")
            assert view.total_fen == 5500 and "cash_pending" in rig.desk.problems()
            assert rig.balance(phone) == before
            assert not rig.desk.available
            network.down = False
            assert rig.desk.recover(30) == 0  # the admin screen's "complete now"
            assert rig.desk.view.credited_fen == 5500
            assert rig.balance(phone) == before + 5500
            assert rig.backend.query(
                "SELECT COUNT(*) FROM transactions WHERE detail = ?", order.order_id
            ) == [(1,)]
            rig.desk.reset()
            rig.ready()
