"""Journal settlement: unresolved entries settled through the backend's fence, behind the one
age guard derived from the client's timeouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.backend.client import BackendClient
from kiosk.backend.errors import BackendUnavailable, KeyAbandoned, TerminalRejected
from kiosk.backend.models import TransactionState
from kiosk.journal import EntryStatus, Journal, journaled
from kiosk.reconcile import (
    NOT_APPLIED,
    SETTLE_MARGIN,
    UNFENCED_NOT_APPLIED,
    Reconciliation,
    reconcile,
)

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
LONGEST = dt.timedelta(seconds=40)
GUARD = LONGEST + SETTLE_MARGIN


class _Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


class _Backend:
    """The two things settlement uses of the client; answers from ``verdict``."""

    def __init__(self, verdict: Callable[[str], TransactionState]) -> None:
        self.verdict = verdict
        self.asked: list[str] = []

    @property
    def longest_call(self) -> dt.timedelta:
        return LONGEST

    def settle_transaction(self, key: str) -> TransactionState:
        self.asked.append(key)
        return self.verdict(key)


def _abandoned(key: str) -> TransactionState:
    return TransactionState(key, False, None, abandoned=True)


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
def journal(tmp_path: Path, clock: _Clock) -> Journal:
    journal = Journal(tmp_path / "journal.sqlite3", clock)
    journal.begin("payment", "k-applied", "13800138000", 5000)  # power cut after the backend
    journal.begin("dispute", "k-lost", "13800138000", 300)
    journal.finish("k-lost", EntryStatus.UNKNOWN, error_code="timeout")
    journal.begin("plan_change", "k-done", "13800138000")
    journal.finish("k-done", EntryStatus.DONE, transaction_id="T-9")
    return journal


def _status(journal: Journal) -> dict[str, tuple[EntryStatus, str | None, str | None]]:
    return {e.idempotency_key: (e.status, e.transaction_id, e.error_code) for e in journal.recent()}


def test_applied_becomes_done_and_abandoned_becomes_failed(journal: Journal) -> None:
    known = {"k-applied": TransactionState("k-applied", True, "PAY-1")}
    backend = _Backend(lambda key: known.get(key) or _abandoned(key))
    result = reconcile(journal, backend, T0 + GUARD)
    assert result == Reconciliation(done=1, not_applied=1, still_unknown=0)
    assert backend.asked == ["k-applied", "k-lost"]  # settled entries are not asked about
    status = _status(journal)
    assert status["k-applied"] == (EntryStatus.DONE, "PAY-1", None)
    assert status["k-lost"] == (EntryStatus.FAILED, None, NOT_APPLIED)
    assert status["k-done"] == (EntryStatus.DONE, "T-9", None)
    assert journal.unresolved() == []


def test_nothing_is_settled_while_it_can_still_be_in_flight(
    journal: Journal, clock: _Clock
) -> None:
    backend = _Backend(_abandoned)
    just_too_early = T0 + GUARD - dt.timedelta(milliseconds=1)
    result = reconcile(journal, backend, just_too_early)
    assert result == Reconciliation(waiting=2, next_due=T0 + GUARD)
    assert backend.asked == []
    assert len(journal.unresolved()) == 2


def test_a_retry_restarts_the_guard(journal: Journal, clock: _Clock) -> None:
    # The customer retries the lost dispute with its key 30 s later: the guard counts from
    # that send, not from the first one.
    clock.now = T0 + dt.timedelta(seconds=30)
    sent: list[str] = []

    def call(key: str) -> str:
        sent.append(key)
        raise BackendUnavailable("connection refused")

    with pytest.raises(BackendUnavailable):
        journaled(journal, "dispute", "k-lost", "13800138000", call, str, 300)
    assert sent == ["k-lost"]
    backend = _Backend(_abandoned)
    result = reconcile(journal, backend, T0 + GUARD)
    assert backend.asked == ["k-applied"]
    assert result.waiting == 1 and result.next_due == clock.now + GUARD
    assert reconcile(journal, backend, clock.now + GUARD).not_applied == 1


def test_the_guard_is_the_clients_longest_call() -> None:
    client = BackendClient(
        "http://127.0.0.1:9", "T", "t", connect_timeout=3.0, read_timeout=10.0, retries=2
    )
    with client:
        # 3 attempts x (3 s connect + 10 s read) + 0.2 s + 0.4 s backoff.
        assert client.longest_call == dt.timedelta(seconds=39.6)


def test_old_unfenced_verdicts_are_settled_again(journal: Journal) -> None:
    # Written by a version without the fence: "not known" then was no verdict.
    journal.begin("plan_change", "k-old", "13800138000")
    journal.finish("k-old", EntryStatus.FAILED, error_code=UNFENCED_NOT_APPLIED)
    journal.begin("reminder", "k-refused", "13800138000")
    journal.finish("k-refused", EntryStatus.FAILED, error_code="invalid_input")
    known = {"k-old": TransactionState("k-old", True, "TX-OLD")}
    backend = _Backend(lambda key: known.get(key) or _abandoned(key))
    result = reconcile(journal, backend, T0 + GUARD)
    assert "k-refused" not in backend.asked  # a refusal is final: never asked again
    assert result == Reconciliation(done=1, not_applied=2)  # k-old was applied after all
    assert _status(journal)["k-old"] == (EntryStatus.DONE, "TX-OLD", None)


def test_a_late_retry_of_a_settled_key_is_recorded_as_not_applied(
    journal: Journal,
) -> None:
    def refused(key: str) -> str:
        raise KeyAbandoned("fenced")

    with pytest.raises(KeyAbandoned):
        journaled(journal, "dispute", "k-lost", "13800138000", refused, str, 300)
    assert _status(journal)["k-lost"] == (EntryStatus.FAILED, None, NOT_APPLIED)


def test_backend_away_leaves_everything_for_later(journal: Journal) -> None:
    def away(key: str) -> TransactionState:
        raise BackendUnavailable("connection refused")

    result = reconcile(journal, _Backend(away), T0 + GUARD)
    assert result == Reconciliation(still_unknown=2)
    assert {e.idempotency_key for e in journal.unresolved()} == {"k-applied", "k-lost"}


@pytest.mark.allow_log_warnings
def test_a_refused_lookup_is_logged_and_skipped(
    journal: Journal, caplog: pytest.LogCaptureFixture
) -> None:
    def verdict(key: str) -> TransactionState:
        if key == "k-applied":
            raise TerminalRejected("bad token")
        return TransactionState(key, True, "D-1")

    result = reconcile(journal, _Backend(verdict), T0 + GUARD)
    assert result == Reconciliation(done=1, still_unknown=1)
    assert [e.idempotency_key for e in journal.unresolved()] == ["k-applied"]
    assert "could not be reconciled: terminal_unauthorized" in caplog.text
    assert "13800138000" not in caplog.text


@pytest.mark.allow_log_warnings
def test_an_answer_without_a_verdict_settles_nothing(journal: Journal) -> None:
    result = reconcile(journal, _Backend(lambda k: TransactionState(k, False, None)), T0 + GUARD)
    assert result == Reconciliation(still_unknown=2)
    assert len(journal.unresolved()) == 2
