"""The terminal's own calls (no customer session): its health report, and reconciliation of
its journal.

After a power cut or a lost answer, the kiosk's journal names mutations it sent without
knowing their outcome. The key is stored in the same database transaction that applies a
mutation (see idem.py), so "not found" means the mutation did not happen and never will
under that key's answer, and "found" returns the stored answer's reference.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Path, Response
from sqlalchemy import select

from backend.api.deps import State, TerminalId
from backend.api.schemas import TerminalStatusIn, TransactionStateOut
from backend.db import tables as t
from backend.ops.terminals import store_status

router = APIRouter(prefix="/v1/terminal", tags=["terminal"])

# Where each kind of answer carries its own number, most specific first.
REFERENCE_FIELDS = (
    "order_id",
    "number",
    "invoice_number",
    "report_id",
    "transaction_id",
    "quote_id",
)


def reference_of(body: object) -> str | None:
    if not isinstance(body, dict):
        return None
    for field in REFERENCE_FIELDS:
        value = body.get(field)
        if isinstance(value, str) and value:
            return value
    return None


@router.get(
    "/transactions/{key}",
    response_model=TransactionStateOut,
    summary="Was the mutation with this Idempotency-Key applied? (reconciliation)",
)
def transaction_state(
    st: State,
    terminal_id: TerminalId,
    key: str = Path(min_length=1, max_length=64),
) -> TransactionStateOut:
    """Only this terminal's own keys are visible; the answer holds no personal data."""
    with st.engine.connect() as conn:
        row = conn.execute(
            select(t.idempotency.c.status_code, t.idempotency.c.body).where(
                (t.idempotency.c.terminal_id == terminal_id) & (t.idempotency.c.key == key)
            )
        ).first()
    if row is None or not row.body:
        return TransactionStateOut(key=key, applied=False, status_code=None, reference=None)
    return TransactionStateOut(
        key=key,
        applied=True,
        status_code=row.status_code,
        reference=reference_of(json.loads(row.body)),
    )


@router.put("/status", status_code=204, summary="The terminal's health report (once a minute)")
def report_status(body: TerminalStatusIn, st: State, terminal_id: TerminalId) -> Response:
    """Kept per terminal (the newest wins); `python -m backend terminals` lists the fleet."""
    store_status(st.engine, terminal_id, body.model_dump(), st.clock.now())
    return Response(status_code=204)
