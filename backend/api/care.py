"""Customer care: disputes (double refund), password reset, suspend/resume, invoices,
spam reports, balance reminder threshold. The rules live in backend/ops/care.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from backend.api.deps import AnySession, Details, IdemKey, Sensitive, State, Summary
from backend.api.idem import fingerprint, run_idempotent
from backend.api.schemas import (
    DisputeIn,
    DisputeOut,
    DisputesOut,
    InvoiceIn,
    InvoiceOut,
    InvoicesOut,
    PasswordIn,
    ReminderIn,
    ReminderOut,
    SpamIn,
    SpamOut,
    TransactionOut,
)
from backend.billing import LineStatus
from backend.ops import care as ops

router = APIRouter(prefix="/v1", tags=["customer care"])


@router.post("/disputes", response_model=DisputeOut, status_code=201, summary="Dispute a charge")
def open_dispute(body: DisputeIn, cust: Details, st: State, key: IdemKey) -> JSONResponse:
    """收费误差，双倍返还: a charge confirmed wrong is refunded twice, to the balance."""

    def op(conn: Connection) -> DisputeOut:
        dispute = ops.open_dispute(
            conn, cust, body.record_id, body.reason, st.clock.today(), st.clock.now()
        )
        return DisputeOut.model_validate(dispute, from_attributes=True)

    fp = fingerprint("dispute", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op, status_code=201)


@router.get("/disputes", response_model=DisputesOut, summary="The line's disputes")
def disputes(cust: Details, st: State) -> DisputesOut:
    """Newest first, each with its status (``refunded``: paid back twice, 已退款)."""
    with st.engine.connect() as conn:
        items = ops.disputes_of(conn, cust.line_id)
    return DisputesOut(items=[DisputeOut.model_validate(d, from_attributes=True) for d in items])


def _transaction_out(tx: ops.Transaction) -> TransactionOut:
    return TransactionOut.model_validate(tx, from_attributes=True)


@router.post("/password", response_model=TransactionOut, summary="Reset the service password")
def reset_password(body: PasswordIn, cust: Sensitive, st: State, key: IdemKey) -> JSONResponse:
    """Simple passwords (same/sequential digits, taken from the number) are refused."""
    # Hashed before the write transaction: PBKDF2 must not hold SQLite's one writer.
    secret = ops.new_password_secret(body.new_password)

    def op(conn: Connection) -> TransactionOut:
        return _transaction_out(
            ops.reset_password(conn, cust, body.new_password, secret, st.clock.now())
        )

    # Stored only keyed with the deployment's secret (run_idempotent): no table cracks it.
    fp = fingerprint("password", cust.line_id, body.new_password)
    return run_idempotent(st, cust.terminal_id, key, fp, op)


def _status_change(
    st: State, cust: Sensitive, key: IdemKey, *, kind: str, src: LineStatus, dst: LineStatus
) -> JSONResponse:
    def op(conn: Connection) -> TransactionOut:
        tx = ops.change_status(conn, cust, kind=kind, src=src, dst=dst, now=st.clock.now())
        return _transaction_out(tx)

    return run_idempotent(st, cust.terminal_id, key, fingerprint(kind, cust.line_id), op)


@router.post("/line/suspend", response_model=TransactionOut, summary="Suspend the line (报停)")
def suspend(cust: Sensitive, st: State, key: IdemKey) -> JSONResponse:
    """At the customer's request (also used to report a lost phone)."""
    return _status_change(
        st, cust, key, kind="suspend", src=LineStatus.NORMAL, dst=LineStatus.SUSPENDED
    )


@router.post("/line/resume", response_model=TransactionOut, summary="Resume the line (复机)")
def resume(cust: Sensitive, st: State, key: IdemKey) -> JSONResponse:
    """Only a line suspended at the customer's request; arrears need a payment."""
    return _status_change(
        st, cust, key, kind="resume", src=LineStatus.SUSPENDED, dst=LineStatus.NORMAL
    )


def _invoice_out(invoice: ops.Invoice) -> InvoiceOut:
    return InvoiceOut.model_validate(invoice, from_attributes=True)


@router.get("/invoices", response_model=InvoicesOut, summary="Invoices issued for a month")
def invoices(
    cust: Summary, st: State, month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
) -> InvoicesOut:
    """Empty when none was issued yet."""
    with st.engine.connect() as conn:
        found = ops.invoices(conn, cust.line_id, month)
    return InvoicesOut(invoices=[_invoice_out(i) for i in found])


@router.post("/invoices", response_model=InvoiceOut, status_code=201, summary="Issue an invoice")
def issue_invoice(body: InvoiceIn, cust: Summary, st: State, key: IdemKey) -> JSONResponse:
    """Once per closed month; a second request for the month is a conflict."""

    def op(conn: Connection) -> InvoiceOut:
        invoice = ops.issue_invoice(conn, cust, body.month, st.clock.today(), st.clock.now())
        return _invoice_out(invoice)

    fp = fingerprint("invoice", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op, status_code=201)


@router.post("/spam-reports", response_model=SpamOut, status_code=201, summary="Report spam")
def report_spam(body: SpamIn, cust: AnySession, st: State, key: IdemKey) -> JSONResponse:
    """不良信息举报 (10086999): any identified customer may report."""

    def op(conn: Connection) -> SpamOut:
        receipt = ops.report_spam(conn, cust.line_id, body.number, body.content, st.clock.now())
        return SpamOut.model_validate(receipt, from_attributes=True)

    fp = fingerprint("spam", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op, status_code=201)


@router.put("/reminder", response_model=ReminderOut, summary="Balance reminder threshold")
def set_reminder(body: ReminderIn, cust: Summary, st: State, key: IdemKey) -> JSONResponse:
    """Pre-paid lines only; 5/10/20/30/50 元 or null to cancel."""

    def op(conn: Connection) -> ReminderOut:
        reminder = ops.set_reminder(conn, cust, body.threshold_fen, st.clock.now())
        return ReminderOut.model_validate(reminder, from_attributes=True)

    fp = fingerprint("reminder", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op)
