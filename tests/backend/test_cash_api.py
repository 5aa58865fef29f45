"""Cash orders, notes, close and clearance against the real backend (rows asserted)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import update

from backend.db import tables as t
from backend.db.engine import make_engine
from kiosk.backend import errors as e
from kiosk.backend.cash import CashOrderStatus
from kiosk.backend.client import BackendClient
from kiosk.money import MoneyKind
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend


@pytest.fixture(scope="module")
def cash_terminal(own_backend: LiveBackend) -> Iterator[BackendClient]:
    """A terminal of its own, so its cash box starts empty."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backend",
            "add-terminal",
            "--db",
            own_backend.db_url,
            "--id",
            "KIOSK-CASH-01",
            "--token",
            "cash-terminal-token",
        ],
        check=True,
        capture_output=True,
    )
    with BackendClient(own_backend.url, "KIOSK-CASH-01", "cash-terminal-token") as client:
        yield client


def balance(backend: LiveBackend, phone: str) -> int:
    return int(backend.query("SELECT balance_fen FROM lines WHERE number = ?", phone)[0][0])


def test_order_notes_and_close_credit_exactly_once(
    own_backend: LiveBackend, cash_terminal: BackendClient
) -> None:
    phone = own_backend.random_numbers()[5]
    before = balance(own_backend, phone)
    order = cash_terminal.create_cash_order(phone, "cash-order-1")
    assert order.status is CashOrderStatus.OPEN
    assert order.masked_phone == phone[:3] + "****" + phone[-4:]
    assert "*" in order.masked_name
    again = cash_terminal.create_cash_order(phone, "cash-order-1")  # a retried create
    assert again.order_id == order.order_id
    cash_terminal.report_cash_note(order.order_id, 1, 10000, 7, "cash-order-1:n1")
    cash_terminal.report_cash_note(order.order_id, 1, 10000, 7, "cash-order-1:n1")  # replay
    cash_terminal.report_cash_note(order.order_id, 1, 10000, 7, "other-key-n1")  # same note
    with pytest.raises(e.Conflict):
        cash_terminal.report_cash_note(order.order_id, 1, 500, 7, "cash-order-1:n1-bad")
    cash_terminal.report_cash_note(order.order_id, 2, 2000, 8, "cash-order-1:n2")
    with pytest.raises(e.Conflict):  # the terminal holds 3 notes but reported 2
        cash_terminal.close_cash_order(order.order_id, 3, 12500, "cash-order-1:close-a")
    assert balance(own_backend, phone) == before
    closed = cash_terminal.close_cash_order(order.order_id, 2, 12000, "cash-order-1:close")
    assert closed.status is CashOrderStatus.CLOSED
    assert (closed.credited_fen, closed.balance_after_fen) == (12000, before + 12000)
    # closing again (other key, as after a lost answer and a restart) credits nothing more
    cash_terminal.close_cash_order(order.order_id, 2, 12000, "cash-order-1:close-b")
    assert balance(own_backend, phone) == before + 12000
    rows = own_backend.query(
        "SELECT sequence, value_fen, event_counter FROM cash_notes WHERE order_id = ?"
        " ORDER BY sequence",
        order.order_id,
    )
    assert rows == [(1, 10000, 7), (2, 2000, 8)]
    tx = own_backend.query(
        "SELECT kind, amount_fen FROM transactions WHERE detail = ?", order.order_id
    )
    assert tx == [("cash_topup", 12000)]
    with pytest.raises(e.Conflict):  # no note after the close
        cash_terminal.report_cash_note(order.order_id, 3, 100, 9, "cash-order-1:n3")


def test_orders_are_the_terminals_own_and_numbers_must_exist(
    own_backend: LiveBackend, cash_terminal: BackendClient
) -> None:
    with pytest.raises(e.NotFound):
        cash_terminal.create_cash_order("19900000000", "cash-order-unknown")
    phone = own_backend.random_numbers()[5]
    with own_backend.client() as demo_terminal:
        order = demo_terminal.create_cash_order(phone, "cash-order-other-terminal")
    with pytest.raises(e.NotFound):
        cash_terminal.cash_order(order.order_id)
    with pytest.raises(e.InvalidInput):
        cash_terminal.report_cash_note(order.order_id, 1, 300, 1, "bad-value")


