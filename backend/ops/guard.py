"""Serialising work per key across every server process, and throttling counters.

The lock-out rule only holds if "is it locked?", "is the factor right?" and "count the
failure" happen as one step per number: otherwise concurrent guesses all pass the check
before any is counted. Both databases get that step from one write transaction:

- SQLite has one writer at a time; write connections begin with ``BEGIN IMMEDIATE``
  (backend/db/engine.py), so a whole write transaction is already serialised against every
  other, in every process.
- PostgreSQL: a transaction-scoped advisory lock on the key (released at commit/rollback).
  Under READ COMMITTED each later statement sees what the previous holder committed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select, text, update

from backend.config import Limit
from backend.db import tables as t
from backend.ops import errors as e

_ADVISORY = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


def serialise(conn: Connection, key: str) -> None:
    """Hold ``key``'s lock until ``conn``'s transaction ends (a write transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_ADVISORY, {"key": key})
        return
    if not conn.get_execution_options().get("write", False):
        # A plain BEGIN would let two transactions read, then both write: no serialisation.
        raise RuntimeError("serialise() needs a write connection (BEGIN IMMEDIATE)")


def take(conn: Connection, bucket: str, limit: Limit, now: dt.datetime) -> int:
    """Count one event in ``bucket``; the seconds to wait when the limit is reached (0: ok).

    Fixed windows: the first event opens a window of ``limit.window_s``; at most
    ``limit.count`` events fall in it. A refused event is not counted.
    """
    serialise(conn, f"throttle:{bucket}")
    th = t.throttle.c
    row = conn.execute(
        select(th.window_start, th.count.label("n")).where(th.bucket == bucket)
    ).first()
    if row is None:
        conn.execute(insert(t.throttle).values(bucket=bucket, window_start=now, count=1))
        return 0
    ends = row.window_start + limit.window
    if ends <= now or row.window_start > now:
        conn.execute(
            update(t.throttle).where(th.bucket == bucket).values(window_start=now, count=1)
        )
        return 0
    if row.n >= limit.count:
        return max(1, int((ends - now).total_seconds() + 0.999))
    conn.execute(update(t.throttle).where(th.bucket == bucket).values(count=th.count + 1))
    return 0


def throttle(
    conn: Connection,
    kind: str,
    terminal_id: str,
    per_terminal: Limit,
    overall: Limit,
    now: dt.datetime,
) -> None:
    """Raise RateLimited (429, Retry-After) when this terminal or all together go too fast.

    The terminal's own bucket is checked first, so one noisy terminal is refused before it
    uses up the overall budget of the others.
    """
    wait = take(conn, f"{kind}:t:{terminal_id}", per_terminal, now)
    if wait == 0:
        wait = take(conn, f"{kind}:all", overall, now)
    if wait > 0:
        raise e.RateLimited(f"操作过于频繁，请{wait}秒后再试", retry_after_s=wait)
