"""Customer care: disputes (double refund), password reset, suspend/resume, invoices,
spam reports, balance reminder threshold."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, func, insert, select, update

from backend.api import problems as p
from backend.api.deps import AnySession, Details, IdemKey, Sensitive, State, Summary
from backend.api.idem import fingerprint, run_idempotent
from backend.api.schemas import (
    BillItemOut,
    DisputeIn,
    DisputeOut,
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
from backend.billing import Factor, LineStatus
from backend.clock import SHANGHAI, closed_months, month_of
from backend.db import tables as t
from backend.masking import mask_name
from backend.ops.auth import drop_factor, end_sessions
from backend.ops.bills import bills as bills_of
from backend.ops.lines import line_by_id
from backend.ops.tx import record_transaction
from backend.rules import REMINDER_THRESHOLDS_FEN, password_problem
from backend.security import hash_password, new_id, new_salt

router = APIRouter(prefix="/v1", tags=["customer care"])

# Charges the operator refunds at once when disputed (先退费后核查): SP and value-added fees,
# the classic source of unwanted charges. Others go to staff for checking.
AUTO_REFUND_KINDS = frozenset({"sp", "vas"})


@router.post("/disputes", response_model=DisputeOut, status_code=201, summary="Dispute a charge")
def open_dispute(body: DisputeIn, cust: Details, st: State, key: IdemKey) -> JSONResponse:
    """收费误差，双倍返还: a charge confirmed wrong is refunded twice, to the balance."""

    def op(conn: Connection) -> DisputeOut:
        r = t.records.c
        rec = conn.execute(
            select(r.id, r.kind, r.fee_fen, r.month, r.sub_item).where(
                r.id == body.record_id, r.line_id == cust.line_id
            )
        ).first()
        today = st.clock.today()
        if rec is None or rec.month not in {month_of(today), *closed_months(today)}:
            raise p.NotFound("没有找到该笔费用", field="record_id")
        if rec.fee_fen <= 0:
            raise p.InvalidInput("该记录未产生费用，无需申诉", field="record_id")
        if conn.execute(
            select(t.disputes.c.number).where(t.disputes.c.record_id == rec.id)
        ).first():
            raise p.Conflict("该笔费用已在申诉处理中")
        now = st.clock.now()
        refunded = rec.kind in AUTO_REFUND_KINDS
        refund = 2 * rec.fee_fen if refunded else 0
        number = "TS" + now.astimezone(SHANGHAI).strftime("%Y%m%d") + new_id("")[:8]
        conn.execute(
            insert(t.disputes).values(
                number=number,
                line_id=cust.line_id,
                record_id=rec.id,
                amount_fen=rec.fee_fen,
                reason=body.reason,
                status="refunded" if refunded else "investigating",
                refund_fen=refund,
                created_at=now,
            )
        )
        if refund:
            conn.execute(
                update(t.lines)
                .where(t.lines.c.id == cust.line_id)
                .values(balance_fen=t.lines.c.balance_fen + refund)
            )
        record_transaction(
            conn,
            line_id=cust.line_id,
            terminal_id=cust.terminal_id,
            kind="dispute",
            now=now,
            amount_fen=refund,
            detail=number,
        )
        message = (
            f"经核查该笔{rec.sub_item}收费有误，已双倍返还至您的账户。"
            if refunded
            else "已受理您的申诉，工作人员将在3个工作日内核查并联系您。"
        )
        return DisputeOut(
            number=number,
            record_id=rec.id,
            amount_fen=rec.fee_fen,
            status="refunded" if refunded else "investigating",
            refund_fen=refund,
            message=message,
        )

    fp = fingerprint("dispute", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op, status_code=201)


@router.post("/password", response_model=TransactionOut, summary="Reset the service password")
def reset_password(body: PasswordIn, cust: Sensitive, st: State, key: IdemKey) -> JSONResponse:
    """Simple passwords (same/sequential digits, taken from the number) are refused."""

    def op(conn: Connection) -> TransactionOut:
        line = line_by_id(conn, cust.line_id)
        problem = password_problem(body.new_password, line.number)
        if problem is not None:
            raise p.InvalidInput(problem, field="new_password")
        salt = new_salt()
        conn.execute(
            update(t.lines)
            .where(t.lines.c.id == line.id)
            .values(password_salt=salt, password_hash=hash_password(body.new_password, salt))
        )
        # Every other session of the line ends (one opened with the old password among them);
        # this one, opened with ID card + SMS, keeps going without the password factor.
        end_sessions(conn, line.id, keep_token_hash=cust.token_hash)
        drop_factor(conn, cust.token_hash, Factor.PASSWORD)
        now = st.clock.now()
        tx = record_transaction(
            conn, line_id=line.id, terminal_id=cust.terminal_id, kind="password_reset", now=now
        )
        return TransactionOut(
            transaction_id=tx,
            kind="password_reset",
            status=line.status.value,
            completed_at=now.astimezone(SHANGHAI),
            note="服务密码已重置，请牢记新密码。",
        )

    # Stored only keyed with the deployment's secret (run_idempotent): no table cracks it.
    fp = fingerprint("password", cust.line_id, body.new_password)
    return run_idempotent(st, cust.terminal_id, key, fp, op)


def _status_change(
    st: State, cust: Sensitive, key: IdemKey, *, kind: str, src: LineStatus, dst: LineStatus
) -> JSONResponse:
    def op(conn: Connection) -> TransactionOut:
        line = line_by_id(conn, cust.line_id)
        if line.status is not src:
            if line.status is LineStatus.ARREARS:
                raise p.Conflict("号码欠费停机，请先缴费", line_status=line.status.value)
            raise p.Conflict("号码当前状态不能办理该业务", line_status=line.status.value)
        conn.execute(update(t.lines).where(t.lines.c.id == line.id).values(status=dst.value))
        if dst is LineStatus.SUSPENDED:
            # 报停 (often: a lost phone): nobody else may go on acting for this line.
            end_sessions(conn, line.id, keep_token_hash=cust.token_hash)
        now = st.clock.now()
        tx = record_transaction(
            conn, line_id=line.id, terminal_id=cust.terminal_id, kind=kind, now=now
        )
        note = (
            "已报停。当月套餐费照常收取，自下一计费周期起收取号码保留费。"
            if dst is LineStatus.SUSPENDED
            else "已复机，号码恢复正常使用。"
        )
        return TransactionOut(
            transaction_id=tx,
            kind=kind,
            status=dst.value,
            completed_at=now.astimezone(SHANGHAI),
            note=note,
        )

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


def _invoice_out(conn: Connection, row: object, line_id: int) -> InvoiceOut:
    month = getattr(row, "month")  # noqa: B009 - Row attribute
    bill = bills_of(conn, line_id, [month])[0]
    name = line_by_id(conn, line_id).customer_name
    return InvoiceOut(
        invoice_number=getattr(row, "invoice_number"),  # noqa: B009
        month=month,
        amount_fen=getattr(row, "amount_fen"),  # noqa: B009
        title=mask_name(name),
        issued_at=getattr(row, "issued_at").astimezone(SHANGHAI),  # noqa: B009
        items=[
            BillItemOut(name=c.name, amount_fen=c.total_fen) for c in bill.categories if c.total_fen
        ],
    )


@router.get("/invoices", response_model=InvoicesOut, summary="Invoices issued for a month")
def invoices(
    cust: Summary, st: State, month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
) -> InvoicesOut:
    """Empty when none was issued yet."""
    with st.engine.connect() as conn:
        rows = conn.execute(
            select(t.invoices).where(
                t.invoices.c.line_id == cust.line_id, t.invoices.c.month == month
            )
        ).all()
        return InvoicesOut(invoices=[_invoice_out(conn, r, cust.line_id) for r in rows])


@router.post("/invoices", response_model=InvoiceOut, status_code=201, summary="Issue an invoice")
def issue_invoice(body: InvoiceIn, cust: Summary, st: State, key: IdemKey) -> JSONResponse:
    """Once per closed month; a second request for the month is a conflict."""

    def op(conn: Connection) -> InvoiceOut:
        if body.month not in closed_months(st.clock.today()):
            raise p.NotFound("只能开具最近5个月（不含当月）的发票", field="month")
        bill = conn.execute(
            select(t.bills.c.total_fen).where(
                t.bills.c.line_id == cust.line_id, t.bills.c.month == body.month
            )
        ).first()
        if bill is None:
            raise p.NotFound("该月没有账单", field="month")
        issued = conn.execute(
            select(func.count()).where(
                t.invoices.c.line_id == cust.line_id, t.invoices.c.month == body.month
            )
        ).scalar_one()
        if issued:
            raise p.Conflict("该月发票已开具，补打请到人工柜台")
        now = st.clock.now()
        number = "FP" + now.astimezone(SHANGHAI).strftime("%y%m%d") + new_id("")[:10]
        conn.execute(
            insert(t.invoices).values(
                invoice_number=number,
                line_id=cust.line_id,
                month=body.month,
                amount_fen=max(0, bill.total_fen),
                issued_at=now,
            )
        )
        record_transaction(
            conn,
            line_id=cust.line_id,
            terminal_id=cust.terminal_id,
            kind="invoice",
            now=now,
            amount_fen=max(0, bill.total_fen),
            detail=number,
        )
        row = conn.execute(select(t.invoices).where(t.invoices.c.invoice_number == number)).one()
        return _invoice_out(conn, row, cust.line_id)

    fp = fingerprint("invoice", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op, status_code=201)


@router.post("/spam-reports", response_model=SpamOut, status_code=201, summary="Report spam")
def report_spam(body: SpamIn, cust: AnySession, st: State, key: IdemKey) -> JSONResponse:
    """不良信息举报 (10086999): any identified customer may report."""

    def op(conn: Connection) -> SpamOut:
        now = st.clock.now()
        report_id = new_id("JB")
        conn.execute(
            insert(t.spam_reports).values(
                report_id=report_id,
                line_id=cust.line_id,
                reported_number=body.number,
                content=body.content,
                received_at=now,
            )
        )
        return SpamOut(report_id=report_id, received_at=now.astimezone(SHANGHAI))

    fp = fingerprint("spam", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op, status_code=201)


@router.put("/reminder", response_model=ReminderOut, summary="Balance reminder threshold")
def set_reminder(body: ReminderIn, cust: Summary, st: State, key: IdemKey) -> JSONResponse:
    """Pre-paid lines only; 5/10/20/30/50 元 or null to cancel."""

    def op(conn: Connection) -> ReminderOut:
        line = line_by_id(conn, cust.line_id)
        if not line.is_prepaid:
            raise p.Conflict("后付费（全球通）号码按月结算，无需设置余额提醒")
        if body.threshold_fen is not None and body.threshold_fen not in REMINDER_THRESHOLDS_FEN:
            raise p.InvalidInput("提醒金额可选5、10、20、30、50元", field="threshold_fen")
        conn.execute(
            update(t.lines)
            .where(t.lines.c.id == line.id)
            .values(reminder_threshold_fen=body.threshold_fen)
        )
        # A transaction like any other: its number is the reference the kiosk journals.
        tx = record_transaction(
            conn,
            line_id=line.id,
            terminal_id=cust.terminal_id,
            kind="reminder",
            now=st.clock.now(),
            detail="off" if body.threshold_fen is None else str(body.threshold_fen),
        )
        return ReminderOut(threshold_fen=body.threshold_fen, transaction_id=tx)

    fp = fingerprint("reminder", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op)
