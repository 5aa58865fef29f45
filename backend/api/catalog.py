"""Plans and plan change; value-added services: list, order (double confirmation), cancel."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, insert, select, update

from backend import agreements as ag
from backend.api import problems as p
from backend.api.deps import AppState, IdemKey, Sensitive, State, Summary
from backend.api.idem import fingerprint, run_idempotent
from backend.api.schemas import (
    AgreementOut,
    ConfirmIn,
    OrderIn,
    PlanChangeIn,
    PlanChangeOut,
    PlansOut,
    QuoteOut,
    ServiceChangeOut,
    ServiceOut,
    ServicesOut,
    SubscriptionOut,
)
from backend.billing import Factor, LineStatus
from backend.clock import SHANGHAI, month_end, month_of, next_month_start
from backend.db import tables as t
from backend.ops.auth import (
    CodeCheck,
    check_code,
    check_not_locked,
    record_failure,
    resend_wait_s,
    send_code,
)
from backend.ops.guard import serialise, throttle
from backend.ops.lines import line_by_id, plan_out
from backend.ops.tx import record_transaction
from backend.rules import SMS_CODE_VALIDITY
from backend.security import new_id

router = APIRouter(prefix="/v1", tags=["plans and services"])

CodePath = Annotated[str, Path(min_length=1, max_length=32)]
TopicPath = Annotated[str, Path(min_length=1, max_length=20)]


def _service_out(row: Any) -> ServiceOut:
    return ServiceOut(
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


def _subscription_out(row: Any) -> SubscriptionOut:
    return SubscriptionOut(
        service=_service_out(row), started_on=row.started_on, ends_on=row.ends_on
    )


def _require_normal(status: LineStatus) -> None:
    if status is not LineStatus.NORMAL:
        raise p.Conflict("号码当前处于停机状态，请先复机或缴费", line_status=status.value)


@router.get(
    "/agreements/{topic}", response_model=AgreementOut, summary="Agreement text to consent to"
)
def agreement(topic: TopicPath, _cust: Summary) -> AgreementOut:
    """The 入网协议 clauses in force for ``plan_change`` or ``service_order``."""
    a = ag.current(topic)
    return AgreementOut.model_validate(
        {"topic": a.topic, "version": a.version, "title": a.title, "text": a.text}
    )


@router.get("/plans", response_model=PlansOut, summary="Plans of the line's brand")
def plans(cust: Summary, st: State) -> PlansOut:
    """Plans the line may change to (same brand; the current plan included)."""
    with st.engine.connect() as conn:
        line = line_by_id(conn, cust.line_id)
        codes = conn.execute(
            select(t.plans.c.code)
            .where(t.plans.c.brand == line.brand)
            .order_by(t.plans.c.monthly_fee_fen)
        ).scalars()
        return PlansOut(plans=[plan_out(conn, code) for code in codes])


@router.post("/plan-change", response_model=PlanChangeOut, summary="Change plan from next month")
def change_plan(body: PlanChangeIn, cust: Sensitive, st: State, key: IdemKey) -> JSONResponse:
    """Books the change for the 1st of next month; current services are kept."""

    def op(conn: Connection) -> PlanChangeOut:
        consented = ag.require_current("plan_change", body.agreement_version)
        line = line_by_id(conn, cust.line_id)
        _require_normal(line.status)
        target = conn.execute(select(t.plans).where(t.plans.c.code == body.plan_code)).first()
        if target is None or target.brand != line.brand:
            raise p.NotFound("没有可办理的该套餐", field="plan_code")
        if body.plan_code == line.plan_code and line.next_plan_code is None:
            raise p.Conflict("已是当前套餐")
        if body.plan_code == line.next_plan_code:
            raise p.Conflict("您已办理该套餐，下月1日起生效")
        now = st.clock.now()
        # Back to the current plan: the booked change is undone (nothing changes next month).
        booked = None if body.plan_code == line.plan_code else body.plan_code
        conn.execute(update(t.lines).where(t.lines.c.id == line.id).values(next_plan_code=booked))
        tx = record_transaction(
            conn,
            line_id=line.id,
            terminal_id=cust.terminal_id,
            kind="plan_change",
            now=now,
            detail=f"{line.plan_code}->{body.plan_code}",
        )
        ag.record_consent(
            conn, consented, line_id=line.id, terminal_id=cust.terminal_id, reference=tx, at=now
        )
        kept = [r.name for r in _active_subscriptions(conn, line.id, st.clock.today())]
        return PlanChangeOut(
            transaction_id=tx,
            from_plan=plan_out(conn, line.plan_code),
            to_plan=plan_out(conn, body.plan_code),
            effective_on=next_month_start(month_of(st.clock.today())),
            services_kept=kept,
            services_cancelled=[],
            services_opened=[],
        )

    fp = fingerprint("plan-change", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op)


@router.get("/services", response_model=ServicesOut, summary="Subscriptions and catalogue")
def services(cust: Summary, st: State) -> ServicesOut:
    """Current subscriptions (with monthly price) and what else may be ordered."""
    with st.engine.connect() as conn:
        subs = _active_subscriptions(conn, cust.line_id, st.clock.today())
        held = {r.service_code for r in subs}
        catalogue = [
            _service_out(r)
            for r in conn.execute(select(t.services).order_by(t.services.c.code))
            if r.code not in held
        ]
    return ServicesOut(subscriptions=[_subscription_out(r) for r in subs], catalogue=catalogue)


@router.post("/service-orders", response_model=QuoteOut, summary="Order step 1: quote + SMS code")
def order_service(body: OrderIn, cust: Sensitive, st: State, key: IdemKey) -> JSONResponse:
    """Returns the text to confirm (price and billing period) and sends an SMS code."""

    def op(conn: Connection) -> QuoteOut:
        consented = ag.require_current("service_order", body.agreement_version)
        line = line_by_id(conn, cust.line_id)
        _require_normal(line.status)
        svc = conn.execute(select(t.services).where(t.services.c.code == body.service_code)).first()
        if svc is None:
            raise p.NotFound("没有该业务", field="service_code")
        today = st.clock.today()
        if any(r.service_code == svc.code for r in _active_subscriptions(conn, line.id, today)):
            raise p.Conflict(f"您已订购{svc.name}")
        now = st.clock.now()
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
        wait = resend_wait_s(conn, line.number, "order", now, st.sms_resend_after)
        if wait > 0:
            raise p.RateLimited(f"验证码已发送，请{wait}秒后再试", retry_after_s=wait)
        limits = st.config.limits
        throttle(conn, "sms", cust.terminal_id, limits.sms_per_terminal, limits.sms_overall, now)
        price = f"{svc.monthly_fee_fen // 100}.{svc.monthly_fee_fen % 100:02d}"
        send_code(conn, line.number, "order", now, scope=quote_id, service=svc.name, price=price)
        return QuoteOut(
            quote_id=quote_id,
            service=_service_out(svc),
            confirmation_text=(
                f"您选择订购：{svc.name}（¥{price}/月）。确认后次月起按月收费，可随时退订。"
            ),
            price_fen=svc.monthly_fee_fen,
            period="次月起按月收费",
            starts_on=next_month_start(month_of(today)),
            expires_at=expires.astimezone(SHANGHAI),
        )

    fp = fingerprint("order", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op)


@router.post(
    "/service-orders/{quote_id}/confirm",
    response_model=ServiceChangeOut,
    summary="Order step 2: confirm with the SMS code (二次确认)",
)
def confirm_order(
    quote_id: CodePath, body: ConfirmIn, cust: Sensitive, st: State, key: IdemKey
) -> JSONResponse:
    """A wrong code counts toward the number's lock-out like any other."""

    def op(conn: Connection) -> ServiceChangeOut:
        now = st.clock.now()
        q = t.order_quotes.c
        quote = conn.execute(
            select(t.order_quotes).where(q.quote_id == quote_id, q.line_id == cust.line_id)
        ).first()
        if quote is None:
            raise p.NotFound("订购请求不存在", field="quote_id")
        if quote.confirmed:
            raise p.Conflict("该订购已确认")
        if quote.expires_at <= now:
            raise p.Conflict("订购确认已超时，请重新办理")
        # Judged (and a wrong code counted) by _judge_order_code already; here it is used up.
        verdict = check_code(conn, cust.number, "order", body.sms_code, now, scope=quote_id)
        if verdict is not CodeCheck.OK:
            raise p.Conflict("验证码已使用或已失效，请重新办理")
        today = st.clock.today()
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
        sub = SubscriptionOut(service=_service_out(svc), started_on=today, ends_on=None)
        return ServiceChangeOut(transaction_id=tx, subscription=sub)

    fp = fingerprint("confirm", cust.line_id, quote_id, body.model_dump())
    if not _key_claimed(st, cust.terminal_id, key):
        _judge_order_code(st, cust.number, cust.terminal_id, quote_id, body.sms_code)
    return run_idempotent(st, cust.terminal_id, key, fp, op)


