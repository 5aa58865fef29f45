"""Plan change refusals: the current plan, a change already booked; the current plan again
undoes a booked change. Its own backend: bookings change the line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.agreements import PLAN_CHANGE
from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient
from tests.fixtures.live_backend import LiveBackend, identify_fully, start_backend

ZHANG = "13800138000"  # 全球通 QQT128

PLAN_TERMS = PLAN_CHANGE.version  # the agreement the customer accepted


@pytest.fixture(scope="module")
def zhang(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveBackend, BackendClient]]:
    backend = start_backend(tmp_path_factory.mktemp("plan-backend"), customers=1)
    try:
        with backend.client() as client:
            identify_fully(backend, client, ZHANG)
            yield backend, client
    finally:
        backend.stop()


def _booked(backend: LiveBackend) -> object:
    [(code,)] = backend.query("SELECT next_plan_code FROM lines WHERE number = ?", ZHANG)
    return code


def test_booking_refusals_and_undo(zhang: tuple[LiveBackend, BackendClient]) -> None:
    backend, client = zhang
    with pytest.raises(e.Conflict) as same:
        client.change_plan("QQT128", PLAN_TERMS)
    assert same.value.message == "已是当前套餐"
    change = client.change_plan("QQT88", PLAN_TERMS)
    assert (change.from_plan.code, change.to_plan.code) == ("QQT128", "QQT88")
    assert _booked(backend) == "QQT88"
    with pytest.raises(e.Conflict) as again:
        client.change_plan("QQT88", PLAN_TERMS)  # a new request (new key): already booked
    assert "已办理" in again.value.message
    assert _booked(backend) == "QQT88"
    # Staying on the current plan undoes the booking.
    undo = client.change_plan("QQT128", PLAN_TERMS)
    assert undo.to_plan.code == "QQT128"
    assert _booked(backend) is None
    assert client.overview().next_plan is None
    kinds = backend.query(
        "SELECT t.kind, t.detail FROM transactions t JOIN lines l ON l.id = t.line_id"
        " WHERE l.number = ? ORDER BY t.created_at",
        ZHANG,
    )
    assert kinds == [("plan_change", "QQT128->QQT88"), ("plan_change", "QQT128->QQT128")]
