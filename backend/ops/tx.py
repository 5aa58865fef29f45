"""The transaction journal every completed mutation writes (audit and reconciliation)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert

from backend.db import tables as t
from backend.security import new_id


def record_transaction(
    conn: Connection,
    *,
    line_id: int,
    terminal_id: str,
    kind: str,
    now: dt.datetime,
    amount_fen: int = 0,
    detail: str = "",
) -> str:
    """Insert a transaction row; returns its id (printed on receipts as 交易流水)."""
    transaction_id = "TX" + new_id("")
    conn.execute(
        insert(t.transactions).values(
            transaction_id=transaction_id,
            line_id=line_id,
            terminal_id=terminal_id,
            kind=kind,
            amount_fen=amount_fen,
            detail=detail[:200],
            created_at=now,
        )
    )
    return transaction_id
