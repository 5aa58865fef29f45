"""QR payments through the reference payment provider: orders, their expiry, settlement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from backend.clock import SHANGHAI
from backend.db import tables as t
from backend.ops import errors as e
from backend.ops.money import LineMoney, money_of_line
from backend.ops.tx import record_transaction
from backend.security import new_id

ORDER_VALIDITY = dt.timedelta(minutes=15)
QR_BASE = "https://pay.demo-operator.cn/qr/"


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment order (instants in Asia/Shanghai)."""

    order_id: str
    amount_fen: int
    qr_payload: str
    status: str
    created_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    balance_after_fen: int | None
    money: LineMoney | None = None  # once paid: the line's figure, as the overview shows it


def payment_of(conn: Connection, row: Any) -> Payment:
    """A payment row as a value; a paid one carries the line's money now."""
    return Payment(
        order_id=row.order_id,
        amount_fen=row.amount_fen,
        qr_payload=f"{QR_BASE}{row.order_id}?amount_fen={row.amount_fen}",
        status=row.status,
        created_at=row.created_at.astimezone(SHANGHAI),
        expires_at=row.expires_at.astimezone(SHANGHAI),
        paid_at=row.paid_at.astimezone(SHANGHAI) if row.paid_at else None,
        balance_after_fen=row.balance_after_fen,
        money=money_of_line(conn, row.line_id) if row.status == "paid" else None,
    )


def _row(conn: Connection, order_id: str) -> Any:
    return conn.execute(select(t.payments).where(t.payments.c.order_id == order_id)).one()


def expire_if_due(conn: Connection, row: Any, now: dt.datetime) -> Any:
    """A pending order past its validity becomes expired (on read: no background job)."""
    if row.status == "pending" and row.expires_at <= now:
        conn.execute(
            update(t.payments).where(t.payments.c.order_id == row.order_id).values(status="expired")
        )
        return _row(conn, row.order_id)
    return row


def create(
    conn: Connection, line_id: int, terminal_id: str, amount_fen: int, now: dt.datetime
) -> Payment:
    """A new pending order, valid 15 minutes."""
    order_id = new_id("PO")
    conn.execute(
        insert(t.payments).values(
            order_id=order_id,
            line_id=line_id,
            terminal_id=terminal_id,
            amount_fen=amount_fen,
            status="pending",
            created_at=now,
            expires_at=now + ORDER_VALIDITY,
            paid_at=None,
            balance_after_fen=None,
        )
    )
    return payment_of(conn, _row(conn, order_id))


def status(conn: Connection, line_id: int, order_id: str, now: dt.datetime) -> Payment:
    """The line's own order (expired on read when due), or NotFound. A write connection."""
    row = conn.execute(
        select(t.payments).where(t.payments.c.order_id == order_id, t.payments.c.line_id == line_id)
    ).first()
    if row is None:
        raise e.NotFound("支付订单不存在", field="order_id")
    return payment_of(conn, expire_if_due(conn, row, now))


def settle(conn: Connection, order_id: str, now: dt.datetime) -> Payment:
    """Mark a pending order paid and credit the line (paying twice changes nothing)."""
    row = conn.execute(select(t.payments).where(t.payments.c.order_id == order_id)).first()
    if row is None:
        raise e.NotFound("支付订单不存在", field="order_id")
    row = expire_if_due(conn, row, now)
    if row.status == "paid":
        return payment_of(conn, row)
    if row.status != "pending":
        raise e.Conflict("支付订单已过期")
    balance = conn.execute(
        select(t.lines.c.balance_fen).where(t.lines.c.id == row.line_id)
    ).scalar_one()
    new_balance = int(balance) + row.amount_fen
    values: dict[str, Any] = {"balance_fen": new_balance}
    line_status = conn.execute(
        select(t.lines.c.status).where(t.lines.c.id == row.line_id)
    ).scalar_one()
    if line_status == "arrears" and new_balance > 0:
        values["status"] = "normal"  # paying the arrears restores service (自动复机)
    conn.execute(update(t.lines).where(t.lines.c.id == row.line_id).values(**values))
    conn.execute(
        update(t.payments)
        .where(t.payments.c.order_id == order_id)
        .values(status="paid", paid_at=now, balance_after_fen=new_balance)
    )
    record_transaction(
        conn,
        line_id=row.line_id,
        terminal_id=row.terminal_id,
        kind="payment",
        now=now,
        amount_fen=row.amount_fen,
        detail=order_id,
    )
    return payment_of(conn, _row(conn, order_id))
