"""The cash journal (SQLite): every stacked note is written here before it is shown or reported.

Three tables beside the transaction journal (same file by default, so one file holds every
unresolved thing of the terminal):

- ``cash_orders``: one row per payment, keyed by the idempotency key of its creation, written
  before the backend is asked (``creating``), then ``open`` with the backend's order id,
  ``closing`` once the acceptor is inhibited and its events drained, ``closed`` with the
  credit, or ``abandoned`` (no order came to exist, or one with no note was closed empty);
- ``cash_notes``: (order, sequence, channel, value, event counter, reported?), one row per
  stacked note, committed with ``synchronous=FULL`` in the same transaction that moves the
  device's last processed event counter;
- ``cash_device``: that counter (recovery reads events after it) and the "cash count
  uncertain" flag that only staff clear;
- ``cash_box_clearances``: one row per clearance (清机) done at this terminal, with the last
  journaled note it took out: the box holds every note journaled after the newest one.

Only masked numbers are stored: recovery needs the backend's order id, never the number.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.masking import mask_phone

log = logging.getLogger(__name__)

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS cash_orders (
        order_key TEXT PRIMARY KEY,
        order_id TEXT,
        masked_phone TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        credited_fen INTEGER,
        transaction_id TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS cash_notes (
        order_key TEXT NOT NULL REFERENCES cash_orders(order_key),
        sequence INTEGER NOT NULL,
        channel INTEGER NOT NULL,
        value_fen INTEGER NOT NULL,
        event_counter INTEGER NOT NULL,
        stacked_at TEXT NOT NULL,
        reported INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (order_key, sequence)
    )""",
    """CREATE TABLE IF NOT EXISTS cash_device (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last_counter INTEGER,
        uncertain_reason TEXT,
        uncertain_since TEXT,
        unassigned_fen INTEGER NOT NULL DEFAULT 0
    )""",
    "INSERT OR IGNORE INTO cash_device (id) VALUES (1)",
    """CREATE TABLE IF NOT EXISTS cash_box_clearances (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        upto_note INTEGER NOT NULL,
        clearance_id TEXT NOT NULL,
        note_count INTEGER NOT NULL,
        total_fen INTEGER NOT NULL,
        flagged INTEGER NOT NULL
    )""",
)


class CashOrderState(enum.StrEnum):
    CREATING = "creating"  # written before the backend is asked
    OPEN = "open"  # the backend's order exists; notes may go in
    CLOSING = "closing"  # inhibited and drained: the notes are final
    CLOSED = "closed"  # credited on the backend
    ABANDONED = "abandoned"  # no note ever belonged to it


UNRESOLVED = (CashOrderState.CREATING, CashOrderState.OPEN, CashOrderState.CLOSING)


class CashJournalError(RuntimeError):
    """The journal could not be written: no cash may be taken."""


@dataclass(frozen=True)
class LedgerOrder:
    order_key: str
    order_id: str | None
    masked_phone: str
    state: CashOrderState
    created_at: dt.datetime
    credited_fen: int | None
    transaction_id: str | None


@dataclass(frozen=True)
class LedgerNote:
    order_key: str
    sequence: int
    channel: int
    value_fen: int
    event_counter: int
    reported: bool


@dataclass(frozen=True)
class BoxCount:
    """What the cash box holds by the journal: notes stacked since the last clearance."""

    counts: dict[int, int]  # value_fen -> notes
    orders: int
    since: dt.datetime | None  # the last clearance at this terminal (None: never cleared)

    @property
    def note_count(self) -> int:
        return sum(self.counts.values())

    @property
    def total_fen(self) -> int:
        return sum(value * count for value, count in self.counts.items())


@dataclass(frozen=True)
class DeviceRecord:
    last_counter: int | None
    uncertain_reason: str | None
    uncertain_since: dt.datetime | None
    unassigned_fen: int


