"""Customer care: disputes (double refund), password reset, suspend/resume, invoices, spam
reports, the balance reminder threshold. Each mutation runs in its caller's transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from backend.billing import Factor, LineStatus
from backend.clock import SHANGHAI, closed_months, month_of
from backend.db import tables as t
from backend.masking import mask_name
from backend.ops import errors as e
from backend.ops.auth import Customer, drop_factor, end_sessions
from backend.ops.bills import BillItem, bills
from backend.ops.lines import line_by_id
from backend.ops.tx import record_transaction
from backend.rules import REMINDER_THRESHOLDS_FEN, password_problem
from backend.security import hash_password, new_id, new_salt

# Charges the operator refunds at once when disputed (先退费后核查): SP and value-added fees,
# the classic source of unwanted charges. Others go to staff for checking.
AUTO_REFUND_KINDS = frozenset({"sp", "vas"})


@dataclass(frozen=True, slots=True)
class Dispute:
    """An opened dispute."""

    number: str
    record_id: int
    amount_fen: int
    status: str
    refund_fen: int
    message: str
    created_at: dt.datetime  # Asia/Shanghai


@dataclass(frozen=True, slots=True)
class Transaction:
    """A plain completed transaction (completed_at in Asia/Shanghai)."""

    transaction_id: str
    kind: str
    status: str
    completed_at: dt.datetime
    note: str


@dataclass(frozen=True, slots=True)
class Invoice:
    """An issued invoice, the customer's name masked."""

    invoice_number: str
    month: str
    amount_fen: int
    title: str
    issued_at: dt.datetime
    items: list[BillItem]


@dataclass(frozen=True, slots=True)
class SpamReceipt:
    """A spam report's receipt."""

    report_id: str
    received_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Reminder:
    """The reminder setting, with the transaction that set it."""

    threshold_fen: int | None
    transaction_id: str


