"""Demo-only endpoints (registered only when the server runs with ``--demo``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from backend.api.deps import State, TerminalId
from backend.api.payments import payment_out
from backend.api.schemas import DemoSmsIn, PaymentOut, SmsMessageOut, SmsOutboxOut
from backend.ops import payments
from backend.ops.auth import outbox
from backend.ops.writes import writing

router = APIRouter(prefix="/v1/demo", tags=["demo only"])


@router.post("/sms-outbox", response_model=SmsOutboxOut, summary="[demo] Read the SMS outbox")
def read_outbox(body: DemoSmsIn, st: State, _terminal: TerminalId) -> SmsOutboxOut:
    """What the reference SMS gateway 'sent' to a number, newest first (max 20)."""
    with st.engine.connect() as conn:
        messages = outbox(conn, body.phone)
    return SmsOutboxOut(
        messages=[SmsMessageOut.model_validate(m, from_attributes=True) for m in messages]
    )


@router.post(
    "/payments/{order_id}/paid", response_model=PaymentOut, summary="[demo] The customer paid"
)
def mark_paid(
    order_id: Annotated[str, Path(min_length=1, max_length=32)], st: State, _terminal: TerminalId
) -> PaymentOut:
    """Plays the customer's payment app: settles the order (again: no change)."""
    with writing(st.engine) as conn:
        return payment_out(payments.settle(conn, order_id, st.clock.now()))
