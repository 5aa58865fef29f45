"""Plans and plan change; value-added services: list, order (double confirmation), cancel.
Each mutation runs in its caller's transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from backend import agreements as ag
from backend.billing import Factor, LineStatus
from backend.clock import SHANGHAI, Clock, month_end, month_of, next_month_start
from backend.config import Limits
from backend.db import tables as t
from backend.db.engine import writing
from backend.ops import errors as e
from backend.ops.auth import (
    CodeCheck,
    Customer,
    check_code,
    check_not_locked,
    record_failure,
    resend_wait_s,
    send_code,
)
from backend.ops.guard import serialise, throttle
from backend.ops.lines import Plan, line_by_id, plan_of, plans_of_brand
from backend.ops.tx import record_transaction
from backend.rules import SMS_CODE_VALIDITY
from backend.security import new_id


@dataclass(frozen=True, slots=True)
class Service:
    """A catalogue service."""

    code: str
    name: str
    kind: str
    sp_name: str
    service_number: str
    monthly_fee_fen: int
    description: str


@dataclass(frozen=True, slots=True)
class Subscription:
    """A line's subscription to a service."""

    service: Service
    started_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Services:
    """Current subscriptions and what else may be ordered."""

    subscriptions: list[Subscription]
    catalogue: list[Service]


@dataclass(frozen=True, slots=True)
class PlanChange:
    """A booked plan change."""

    transaction_id: str
    from_plan: Plan
    to_plan: Plan
    effective_on: dt.date
    services_kept: list[str]
    services_cancelled: list[str]
    services_opened: list[str]


@dataclass(frozen=True, slots=True)
class Quote:
    """Order step 1: what the customer confirms with the SMS code."""

    quote_id: str
    service: Service
    confirmation_text: str
    price_fen: int
    period: str
    starts_on: dt.date
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ServiceChange:
    """An order confirmed or a service cancelled."""

    transaction_id: str
    subscription: Subscription


def _service_of(row: Any) -> Service:
    return Service(
        code=row.code,
        name=row.name,
        kind=row.kind,
        sp_name=row.sp_name,
        service_number=row.service_number,
        monthly_fee_fen=row.monthly_fee_fen,
        description=row.description,
    )


def _active_subscriptions(conn: Connection, line_id: int, today: dt.date) -> list[Any]:
    s = t.subscriptions.c
    return list(
        conn.execute(
            select(t.subscriptions, t.services)
            .join(t.services, t.services.c.code == s.service_code)
            .where(s.line_id == line_id, (s.ends_on.is_(None)) | (s.ends_on >= today))
            .order_by(s.started_on)
        )
    )


def _subscription_of(row: Any) -> Subscription:
    return Subscription(service=_service_of(row), started_on=row.started_on, ends_on=row.ends_on)


def _require_normal(status: LineStatus) -> None:
    if status is not LineStatus.NORMAL:
        raise e.Conflict("号码当前处于停机状态，请先复机或缴费", line_status=status.value)


def plans_for(conn: Connection, line_id: int) -> list[Plan]:
    """Plans the line may change to (same brand; the current plan included), cheapest first."""
    return plans_of_brand(conn, line_by_id(conn, line_id).brand)


def change_plan(
    conn: Connection,
    cust: Customer,
    plan_code: str,
    agreement_version: str,
    today: dt.date,
    now: dt.datetime,
) -> PlanChange:
    """Book the change for the 1st of next month; current services are kept."""
    consented = ag.require_current("plan_change", agreement_version)
    line = line_by_id(conn, cust.line_id)
    _require_normal(line.status)
    target = conn.execute(select(t.plans).where(t.plans.c.code == plan_code)).first()
    if target is None or target.brand != line.brand:
        raise e.NotFound("没有可办理的该套餐", field="plan_code")
    if plan_code == line.plan_code and line.next_plan_code is None:
        raise e.Conflict("已是当前套餐")
    if plan_code == line.next_plan_code:
        raise e.Conflict("您已办理该套餐，下月1日起生效")
    # Back to the current plan: the booked change is undone (nothing changes next month).
    booked = None if plan_code == line.plan_code else plan_code
    conn.execute(update(t.lines).where(t.lines.c.id == line.id).values(next_plan_code=booked))
    tx = record_transaction(
        conn,
        line_id=line.id,
        terminal_id=cust.terminal_id,
        kind="plan_change",
        now=now,
        detail=f"{line.plan_code}->{plan_code}",
    )
    ag.record_consent(
        conn, consented, line_id=line.id, terminal_id=cust.terminal_id, reference=tx, at=now
    )
    kept = [r.name for r in _active_subscriptions(conn, line.id, today)]
    return PlanChange(
        transaction_id=tx,
        from_plan=plan_of(conn, line.plan_code),
        to_plan=plan_of(conn, plan_code),
        effective_on=next_month_start(month_of(today)),
        services_kept=kept,
        services_cancelled=[],
        services_opened=[],
    )


def services(conn: Connection, line_id: int, today: dt.date) -> Services:
    """Current subscriptions (with monthly price) and what else may be ordered."""
    subs = _active_subscriptions(conn, line_id, today)
    held = {r.service_code for r in subs}
    catalogue = [
        _service_of(r)
        for r in conn.execute(select(t.services).order_by(t.services.c.code))
        if r.code not in held
    ]
    return Services(subscriptions=[_subscription_of(r) for r in subs], catalogue=catalogue)