def open_dispute(
    conn: Connection,
    cust: Customer,
    record_id: int,
    reason: str,
    today: dt.date,
    now: dt.datetime,
) -> Dispute:
    """收费误差，双倍返还: a charge confirmed wrong is refunded twice, to the balance."""
    r = t.records.c
    rec = conn.execute(
        select(r.id, r.kind, r.fee_fen, r.month, r.sub_item).where(
            r.id == record_id, r.line_id == cust.line_id
        )
    ).first()
    if rec is None or rec.month not in {month_of(today), *closed_months(today)}:
        raise e.NotFound("没有找到该笔费用", field="record_id")
    if rec.fee_fen <= 0:
        raise e.InvalidInput("该记录未产生费用，无需申诉", field="record_id")
    earlier = conn.execute(
        select(t.disputes.c.number, t.disputes.c.status).where(t.disputes.c.record_id == rec.id)
    ).first()
    if earlier is not None:
        # Say what really happened to it: a refunded charge is not "in progress" (issue 13).
        if earlier.status == "refunded":
            raise e.Conflict(f"该笔费用已退款（申诉单号 {earlier.number}），无需再次申诉")
        raise e.Conflict(f"该笔费用已在申诉处理中（申诉单号 {earlier.number}）")
    refunded = rec.kind in AUTO_REFUND_KINDS
    refund = 2 * rec.fee_fen if refunded else 0
    number = "TS" + now.astimezone(SHANGHAI).strftime("%Y%m%d") + new_id("")[:8]
    status = "refunded" if refunded else "investigating"
    conn.execute(
        insert(t.disputes).values(
            number=number,
            line_id=cust.line_id,
            record_id=rec.id,
            amount_fen=rec.fee_fen,
            reason=reason,
            status=status,
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
    message = _message(status, rec.sub_item)
    return Dispute(number, rec.id, rec.fee_fen, status, refund, message, now)


def _message(status: str, sub_item: str) -> str:
    if status == "refunded":
        return f"经核查该笔{sub_item}收费有误，已双倍返还至您的账户。"
    return "已受理您的申诉，工作人员将在3个工作日内核查并联系您。"


def disputes_of(conn: Connection, line_id: int) -> list[Dispute]:
    """The line's disputes, newest first (what the dispute screen marks charges with)."""
    d, r = t.disputes.c, t.records.c
    rows = conn.execute(
        select(
            d.number, d.record_id, d.amount_fen, d.status, d.refund_fen, d.created_at, r.sub_item
        )
        .join(t.records, r.id == d.record_id)
        .where(d.line_id == line_id)
        .order_by(d.created_at.desc(), d.number.desc())
    ).all()
    return [
        Dispute(
            row.number,
            row.record_id,
            row.amount_fen,
            row.status,
            row.refund_fen,
            _message(row.status, row.sub_item),
            row.created_at.astimezone(SHANGHAI),
        )
        for row in rows
    ]


def new_password_secret(password: str) -> tuple[str, str]:
    """(salt, hash) of a new service password: computed before the write transaction."""
    salt = new_salt()
    return salt, hash_password(password, salt)


def reset_password(
    conn: Connection,
    cust: Customer,
    new_password: str,
    secret: tuple[str, str],
    now: dt.datetime,
) -> Transaction:
    """Simple passwords (same/sequential digits, taken from the number) are refused.

    ``secret`` is :func:`new_password_secret` of ``new_password``."""
    line = line_by_id(conn, cust.line_id)
    problem = password_problem(new_password, line.number)
    if problem is not None:
        raise e.InvalidInput(problem, field="new_password")
    salt, pw_hash = secret
    conn.execute(
        update(t.lines)
        .where(t.lines.c.id == line.id)
        .values(password_salt=salt, password_hash=pw_hash)
    )
    # Every other session of the line ends (one opened with the old password among them);
    # this one, opened with ID card + SMS, keeps going without the password factor.
    end_sessions(conn, line.id, keep_token_hash=cust.token_hash)
    drop_factor(conn, cust.token_hash, Factor.PASSWORD)
    tx = record_transaction(
        conn, line_id=line.id, terminal_id=cust.terminal_id, kind="password_reset", now=now
    )
    return Transaction(
        transaction_id=tx,
        kind="password_reset",
        status=line.status.value,
        completed_at=now.astimezone(SHANGHAI),
        note="服务密码已重置，请牢记新密码。",
    )


def change_status(
    conn: Connection,
    cust: Customer,
    *,
    kind: str,
    src: LineStatus,
    dst: LineStatus,
    now: dt.datetime,
) -> Transaction:
    """报停 / 复机: from ``src`` to ``dst`` only."""
    line = line_by_id(conn, cust.line_id)
    if line.status is not src:
        if line.status is LineStatus.ARREARS:
            raise e.Conflict("号码欠费停机，请先缴费", line_status=line.status.value)
        raise e.Conflict("号码当前状态不能办理该业务", line_status=line.status.value)
    conn.execute(update(t.lines).where(t.lines.c.id == line.id).values(status=dst.value))
    if dst is LineStatus.SUSPENDED:
        # 报停 (often: a lost phone): nobody else may go on acting for this line.
        end_sessions(conn, line.id, keep_token_hash=cust.token_hash)
    tx = record_transaction(conn, line_id=line.id, terminal_id=cust.terminal_id, kind=kind, now=now)
    note = (
        "已报停。当月套餐费照常收取，自下一计费周期起收取号码保留费。"
        if dst is LineStatus.SUSPENDED
        else "已复机，号码恢复正常使用。"
    )
    return Transaction(
        transaction_id=tx,
        kind=kind,
        status=dst.value,
        completed_at=now.astimezone(SHANGHAI),
        note=note,
    )


def _invoice_of(conn: Connection, row: Any, line_id: int) -> Invoice:
    bill = bills(conn, line_id, [row.month])[0]
    name = line_by_id(conn, line_id).customer_name
    return Invoice(
        invoice_number=row.invoice_number,
        month=row.month,
        amount_fen=row.amount_fen,
        title=mask_name(name),
        issued_at=row.issued_at.astimezone(SHANGHAI),
        items=[
            BillItem(name=c.name, amount_fen=c.total_fen) for c in bill.categories if c.total_fen
        ],
    )


def invoices(conn: Connection, line_id: int, month: str) -> list[Invoice]:
    """Invoices issued for a month (none yet: empty)."""
    rows = conn.execute(
        select(t.invoices).where(t.invoices.c.line_id == line_id, t.invoices.c.month == month)
    ).all()
    return [_invoice_of(conn, r, line_id) for r in rows]


def issue_invoice(
    conn: Connection, cust: Customer, month: str, today: dt.date, now: dt.datetime
) -> Invoice:
    """Once per closed month; a second request for the month is a conflict."""
    if month not in closed_months(today):
        raise e.NotFound("只能开具最近5个月（不含当月）的发票", field="month")
    bill = conn.execute(
        select(t.bills.c.total_fen).where(
            t.bills.c.line_id == cust.line_id, t.bills.c.month == month
        )
    ).first()
    if bill is None:
        raise e.NotFound("该月没有账单", field="month")
    issued = conn.execute(
        select(func.count()).where(
            t.invoices.c.line_id == cust.line_id, t.invoices.c.month == month
        )
    ).scalar_one()
    if issued:
        raise e.Conflict("该月发票已开具，补打请到人工柜台")
    number = "FP" + now.astimezone(SHANGHAI).strftime("%y%m%d") + new_id("")[:10]
    conn.execute(
        insert(t.invoices).values(
            invoice_number=number,
            line_id=cust.line_id,
            month=month,
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
    return _invoice_of(conn, row, cust.line_id)


def report_spam(
    conn: Connection, line_id: int, number: str, content: str, now: dt.datetime
) -> SpamReceipt:
    """不良信息举报 (10086999): stored for the operator's spam desk."""
    report_id = new_id("JB")
    conn.execute(
        insert(t.spam_reports).values(
            report_id=report_id,
            line_id=line_id,
            reported_number=number,
            content=content,
            received_at=now,
        )
    )
    return SpamReceipt(report_id=report_id, received_at=now.astimezone(SHANGHAI))


def set_reminder(
    conn: Connection, cust: Customer, threshold_fen: int | None, now: dt.datetime
) -> Reminder:
    """Pre-paid lines only; 5/10/20/30/50 元 or None to cancel."""
    line = line_by_id(conn, cust.line_id)
    if not line.is_prepaid:
        raise e.Conflict("后付费（全球通）号码按月结算，无需设置余额提醒")
    if threshold_fen is not None and threshold_fen not in REMINDER_THRESHOLDS_FEN:
        raise e.InvalidInput("提醒金额可选5、10、20、30、50元", field="threshold_fen")
    conn.execute(
        update(t.lines).where(t.lines.c.id == line.id).values(reminder_threshold_fen=threshold_fen)
    )
    # A transaction like any other: its number is the reference the kiosk journals.
    tx = record_transaction(
        conn,
        line_id=line.id,
        terminal_id=cust.terminal_id,
        kind="reminder",
        now=now,
        detail="off" if threshold_fen is None else str(threshold_fen),
    )
    return Reminder(threshold_fen=threshold_fen, transaction_id=tx)
