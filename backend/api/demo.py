"""Demo-only endpoints (registered only when the server runs with ``--demo``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select

from backend.api.deps import State, TerminalId
from backend.api.payments import payment_out, settle
from backend.api.schemas import DemoSmsIn, PaymentOut, SmsMessageOut, SmsOutboxOut
from backend.clock import SHANGHAI
from backend.db import tables as t

router = APIRouter(prefix="/v1/demo", tags=["demo only"])


@router.post("/sms-outbox", response_model=SmsOutboxOut, summary="[demo] Read the SMS outbox")
def read_outbox(body: DemoSmsIn, st: State, _terminal: TerminalId) -> SmsOutboxOut:
    """What the reference SMS gateway 'sent' to a number, newest first (max 20)."""
    o = t.sms_outbox.c
    with st.engine.connect() as conn:
        rows = conn.execute(
            select(t.sms_outbox)
            .where(o.number == body.phone)
            .order_by(o.sent_at.desc(), o.id.desc())
            .limit(20)
        ).all()
    return SmsOutboxOut(
        messages=[
            SmsMessageOut(text=r.text, sent_at=r.sent_at.astimezone(SHANGHAI), purpose=r.purpose)
            for r in rows
        ]
    )


@router.post(
    "/payments/{order_id}/paid", response_model=PaymentOut, summary="[demo] The customer paid"
)
def mark_paid(
    order_id: Annotated[str, Path(min_length=1, max_length=32)], st: State, _terminal: TerminalId
) -> PaymentOut:
    """Plays the customer's payment app: settles the order (again: no change)."""
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        return payment_out(settle(conn, order_id, st.clock.now()))