def order_service(
    conn: Connection,
    cust: Customer,
    service_code: str,
    agreement_version: str,
    *,
    today: dt.date,
    now: dt.datetime,
    resend_after: dt.timedelta,
    limits: Limits,
) -> Quote:
    """Quote the service (price and billing period) and send its SMS code."""
    consented = ag.require_current("service_order", agreement_version)
    line = line_by_id(conn, cust.line_id)
    _require_normal(line.status)
    svc = conn.execute(select(t.services).where(t.services.c.code == service_code)).first()
    if svc is None:
        raise e.NotFound("没有该业务", field="service_code")
    if any(r.service_code == svc.code for r in _active_subscriptions(conn, line.id, today)):
        raise e.Conflict(f"您已订购{svc.name}")
    quote_id = new_id("Q")
    expires = now + SMS_CODE_VALIDITY
    conn.execute(
        insert(t.order_quotes).values(
            quote_id=quote_id,
            line_id=line.id,
            service_code=svc.code,
            expires_at=expires,
            confirmed=False,
        )
    )
    ag.record_consent(
        conn,
        consented,
        line_id=line.id,
        terminal_id=cust.terminal_id,
        reference=quote_id,
        at=now,
    )
    # Order codes are rate-limited like login codes: per number, per terminal, overall.
    wait = resend_wait_s(conn, line.number, "order", now, resend_after)
    if wait > 0:
        raise e.RateLimited(f"验证码已发送，请{wait}秒后再试", retry_after_s=wait)
    throttle(conn, "sms", cust.terminal_id, limits.sms_per_terminal, limits.sms_overall, now)
    price = f"{svc.monthly_fee_fen // 100}.{svc.monthly_fee_fen % 100:02d}"
    send_code(conn, line.number, "order", now, scope=quote_id, service=svc.name, price=price)
    return Quote(
        quote_id=quote_id,
        service=_service_of(svc),
        confirmation_text=(
            f"您选择订购：{svc.name}（¥{price}/月）。确认后次月起按月收费，可随时退订。"
        ),
        price_fen=svc.monthly_fee_fen,
        period="次月起按月收费",
        starts_on=next_month_start(month_of(today)),
        expires_at=expires.astimezone(SHANGHAI),
    )


def confirm_order(
    conn: Connection,
    cust: Customer,
    quote_id: str,
    sms_code: str,
    today: dt.date,
    now: dt.datetime,
) -> ServiceChange:
    """Use up the order's code and open the subscription (the code was judged by
    :func:`judge_order_code` already)."""
    q = t.order_quotes.c
    quote = conn.execute(
        select(t.order_quotes).where(q.quote_id == quote_id, q.line_id == cust.line_id)
    ).first()
    if quote is None:
        raise e.NotFound("订购请求不存在", field="quote_id")
    if quote.confirmed:
        raise e.Conflict("该订购已确认")
    if quote.expires_at <= now:
        raise e.Conflict("订购确认已超时，请重新办理")
    verdict = check_code(conn, cust.number, "order", sms_code, now, scope=quote_id)
    if verdict is not CodeCheck.OK:
        raise e.Conflict("验证码已使用或已失效，请重新办理")
    conn.execute(update(t.order_quotes).where(q.quote_id == quote_id).values(confirmed=True))
    conn.execute(
        insert(t.subscriptions).values(
            line_id=cust.line_id,
            service_code=quote.service_code,
            started_on=today,
            ends_on=None,
        )
    )
    svc = conn.execute(select(t.services).where(t.services.c.code == quote.service_code)).one()
    tx = record_transaction(
        conn,
        line_id=cust.line_id,
        terminal_id=cust.terminal_id,
        kind="service_order",
        now=now,
        amount_fen=svc.monthly_fee_fen,
        detail=svc.code,
    )
    sub = Subscription(service=_service_of(svc), started_on=today, ends_on=None)
    return ServiceChange(transaction_id=tx, subscription=sub)


def judge_order_code(
    engine: Engine, clock: Clock, number: str, terminal_id: str, quote_id: str, code: str
) -> None:
    """Lock check, compare and failure count in one transaction serialised per number (as for
    identification, backend/ops/guard.py); a wrong code is counted and committed before the
    answer. A right code is left for the order's own transaction to use up."""
    with writing(engine) as conn:
        serialise(conn, f"number:{number}")
        now = clock.now()  # once the number's turn has come (see identify._attempt)
        check_not_locked(conn, number, now)
        verdict = check_code(conn, number, "order", code, now, scope=quote_id, consume=False)
        if verdict is not CodeCheck.WRONG:
            return
        refusal = record_failure(conn, number, Factor.SMS, terminal_id, now)
    raise refusal


def cancel_service(
    conn: Connection, cust: Customer, service_code: str, today: dt.date, now: dt.datetime
) -> ServiceChange:
    """The service ends on the last day of this month (no further monthly fee)."""
    rows = [
        r
        for r in _active_subscriptions(conn, cust.line_id, today)
        if r.service_code == service_code and r.ends_on is None
    ]
    if not rows:
        raise e.NotFound("您未订购该业务", field="service_code")
    row = rows[0]
    ends = month_end(month_of(today))
    conn.execute(update(t.subscriptions).where(t.subscriptions.c.id == row.id).values(ends_on=ends))
    tx = record_transaction(
        conn,
        line_id=cust.line_id,
        terminal_id=cust.terminal_id,
        kind="service_cancel",
        now=now,
        detail=service_code,
    )
    sub = Subscription(service=_service_of(row), started_on=row.started_on, ends_on=ends)
    return ServiceChange(transaction_id=tx, subscription=sub)
