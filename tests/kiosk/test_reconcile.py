"""Start-up reconciliation: unresolved journal entries settled by asking the backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.backend.errors import BackendUnavailable, TerminalRejected
from kiosk.backend.models import TransactionState
from kiosk.journal import EntryStatus, Journal
from kiosk.reconcile import NOT_APPLIED, Reconciliation, reconcile

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


class _Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


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


def test_applied_becomes_done_and_missing_becomes_failed(journal: Journal) -> None:
    known = {"k-applied": TransactionState("k-applied", True, "PAY-1")}
    asked: list[str] = []

    def lookup(key: str) -> TransactionState:
        asked.append(key)
        return known.get(key, TransactionState(key, False, None))

    result = reconcile(journal, lookup, T0 + dt.timedelta(minutes=5))
    assert result == Reconciliation(done=1, not_applied=1, still_unknown=0)
    assert asked == ["k-applied", "k-lost"]  # settled entries are not asked about
    status = _status(journal)
    assert status["k-applied"] == (EntryStatus.DONE, "PAY-1", None)
    assert status["k-lost"] == (EntryStatus.FAILED, None, NOT_APPLIED)
    assert status["k-done"] == (EntryStatus.DONE, "T-9", None)
    assert journal.unresolved() == []


def test_entries_of_this_run_are_left_alone(journal: Journal, clock: _Clock) -> None:
    clock.now = T0 + dt.timedelta(minutes=10)
    journal.begin("payment", "k-now", "13800138000", 2000)  # a customer may be retrying it

    def lookup(key: str) -> TransactionState:
        return TransactionState(key, False, None)

    reconcile(journal, lookup, T0 + dt.timedelta(minutes=5))
    assert [e.idempotency_key for e in journal.unresolved()] == ["k-now"]


def test_backend_away_leaves_everything_for_the_next_start(journal: Journal) -> None:
    def lookup(key: str) -> TransactionState:
        raise BackendUnavailable("connection refused")

    result = reconcile(journal, lookup, T0 + dt.timedelta(minutes=5))
    assert result == Reconciliation(still_unknown=2)
    assert {e.idempotency_key for e in journal.unresolved()} == {"k-applied", "k-lost"}


@pytest.mark.allow_log_warnings
def test_a_refused_lookup_is_logged_and_skipped(
    journal: Journal, caplog: pytest.LogCaptureFixture
) -> None:
    def lookup(key: str) -> TransactionState:
        if key == "k-applied":
            raise TerminalRejected("bad token")
        return TransactionState(key, True, "D-1")

    result = reconcile(journal, lookup, T0 + dt.timedelta(minutes=5))
    assert result == Reconciliation(done=1, still_unknown=1)
    assert [e.idempotency_key for e in journal.unresolved()] == ["k-applied"]
    assert "could not be reconciled: terminal_unauthorized" in caplog.text
    assert "13800138000" not in caplog.text
