from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.backend.errors import BackendTimeout, Conflict
from kiosk.journal import EntryStatus, Journal, JournalError, journaled


def test_entries_survive_a_crash_and_hold_nothing_personal(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    journal.begin("payment", "key-1", "13800138000", 5000)
    journal.close()  # the power goes out before the answer
    reopened = Journal(path)
    [entry] = reopened.unresolved()
    assert (entry.kind, entry.idempotency_key, entry.amount_fen) == ("payment", "key-1", 5000)
    assert entry.masked_phone == "138****8000"
    assert entry.status is EntryStatus.PENDING
    raw = path.read_bytes() + (tmp_path / "journal.sqlite3-wal").read_bytes()
    assert b"13800138000" not in raw
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(journal)")]
    assert not {"name", "password", "code", "id_number"} & set(columns)


def test_journaled_call_outcomes(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    keys_seen: list[str] = []

    def ok(key: str) -> str:
        keys_seen.append(key)
        return "TX-1"

    assert journaled(journal, "dispute", "k-ok", "13800138000", ok, lambda r: r) == "TX-1"

    def refused(key: str) -> str:
        raise Conflict("already disputed")

    with pytest.raises(Conflict):
        journaled(journal, "dispute", "k-no", "13800138000", refused, lambda r: r)

    def lost(key: str) -> str:
        raise BackendTimeout("no answer")

    with pytest.raises(BackendTimeout):
        journaled(journal, "payment", "k-lost", "13800138000", lost, lambda r: r, 100)
    by_key = {e.idempotency_key: e for e in journal.recent()}
    assert by_key["k-ok"].status is EntryStatus.DONE and by_key["k-ok"].transaction_id == "TX-1"
    assert by_key["k-no"].status is EntryStatus.FAILED and by_key["k-no"].error_code == "conflict"
    assert by_key["k-lost"].status is EntryStatus.UNKNOWN
    # the retry reuses the key and the entry: still one row, now done
    journaled(journal, "payment", "k-lost", "13800138000", ok, lambda r: r, 100)
    assert [e.status for e in journal.recent() if e.idempotency_key == "k-lost"] == [
        EntryStatus.DONE
    ]
    assert keys_seen == ["k-ok", "k-lost"]
    assert journal.unresolved() == []


def test_an_unwritable_journal_stops_the_transaction(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(JournalError):
        Journal(blocker / "j.sqlite3")
    journal = Journal(tmp_path / "j.sqlite3")
    journal.close()
    called: list[str] = []
    with pytest.raises(JournalError):
        journaled(journal, "payment", "k", "13800138000", called.append, str)  # type: ignore[arg-type]
    assert called == []


@pytest.mark.allow_log_warnings
def test_a_failed_write_marks_the_journal_unwritable_until_one_succeeds(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    try:
        assert journal.writable
        journal._db.execute("PRAGMA query_only = ON")  # sqlite now refuses every write
        called: list[str] = []
        with pytest.raises(JournalError):
            journaled(journal, "payment", "k1", "13800138000", called.append, str)  # type: ignore[arg-type]
        assert called == [] and not journal.writable  # refused before anything was sent
        journal._db.execute("PRAGMA query_only = OFF")
        journal.begin("payment", "k2", "13800138000", 100)
        assert journal.writable
    finally:
        journal.close()


@pytest.mark.allow_log_warnings
def test_an_outcome_that_cannot_be_recorded_leaves_the_entry_pending(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    try:

        def call(key: str) -> str:
            journal._db.execute("PRAGMA query_only = ON")  # the disk filled during the call
            return f"TX-{key}"

        # The backend applied it: the customer sees the result, not a journal error.
        assert journaled(journal, "payment", "k1", "13800138000", call, str) == "TX-k1"
        journal._db.execute("PRAGMA query_only = OFF")
        (entry,) = journal.unresolved()  # still pending: the next start asks the backend
        assert entry.idempotency_key == "k1" and entry.status is EntryStatus.PENDING
        assert not journal.writable
    finally:
        journal.close()