def test_box_and_clearance_flag_a_difference(
    own_backend: LiveBackend, cash_terminal: BackendClient
) -> None:
    phone = own_backend.random_numbers()[5]
    first = cash_terminal.cash_box()
    order = cash_terminal.create_cash_order(phone, "cash-order-box")
    for seq, value in enumerate((5000, 5000, 100), start=1):
        cash_terminal.report_cash_note(order.order_id, seq, value, seq, f"cash-order-box:n{seq}")
    box = cash_terminal.cash_box()
    assert box.open_orders == first.open_orders + 1
    assert box.counts[5000] == first.counts.get(5000, 0) + 2
    assert box.total_fen == first.total_fen + 10100
    cash_terminal.close_cash_order(order.order_id, 3, 10100, "cash-order-box:close")
    expected = cash_terminal.cash_box()
    short = dict(expected.counts)
    short[100] -= 1  # staff count one ¥1 note less than was reported
    clearance = cash_terminal.record_cash_clearance(short, "clearance-1")
    assert clearance.expected_fen == expected.total_fen
    assert clearance.counted_fen == expected.total_fen - 100
    assert (clearance.difference_fen, clearance.flagged) == (-100, True)
    assert clearance.orders == expected.orders
    empty = cash_terminal.cash_box()
    assert (empty.note_count, empty.total_fen, empty.since) == (0, 0, clearance.at)
    exact = cash_terminal.record_cash_clearance({}, "clearance-2")
    assert (exact.expected_fen, exact.difference_fen, exact.flagged) == (0, 0, False)
    assert exact.previous_at == clearance.at
    rows = own_backend.query(
        "SELECT COUNT(*) FROM cash_notes WHERE order_id = ? AND clearance_id = ?",
        order.order_id,
        clearance.clearance_id,
    )
    assert rows == [(3,)]


@pytest.mark.parametrize("prepaid", [False, True], ids=["postpaid", "prepaid"])
def test_a_closed_order_carries_the_overviews_money(
    own_backend: LiveBackend, cash_terminal: BackendClient, prepaid: bool
) -> None:
    """Issue 13 "one balance": the cash answer gives the line's figure, not the raw sum (a
    post-paid line owing its bill has a negative sum; its customer must not see that)."""
    phone = own_backend.query(
        "SELECT number FROM lines WHERE id > 9 AND is_prepaid = ? ORDER BY id", prepaid
    )[-1][0]
    engine = make_engine(own_backend.db_url)
    try:
        with engine.begin() as conn:  # post-paid: ¥150 owed; pre-paid: ¥3.50 left
            conn.execute(
                update(t.lines)
                .where(t.lines.c.number == phone)
                .values(balance_fen=350 if prepaid else -15000)
            )
    finally:
        engine.dispose()
    key = f"cash-money-{prepaid}"
    order = cash_terminal.create_cash_order(phone, key)
    assert order.money is None  # open: nothing credited yet
    cash_terminal.report_cash_note(order.order_id, 1, 5000, 1, f"{key}:n1")
    closed = cash_terminal.close_cash_order(order.order_id, 1, 5000, f"{key}:close")
    with own_backend.client() as client:
        client.identify_password(phone, DEMO_PASSWORD)
        overview = client.overview()
    assert closed.money is not None and closed.money == overview.money
    assert cash_terminal.cash_order(order.order_id).money == overview.money  # read again
    if prepaid:
        assert closed.balance_after_fen == 5350
        assert (closed.money.kind, closed.money.available_fen) == (MoneyKind.PREPAID, 5350)
    else:
        assert closed.balance_after_fen == -10000  # the raw sum: never shown
        rows = own_backend.query("SELECT credit_fen FROM lines WHERE number = ?", phone)
        credit = int(rows[0][0])
        assert (closed.money.kind, closed.money.due_fen) == (MoneyKind.POSTPAID, 10000)
        assert closed.money.available_fen == max(0, credit - 10000) >= 0
