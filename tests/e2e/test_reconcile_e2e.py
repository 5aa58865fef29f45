"""A power cut mid-payment, then a restart: the journal is settled against the real backend
and nothing is charged twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend.errors import KeyAbandoned
from kiosk.journal import EntryStatus, Journal
from kiosk.reconcile import NOT_APPLIED, Reconciliation
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend, start_backend
from ui.app import warm_up
from ui.context import BackendHandle, Lazy, Services

PHONE = "13912345678"  # 神州行, pre-paid


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("reconcile_backend")) as live:
        yield live


def _orders(backend: LiveBackend) -> list[tuple[str, int]]:
    return [
        (r[0], r[1])
        for r in backend.query(
            "SELECT p.order_id, p.amount_fen FROM payments p JOIN lines l ON l.id = p.line_id"
            " WHERE l.number = ?",
            PHONE,
        )
    ]


@pytest.mark.timeout(120)
def test_restart_settles_the_journal_and_a_retry_charges_once(
    backend: LiveBackend, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite3"
    # Run 1: the order leaves the kiosk and the backend applies it, but the power fails
    # before the answer is written down; a second order is journaled but never sent.
    journal = Journal(path)
    journal.begin("payment", "pay-applied-1", PHONE, 5000)
    journal.begin("payment", "pay-never-sent", PHONE, 2000)
    with backend.client() as client:
        client.identify_password(PHONE, DEMO_PASSWORD)
        order = client.create_payment(5000, idempotency_key="pay-applied-1")
    journal.close()  # the power cut
    assert _orders(backend) == [(order.order_id, 5000)]

    # Run 2: the kiosk starts and its warm-up job reconciles.
    services = Services(
        backend=BackendHandle(backend.client),
        journal=Lazy(lambda: Journal(path), lambda j: j.close()),
    )
    try:
        # Right after the cut the age guard holds both back (run 1 may still be sending)...
        held = warm_up(services)()
        assert isinstance(held, Reconciliation) and held.waiting == 2 and held.next_due
        # ... and once it has passed they are settled for good.
        due = held.next_due + dt.timedelta(seconds=1)  # both were journaled within a second
        result = warm_up(services, lambda: due)()
        assert result == Reconciliation(done=1, not_applied=1, still_unknown=0)
        entries = {e.idempotency_key: e for e in services.journal.get().recent()}  # type: ignore[union-attr]
        assert entries["pay-applied-1"].status is EntryStatus.DONE
        assert entries["pay-applied-1"].transaction_id == order.order_id
        assert entries["pay-never-sent"].status is EntryStatus.FAILED
        assert entries["pay-never-sent"].error_code == NOT_APPLIED
        assert services.journal.get().unresolved() == []  # type: ignore[union-attr]
    finally:
        services.backend.close()  # type: ignore[union-attr]
        services.journal.close()  # type: ignore[union-attr]

    # A customer retrying the same order with the same key gets the same order: one charge.
    with backend.client() as client:
        client.identify_password(PHONE, DEMO_PASSWORD)
        again = client.create_payment(5000, idempotency_key="pay-applied-1")
        assert client.transaction_state("pay-never-sent").abandoned is True
        # The order journaled but never sent can never be created under its key now.
        with pytest.raises(KeyAbandoned):
            client.create_payment(2000, idempotency_key="pay-never-sent")
    assert again.order_id == order.order_id
    assert _orders(backend) == [(order.order_id, 5000)]
