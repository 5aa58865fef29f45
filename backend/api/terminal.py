"""The terminal's own calls (no customer session): its health report, and settlement of
its journal.

After a power cut or a lost answer, the kiosk's journal names mutations it sent without
knowing their outcome. ``POST /v1/terminal/transactions/{key}/settle`` gives the final answer:
the stored result of the applied mutation, or — when none is stored — it fences the key as
abandoned in the same database, so the mutation can never be applied later under that key
(idem.py). ``GET`` on the key only peeks and decides nothing: "not yet" there is no verdict.
"""

from __future__ import annotations

from fastapi import APIRouter, Path, Response

from backend.api.deps import State, TerminalId
from backend.api.schemas import TerminalStatusIn, TransactionStateOut
from backend.ops.idem import KeyOutcome, peek, settle
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


KeyPath = Path(min_length=1, max_length=64)


@router.get(
    "/transactions/{key}",
    response_model=TransactionStateOut,
    summary="Peek at a key: applied, abandoned or not (yet) — no verdict",
)
def transaction_state(
    st: State, terminal_id: TerminalId, key: str = KeyPath
) -> TransactionStateOut:
    """Read-only: ``applied: false`` with ``abandoned: false`` means the mutation may still
    arrive. Only this terminal's own keys are visible; the answer holds no personal data."""
    verdict = peek(st.engine, terminal_id, key)
    if verdict is None or verdict.outcome is KeyOutcome.ABANDONED:
        return TransactionStateOut(
            key=key,
            applied=False,
            abandoned=verdict is not None,
            status_code=None,
            reference=None,
        )
    return TransactionStateOut(
        key=key,
        applied=True,
        abandoned=False,
        status_code=verdict.status_code,
        reference=reference_of(verdict.body),
    )


@router.post(
    "/transactions/{key}/settle",
    response_model=TransactionStateOut,
    summary="Settle a key for good: the applied result, or the key fenced as abandoned",
)
def settle_transaction(
    st: State, terminal_id: TerminalId, key: str = KeyPath
) -> TransactionStateOut:
    """Final: ``applied`` with the stored answer's reference, or ``abandoned`` — a request
    carrying the key later is refused (409 ``idempotency_key_abandoned``), nothing applied.
    Asking again returns the same verdict; other terminals' keys are never touched."""
    verdict = settle(st.engine, st.clock.now(), terminal_id, key)
    if verdict.outcome is KeyOutcome.ABANDONED:
        return TransactionStateOut(
            key=key, applied=False, abandoned=True, status_code=None, reference=None
        )
    return TransactionStateOut(
        key=key,
        applied=True,
        abandoned=False,
        status_code=verdict.status_code,
        reference=reference_of(verdict.body),
    )


@router.put("/status", status_code=204, summary="The terminal's health report (once a minute)")
def report_status(body: TerminalStatusIn, st: State, terminal_id: TerminalId) -> Response:
    """Kept per terminal (the newest wins); `python -m backend terminals` lists the fleet."""
    store_status(st.engine, terminal_id, body.model_dump(), st.clock.now())
    return Response(status_code=204)
