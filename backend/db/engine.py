"""Engines for SQLite (default) and PostgreSQL, and Alembic migrations run in-process."""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# As long as SQLite's own busy timeout (below): a writer waits this long for its turn.
WRITE_WAIT_S = 30.0


class WriterQueue:
    """One write transaction at a time in this process, first come first served.

    SQLite has a single writer. Left to ``BEGIN IMMEDIATE`` and the busy timeout, concurrent
    writers poll: SQLite's busy handler sleeps 1, 2, 5, 10 ... 100 ms between tries, so under
    load a writer waits tens of milliseconds after the lock was free (and the unlucky ones
    far more). Here the waiters queue on the thread that hands the turn over, each woken the
    moment the previous write transaction has committed. Readers never queue (WAL).
    ``BEGIN IMMEDIATE`` stays: other processes on the same file still serialise on it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._busy = False
        self._owner: int | None = None

    @property
    def busy(self) -> bool:
        """A write transaction holds the turn."""
        with self._lock:
            return self._busy

    @property
    def waiting(self) -> int:
        """Writers queued behind the current one."""
        with self._lock:
            return len(self._waiters)

    def acquire(self, timeout: float = WRITE_WAIT_S) -> bool:
        """Wait for this thread's turn (False after ``timeout`` seconds)."""
        me = threading.get_ident()
        with self._lock:
            if self._owner == me:
                # SQLite would wait for itself until the busy timeout: a bug, said at once.
                raise RuntimeError("a write transaction inside a write transaction")
            if not self._busy:
                self._busy, self._owner = True, me
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):
            with self._lock:
                self._owner = me
            return True
        with self._lock:
            try:
                self._waiters.remove(turn)
            except ValueError:  # handed the turn just as the wait ran out: take it
                self._owner = me
                return True
        return False

    def release(self) -> None:
        """Hand the turn to the longest waiting writer (or free it)."""
        with self._lock:
            self._owner = None
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._busy = False


_queues: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()
_queues_lock = threading.Lock()


def writer_queue(engine: Engine) -> WriterQueue | None:
    """The engine's writer queue (SQLite), None where the database has many writers."""
    if engine.dialect.name != "sqlite":
        return None
    with _queues_lock:
        queue = _queues.get(engine)
        if queue is None:
            queue = _queues[engine] = WriterQueue()
        return queue


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back when it raises.

    SQLite: taken in turn through the engine's :class:`WriterQueue`, then ``BEGIN IMMEDIATE``.
    PostgreSQL: a plain transaction (row locks and backend/ops/guard.py's advisory locks
    serialise what must be). Work that needs no transaction, such as hashing a password,
    belongs before this block, not inside it.
    """
    queue = writer_queue(engine)
    if queue is not None and not queue.acquire():
        raise OperationalError(
            "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked (writer queue)")
        )
    try:
        with engine.connect().execution_options(write=True) as conn, conn.begin():
            yield conn
    finally:
        if queue is not None:
            queue.release()


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and make it use psycopg 3 (the driver we depend on)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """An engine with the settings the backend relies on.

    Both kinds hide bound parameters in error messages: a failed statement's text may reach a
    log, its values (phone numbers, names) must not.

    SQLite: WAL (readers never wait for the writer), a busy timeout instead of "database is
    locked" errors, foreign keys on, and ``BEGIN IMMEDIATE`` for connections opened with the
    execution option ``write=True`` so that two writers serialise at BEGIN rather than
    deadlocking when both upgrade a read lock.
    """
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        # No pool_pre_ping: it costs a round trip on every checkout. A connection the server
        # dropped fails its one statement; SQLAlchemy then discards every pooled connection
        # opened before the disconnect, so the next requests get fresh ones.
        return create_engine(url, pool_size=20, max_overflow=20, hide_parameters=True)
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    pool_args: dict[str, Any] = {} if in_memory else {"pool_size": 20, "max_overflow": 40}
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        hide_parameters=True,  # error messages must not carry numbers, names or codes
        **pool_args,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off; SQLAlchemy's "begin" event emits it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration pointing at our migrations, bound to ``engine``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it already is)."""
    command.upgrade(alembic_config(engine), "head")


def is_empty(engine: Engine) -> bool:
    """True when no customer exists yet (fresh database, or migrated but not seeded)."""
    from sqlalchemy import func, select

    from backend.db.tables import customers

    if not inspect(engine).has_table("customers"):
        return True
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(customers)).scalar_one()) == 0