class CashLedger:
    """Thread-safe; each write is committed (fsync) before it returns."""

    def __init__(self, path: Path | str, clock: Callable[[], dt.datetime] | None = None) -> None:
        import sqlite3

        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._lock = threading.Lock()
        file = Path(path).expanduser()
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(file), check_same_thread=False, isolation_level=None, timeout=10
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            for statement in _SCHEMA:
                self._db.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise CashJournalError(f"cannot open the cash journal at {file}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- plumbing ----------------------------------------------------------------------------

    def _now(self) -> str:
        return self._clock().isoformat()

    def _tx(self, work: Callable[[Any], Any]) -> Any:
        import sqlite3

        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = work(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                raise CashJournalError(f"cash journal write failed: {exc}") from exc

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        import sqlite3

        with self._lock:
            try:
                return list(self._db.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise CashJournalError(f"cash journal read failed: {exc}") from exc

    # -- orders ------------------------------------------------------------------------------

    def begin_order(self, order_key: str, phone: str) -> None:
        """Before the backend is asked to open the order."""
        now = self._now()
        self._tx(
            lambda db: db.execute(
                "INSERT INTO cash_orders (order_key, masked_phone, status, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?)",
                (order_key, mask_phone(phone), CashOrderState.CREATING.value, now, now),
            )
        )

    def set_order(
        self,
        order_key: str,
        state: CashOrderState,
        *,
        order_id: str | None = None,
        credited_fen: int | None = None,
        transaction_id: str | None = None,
    ) -> None:
        """Move an order on (fields given as None keep their value)."""
        self._tx(
            lambda db: db.execute(
                "UPDATE cash_orders SET status = ?, order_id = COALESCE(?, order_id),"
                " credited_fen = COALESCE(?, credited_fen),"
                " transaction_id = COALESCE(?, transaction_id), updated_at = ?"
                " WHERE order_key = ?",
                (state.value, order_id, credited_fen, transaction_id, self._now(), order_key),
            )
        )

    def order(self, order_key: str) -> LedgerOrder | None:
        rows = self._order_rows("WHERE order_key = ?", (order_key,))
        return rows[0] if rows else None

    def unresolved_orders(self) -> list[LedgerOrder]:
        """Orders an earlier run (or this one) has not finished, oldest first."""
        marks = ", ".join("?" for _ in UNRESOLVED)
        return self._order_rows(
            f"WHERE status IN ({marks}) ORDER BY created_at, rowid", [s.value for s in UNRESOLVED]
        )

    def recent_orders(self, limit: int = 20) -> list[LedgerOrder]:
        return self._order_rows("ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,))

    def _order_rows(self, tail: str, params: Sequence[object]) -> list[LedgerOrder]:
        rows = self._rows(
            "SELECT order_key, order_id, masked_phone, status, created_at, credited_fen,"
            " transaction_id FROM cash_orders " + tail,
            params,
        )
        return [
            LedgerOrder(
                r[0], r[1], r[2], CashOrderState(r[3]), dt.datetime.fromisoformat(r[4]), r[5], r[6]
            )
            for r in rows
        ]

    # -- notes and the counter ---------------------------------------------------------------

    def record_read(
        self,
        order_key: str | None,
        notes: Sequence[tuple[int, int]],
        counter: int,
        *,
        uncertain: str | None = None,
        unassigned_fen: int = 0,
    ) -> list[LedgerNote]:
        """One 159 read in one transaction: its stacked notes ``(channel, value_fen)`` for
        ``order_key`` with the next sequence numbers, the new last counter, and the
        uncertainty it brings. Returns the notes as journaled."""

        def work(db: Any) -> list[LedgerNote]:
            out: list[LedgerNote] = []
            if notes:
                if order_key is None:
                    raise ValueError("notes need an order")
                (last,) = db.execute(
                    "SELECT COALESCE(MAX(sequence), 0) FROM cash_notes WHERE order_key = ?",
                    (order_key,),
                ).fetchone()
                now = self._now()
                for offset, (channel, value) in enumerate(notes, start=1):
                    sequence = int(last) + offset
                    db.execute(
                        "INSERT INTO cash_notes (order_key, sequence, channel, value_fen,"
                        " event_counter, stacked_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (order_key, sequence, channel, value, counter, now),
                    )
                    out.append(LedgerNote(order_key, sequence, channel, value, counter, False))
            db.execute("UPDATE cash_device SET last_counter = ? WHERE id = 1", (counter,))
            if unassigned_fen:
                db.execute(
                    "UPDATE cash_device SET unassigned_fen = unassigned_fen + ? WHERE id = 1",
                    (unassigned_fen,),
                )
            if uncertain:
                db.execute(
                    "UPDATE cash_device SET uncertain_reason = COALESCE(uncertain_reason, ?),"
                    " uncertain_since = COALESCE(uncertain_since, ?) WHERE id = 1",
                    (uncertain, self._now()),
                )
            return out

        result: list[LedgerNote] = self._tx(work)
        return result

    def mark_reported(self, order_key: str, sequence: int) -> None:
        self._tx(
            lambda db: db.execute(
                "UPDATE cash_notes SET reported = 1 WHERE order_key = ? AND sequence = ?",
                (order_key, sequence),
            )
        )

    def notes(self, order_key: str) -> list[LedgerNote]:
        rows = self._rows(
            "SELECT order_key, sequence, channel, value_fen, event_counter, reported"
            " FROM cash_notes WHERE order_key = ? ORDER BY sequence",
            (order_key,),
        )
        return [LedgerNote(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def device(self) -> DeviceRecord:
        row = self._rows(
            "SELECT last_counter, uncertain_reason, uncertain_since, unassigned_fen"
            " FROM cash_device WHERE id = 1"
        )[0]
        since = dt.datetime.fromisoformat(row[2]) if row[2] else None
        return DeviceRecord(row[0], row[1], since, int(row[3]))

    def set_uncertain(self, reason: str) -> None:
        """Cash count uncertain: no more cash until staff reconcile."""
        self._tx(
            lambda db: db.execute(
                "UPDATE cash_device SET uncertain_reason = COALESCE(uncertain_reason, ?),"
                " uncertain_since = COALESCE(uncertain_since, ?) WHERE id = 1",
                (reason, self._now()),
            )
        )

    def clear_uncertain(self) -> None:
        """Staff reconciled the box (清机): cash may be taken again."""
        self._tx(
            lambda db: db.execute(
                "UPDATE cash_device SET uncertain_reason = NULL, uncertain_since = NULL,"
                " unassigned_fen = 0 WHERE id = 1"
            )
        )

    # -- the cash box (清机) -------------------------------------------------------------------

    _BOX_START = "(SELECT COALESCE(MAX(upto_note), 0) FROM cash_box_clearances)"

    def box(self) -> BoxCount:
        """Notes journaled since the last clearance, per value (the admin's 钱箱)."""
        rows = self._rows(
            f"SELECT value_fen, COUNT(*) FROM cash_notes WHERE rowid > {self._BOX_START}"
            " GROUP BY value_fen"
        )
        (orders,) = self._rows(
            f"SELECT COUNT(DISTINCT order_key) FROM cash_notes WHERE rowid > {self._BOX_START}"
        )[0]
        (since,) = self._rows("SELECT MAX(at) FROM cash_box_clearances")[0]
        return BoxCount(
            {int(v): int(c) for v, c in rows},
            int(orders),
            dt.datetime.fromisoformat(since) if since else None,
        )

    def record_clearance(
        self, clearance_id: str, note_count: int, total_fen: int, *, flagged: bool
    ) -> None:
        """The box was emptied: the notes journaled so far are out of it."""
        self._tx(
            lambda db: db.execute(
                "INSERT INTO cash_box_clearances (at, upto_note, clearance_id, note_count,"
                " total_fen, flagged) VALUES (?, (SELECT COALESCE(MAX(rowid), 0) FROM"
                " cash_notes), ?, ?, ?, ?)",
                (self._now(), clearance_id, note_count, total_fen, int(flagged)),
            )
        )
