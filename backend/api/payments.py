"""QR payments through the reference payment provider (settled by a demo-only call)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, insert, select, update

from backend.api import problems as p
from backend.api.deps import IdemKey, State, Summary
from backend.api.idem import fingerprint, run_idempotent
from backend.api.schemas import PaymentIn, PaymentOut
from backend.clock import SHANGHAI
from backend.db import tables as t
from backend.ops.tx import record_transaction
from backend.security import new_id

router = APIRouter(prefix="/v1/payments", tags=["payments"])

ORDER_VALIDITY = dt.timedelta(minutes=15)
QR_BASE = "https://pay.demo-operator.cn/qr/"

OrderPath = Annotated[str, Path(min_length=1, max_length=32)]


def payment_out(row: Any) -> PaymentOut:
    """A payment row on the wire (instants in Asia/Shanghai)."""
    return PaymentOut(
        order_id=row.order_id,
        amount_fen=row.amount_fen,
        qr_payload=f"{QR_BASE}{row.order_id}?amount_fen={row.amount_fen}",
        status=row.status,
        created_at=row.created_at.astimezone(SHANGHAI),
        expires_at=row.expires_at.astimezone(SHANGHAI),
        paid_at=row.paid_at.astimezone(SHANGHAI) if row.paid_at else None,
        balance_after_fen=row.balance_after_fen,
    )


def expire_if_due(conn: Connection, row: Any, now: dt.datetime) -> Any:
    """A pending order past its validity becomes expired (on read: no background job)."""
    if row.status == "pending" and row.expires_at <= now:
        conn.execute(
            update(t.payments).where(t.payments.c.order_id == row.order_id).values(status="expired")
        )
        return conn.execute(select(t.payments).where(t.payments.c.order_id == row.order_id)).one()
    return row


def settle(conn: Connection, order_id: str, now: dt.datetime) -> Any:
    """Mark a pending order paid and credit the line (paying twice changes nothing)."""
    row = conn.execute(select(t.payments).where(t.payments.c.order_id == order_id)).first()
    if row is None:
        raise p.NotFound("支付订单不存在", field="order_id")
    row = expire_if_due(conn, row, now)
    if row.status == "paid":
        return row
    if row.status != "pending":
        raise p.Conflict("支付订单已过期")
    balance = conn.execute(
        select(t.lines.c.balance_fen).where(t.lines.c.id == row.line_id)
    ).scalar_one()
    new_balance = int(balance) + row.amount_fen
    values: dict[str, Any] = {"balance_fen": new_balance}
    status = conn.execute(select(t.lines.c.status).where(t.lines.c.id == row.line_id)).scalar_one()
    if status == "arrears" and new_balance > 0:
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
    return conn.execute(select(t.payments).where(t.payments.c.order_id == order_id)).one()


@router.post("", response_model=PaymentOut, status_code=201, summary="Create a QR payment order")
def create_payment(body: PaymentIn, cust: Summary, st: State, key: IdemKey) -> JSONResponse:
    """The kiosk shows ``qr_payload`` as a QR code and polls the status."""

    def op(conn: Connection) -> PaymentOut:
        now = st.clock.now()
        order_id = new_id("PO")
        conn.execute(
            insert(t.payments).values(
                order_id=order_id,
                line_id=cust.line_id,
                terminal_id=cust.terminal_id,
                amount_fen=body.amount_fen,
                status="pending",
                created_at=now,
                expires_at=now + ORDER_VALIDITY,
                paid_at=None,
                balance_after_fen=None,
            )
        )
        row = conn.execute(select(t.payments).where(t.payments.c.order_id == order_id)).one()
        return payment_out(row)

    fp = fingerprint("payment", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op, status_code=201)


@router.get("/{order_id}", response_model=PaymentOut, summary="Payment order status")
def payment_status(order_id: OrderPath, cust: Summary, st: State) -> PaymentOut:
    """pending -> paid (or expired after 15 minutes)."""
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        row = conn.execute(
            select(t.payments).where(
                t.payments.c.order_id == order_id, t.payments.c.line_id == cust.line_id
            )
        ).first()
        if row is None:
            raise p.NotFound("支付订单不存在", field="order_id")
        return payment_out(expire_if_due(conn, row, st.clock.now()))
