"""QR payments through the reference payment provider (settled by a demo-only call).

The rules live in backend/ops/payments.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from backend.api.deps import IdemKey, State, Summary
from backend.api.idem import fingerprint, run_idempotent
from backend.api.schemas import PaymentIn, PaymentOut
from backend.ops import payments as ops
from backend.ops.writes import writing

router = APIRouter(prefix="/v1/payments", tags=["payments"])

OrderPath = Annotated[str, Path(min_length=1, max_length=32)]


def payment_out(payment: ops.Payment) -> PaymentOut:
    """A payment on the wire."""
    return PaymentOut.model_validate(payment, from_attributes=True)


@router.post("", response_model=PaymentOut, status_code=201, summary="Create a QR payment order")
def create_payment(body: PaymentIn, cust: Summary, st: State, key: IdemKey) -> JSONResponse:
    """The kiosk shows ``qr_payload`` as a QR code and polls the status."""

    def op(conn: Connection) -> PaymentOut:
        now = st.clock.now()
        return payment_out(ops.create(conn, cust.line_id, cust.terminal_id, body.amount_fen, now))

    fp = fingerprint("payment", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op, status_code=201)


@router.get("/{order_id}", response_model=PaymentOut, summary="Payment order status")
def payment_status(order_id: OrderPath, cust: Summary, st: State) -> PaymentOut:
    """pending -> paid (or expired after 15 minutes)."""
    with writing(st.engine) as conn:
        return payment_out(ops.status(conn, cust.line_id, order_id, st.clock.now()))