def _key_claimed(st: AppState, terminal_id: str, key: str) -> bool:
    """True when this terminal's key already has a stored answer (a retry: replay it)."""
    i = t.idempotency.c
    with st.engine.connect() as conn:
        row = conn.execute(select(i.key).where(i.terminal_id == terminal_id, i.key == key)).first()
    return row is not None


def _judge_order_code(
    st: AppState, number: str, terminal_id: str, quote_id: str, code: str
) -> None:
    """Lock check, compare and failure count in one transaction serialised per number (as for
    identification, backend/ops/guard.py); a wrong code is counted and committed before the
    answer. A right code is left for the order's own transaction to use up."""
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        serialise(conn, f"number:{number}")
        now = st.clock.now()  # once the number's turn has come (see identify._attempt)
        check_not_locked(conn, number, now)
        verdict = check_code(conn, number, "order", code, now, scope=quote_id, consume=False)
        if verdict is not CodeCheck.WRONG:
            return
        refusal = record_failure(conn, number, Factor.SMS, terminal_id, now)
    raise refusal


@router.post(
    "/services/{service_code}/cancel",
    response_model=ServiceChangeOut,
    summary="Unsubscribe (effective at month end)",
)
def cancel_service(service_code: CodePath, cust: Summary, st: State, key: IdemKey) -> JSONResponse:
    """One tap: the service ends on the last day of this month (no further monthly fee)."""

    def op(conn: Connection) -> ServiceChangeOut:
        today = st.clock.today()
        rows = [
            r
            for r in _active_subscriptions(conn, cust.line_id, today)
            if r.service_code == service_code and r.ends_on is None
        ]
        if not rows:
            raise p.NotFound("您未订购该业务", field="service_code")
        row = rows[0]
        ends = month_end(month_of(today))
        conn.execute(
            update(t.subscriptions).where(t.subscriptions.c.id == row.id).values(ends_on=ends)
        )
        tx = record_transaction(
            conn,
            line_id=cust.line_id,
            terminal_id=cust.terminal_id,
            kind="service_cancel",
            now=st.clock.now(),
            detail=service_code,
        )
        sub = SubscriptionOut(service=_service_out(row), started_on=row.started_on, ends_on=ends)
        return ServiceChangeOut(transaction_id=tx, subscription=sub)

    fp = fingerprint("cancel", cust.line_id, service_code)
    return run_idempotent(st, cust.terminal_id, key, fp, op)
