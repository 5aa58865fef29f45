"""GET /v1/terminal/transactions/{key}: reconciliation of a terminal's own keys."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend


def test_applied_refused_and_unknown_keys(own_backend: LiveBackend) -> None:
    phone = own_backend.random_numbers()[0]
    with own_backend.client() as client:
        client.identify_password(phone, DEMO_PASSWORD)
        report = client.report_spam("13700001111", "骚扰电话", idempotency_key="spam-key-1")
        with pytest.raises((e.InvalidInput, e.Conflict)):  # refused either way
            client.set_reminder_threshold(1234, idempotency_key="reminder-bad-1")
        client.end_session()
        # Terminal-level: no customer session needed any more.
        applied = client.transaction_state("spam-key-1")
        assert (applied.applied, applied.reference) == (True, report.report_id)
        assert client.transaction_state("reminder-bad-1").applied is False  # rolled back
        assert client.transaction_state("never-sent-1").applied is False


def test_another_terminal_cannot_see_the_keys(own_backend: LiveBackend) -> None:
    # Also the operator's `python -m backend add-terminal` provisioning command, for real.
    provision = ["--db", own_backend.db_url, "--id", "KIOSK-OTHER-02"]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backend",
            "add-terminal",
            *provision,
            "--token",
            "other-terminal-token",
        ],
        check=True,
        capture_output=True,
    )
    phone = own_backend.random_numbers()[1]
    with own_backend.client() as client:
        client.identify_password(phone, DEMO_PASSWORD)
        client.report_spam("13700002222", "诈骗电话", idempotency_key="spam-key-2")
    other = BackendClient(own_backend.url, "KIOSK-OTHER-02", "other-terminal-token")
    with other:
        assert other.transaction_state("spam-key-2").applied is False
    with own_backend.client() as client:
        assert client.transaction_state("spam-key-2").applied is True
