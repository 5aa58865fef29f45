"""The terminal's local transaction journal (SQLite), for reconciliation with the backend.

It keeps only what reconciliation needs — transaction id, idempotency key, masked number,
amount, status — never passwords, SMS codes, names or ID data. An entry is written *before*
the mutating call leaves the terminal (with its idempotency key), so after a power cut the
journal still names every transaction that might have happened; retrying it with the same key
can never apply it twice on the backend.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from common.masking import mask_phone
from kiosk.transactions import TransactionKind

log = logging.getLogger(__name__)

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    masked_phone TEXT NOT NULL,
    amount_fen INTEGER,
    status TEXT NOT NULL,
    transaction_id TEXT,
    error_code TEXT
)
"""


class EntryStatus(enum.StrEnum):
    PENDING = "pending"  # written before the call; still pending after a crash = unknown
    DONE = "done"
    FAILED = "failed"  # the backend refused it, or settlement fenced it: nothing happened
    UNKNOWN = "unknown"  # no answer (timeout, connection lost): it may or may not have happened


@dataclass(frozen=True)
class JournalEntry:
    """One journaled transaction."""

    id: int
    created_at: dt.datetime
    kind: str
    idempotency_key: str
    masked_phone: str
    amount_fen: int | None
    status: EntryStatus
    transaction_id: str | None
    error_code: str | None
    updated_at: dt.datetime  # the last send (begin/resend) or the last outcome written


class JournalError(RuntimeError):
    """The journal could not be written: the transaction must not be started."""


class Journal:
    """Thread-safe; each write is committed before it returns (``synchronous=FULL``)."""

    def __init__(self, path: Path | str, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._lock = threading.Lock()
        import sqlite3  # here: every screen imports JournalError, start-up needs no sqlite

        file = Path(path).expanduser()
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(file), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"cannot open the journal at {file}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def begin(
        self, kind: TransactionKind, key: str, phone: str, amount_fen: int | None = None
    ) -> None:
        """Record a transaction about to be sent; ``phone`` is stored masked only."""
        now = self._clock().isoformat()
        self._write(
            "INSERT INTO journal (created_at, updated_at, kind, idempotency_key, masked_phone,"
            " amount_fen, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now, now, str(kind), key, mask_phone(phone), amount_fen, EntryStatus.PENDING.value),
        )

    def resend(self, key: str) -> None:
        """The same transaction is sent again (a retry with its key): the age guard of
        :mod:`kiosk.reconcile` counts from now, so the retry in flight is not settled."""
        self._write(
            "UPDATE journal SET status = ?, updated_at = ? WHERE idempotency_key = ?"
            " AND status IN (?, ?)",
            (
                EntryStatus.PENDING.value,
                self._clock().isoformat(),
                key,
                EntryStatus.PENDING.value,
                EntryStatus.UNKNOWN.value,
            ),
        )

    def finish(
        self,
        key: str,
        status: EntryStatus,
        *,
        transaction_id: str | None = None,
        error_code: str | None = None,
    ) -> None:
        self._write(
            "UPDATE journal SET status = ?, transaction_id = ?, error_code = ?, updated_at = ?"
            " WHERE idempotency_key = ?",
            (status.value, transaction_id, error_code, self._clock().isoformat(), key),
        )

    def unresolved(self) -> list[JournalEntry]:
        """Entries that may have happened without the terminal knowing: for reconciliation."""
        return self._select(
            "WHERE status IN (?, ?) ORDER BY id",
            (EntryStatus.PENDING.value, EntryStatus.UNKNOWN.value),
        )

    def unfenced_failures(self, code: str) -> list[JournalEntry]:
        """Entries failed with ``code``: versions before the settlement fence wrote it for "the
        backend did not know the key", which was not final; they are settled again."""
        return self._select(
            "WHERE status = ? AND error_code = ? ORDER BY id", (EntryStatus.FAILED.value, code)
        )

    def recent(self, limit: int = 50) -> list[JournalEntry]:
        return self._select("ORDER BY id DESC LIMIT ?", (limit,))

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        import sqlite3

        with self._lock:
            try:
                self._db.execute(sql, params)
            except sqlite3.Error as exc:
                raise JournalError(f"journal write failed: {exc}") from exc

    def _select(self, tail: str, params: tuple[object, ...]) -> list[JournalEntry]:
        import sqlite3

        with self._lock:
            try:
                rows = self._db.execute(
                    "SELECT id, created_at, kind, idempotency_key, masked_phone, amount_fen,"
                    " status, transaction_id, error_code, updated_at FROM journal " + tail,
                    params,
                ).fetchall()
            except sqlite3.Error as exc:
                raise JournalError(f"journal read failed: {exc}") from exc
        return [
            JournalEntry(
                row[0],
                dt.datetime.fromisoformat(row[1]),
                row[2],
                row[3],
                row[4],
                row[5],
                EntryStatus(row[6]),
                row[7],
                row[8],
                dt.datetime.fromisoformat(row[9]),
            )
            for row in rows
        ]


def journaled(
    journal: Journal,
    kind: TransactionKind,
    key: str,
    phone: str,
    call: Callable[[str], T],
    transaction_id: Callable[[T], str],
    amount_fen: int | None = None,
) -> T:
    """Run a mutating backend call under the journal.

    The entry is written first (a journal that cannot be written stops the transaction); a
    typed refusal marks it failed, a lost answer marks it unknown — the caller retries with
    the same ``key``, which the backend answers without applying twice.
    """
    from kiosk.backend.errors import BackendError

    existing = {e.idempotency_key for e in journal.unresolved()}
    if key in existing:
        journal.resend(key)
    else:
        journal.begin(kind, key, phone, amount_fen)
    try:
        result = call(key)
    except BackendError as exc:
        status = EntryStatus.UNKNOWN if exc.outcome_unknown else EntryStatus.FAILED
        journal.finish(key, status, error_code=exc.code)
        raise
    journal.finish(key, EntryStatus.DONE, transaction_id=transaction_id(result))
    return result
