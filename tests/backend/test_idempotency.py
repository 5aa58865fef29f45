"""Idempotency-Key: the same key answers the same and applies once, also when raced."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend

THREADS = 8


def _session_headers(backend: LiveBackend, client: BackendClient) -> dict[str, str]:
    # The raw token is private to the client; the test drives the wire directly to race.
    token = client._session_token
    assert token
    return {
        "Authorization": f"Bearer {backend.terminal_token}",
        "X-Terminal-Id": backend.terminal_id,
        "X-Session-Token": token,
    }


def _race(url: str, headers: dict[str, str], body: dict[str, Any]) -> list[requests.Response]:
    barrier = threading.Barrier(THREADS)

    def fire() -> requests.Response:
        with requests.Session() as http:
            http.trust_env = False
            barrier.wait(timeout=10)
            return http.post(url, json=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda _: fire(), range(THREADS)))


def test_concurrent_retries_create_one_payment(own_backend: LiveBackend) -> None:
    number = own_backend.random_numbers()[3]
    with own_backend.client() as client:
        client.identify_password(number, DEMO_PASSWORD)
        headers = {**_session_headers(own_backend, client), "Idempotency-Key": str(uuid.uuid4())}
        responses = _race(f"{own_backend.url}/v1/payments", headers, {"amount_fen": 3000})
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["order_id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == THREADS - 1
    rows = own_backend.query(
        "SELECT count(*) FROM payments p JOIN lines l ON l.id = p.line_id WHERE l.number = ?",
        number,
    )
    assert rows == [(1,)]


def test_concurrent_dispute_retries_refund_once(own_backend: LiveBackend) -> None:
    number = own_backend.random_numbers()[4]
    rows = own_backend.query(
        "SELECT r.id, r.fee_fen FROM records r JOIN lines l ON l.id = r.line_id "
        "WHERE l.number = ? AND r.kind = 'fixed' AND r.month = '2026-10'",
        number,
    )
    record_id, fee = rows[0]
    with own_backend.client() as client:
        client.identify_password(number, DEMO_PASSWORD)
        client.send_sms_code(number)
        client.verify_sms_code(number, own_backend.latest_sms_code(number))
        before = client.overview().balance_fen
        headers = {**_session_headers(own_backend, client), "Idempotency-Key": str(uuid.uuid4())}
        body = {"record_id": record_id, "reason": "重复扣费"}
        responses = _race(f"{own_backend.url}/v1/disputes", headers, body)
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["number"] for r in responses}) == 1
        # A fixed fee goes to staff (no refund); the dispute exists exactly once.
        assert client.overview().balance_fen == before
    assert own_backend.query("SELECT count(*) FROM disputes WHERE record_id = ?", record_id) == [
        (1,)
    ]
    assert fee > 0


def test_replay_returns_the_first_answer_and_other_bodies_conflict(
    own_backend: LiveBackend,
) -> None:
    number = own_backend.random_numbers()[5]
    key = str(uuid.uuid4())
    with own_backend.client() as client:
        client.identify_password(number, DEMO_PASSWORD)
        first = client.create_payment(1000, idempotency_key=key)
        again = client.create_payment(1000, idempotency_key=key)
        assert again == first
        with pytest.raises(e.Conflict):
            client.create_payment(2000, idempotency_key=key)
        # A refused mutation does not use its key up: the corrected request may reuse it.
        other_key = str(uuid.uuid4())
        with pytest.raises(e.NotFound):
            client.issue_invoice("2026-11", idempotency_key=other_key)  # refused inside the op
        assert client.issue_invoice("2026-10", idempotency_key=other_key).month == "2026-10"
        response = requests.post(
            f"{own_backend.url}/v1/payments",
            json={"amount_fen": 1000},
            headers=_session_headers(own_backend, client),
            timeout=5,
        )
    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"
