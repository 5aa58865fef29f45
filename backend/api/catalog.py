"""Plans and plan change; value-added services: list, order (double confirmation), cancel.
The rules live in backend/ops/catalog.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from backend import agreements as ag
from backend.api.deps import IdemKey, Sensitive, State, Summary
from backend.api.idem import fingerprint, key_claimed, run_idempotent
from backend.api.schemas import (
    AgreementOut,
    ConfirmIn,
    OrderIn,
    PlanChangeIn,
    PlanChangeOut,
    PlanOut,
    PlansOut,
    QuoteOut,
    ServiceChangeOut,
    ServicesOut,
)
from backend.ops import catalog as ops

router = APIRouter(prefix="/v1", tags=["plans and services"])

CodePath = Annotated[str, Path(min_length=1, max_length=32)]
TopicPath = Annotated[str, Path(min_length=1, max_length=20)]


@router.get(
    "/agreements/{topic}", response_model=AgreementOut, summary="Agreement text to consent to"
)
def agreement(topic: TopicPath, _cust: Summary) -> AgreementOut:
    """The 入网协议 clauses in force for ``plan_change`` or ``service_order``."""
    return AgreementOut.model_validate(ag.current(topic), from_attributes=True)


@router.get("/plans", response_model=PlansOut, summary="Plans of the line's brand")
def plans(cust: Summary, st: State) -> PlansOut:
    """Plans the line may change to (same brand; the current plan included)."""
    with st.engine.connect() as conn:
        found = ops.plans_for(conn, cust.line_id)
    return PlansOut(plans=[PlanOut.model_validate(p, from_attributes=True) for p in found])


@router.post("/plan-change", response_model=PlanChangeOut, summary="Change plan from next month")
def change_plan(body: PlanChangeIn, cust: Sensitive, st: State, key: IdemKey) -> JSONResponse:
    """Books the change for the 1st of next month; current services are kept."""

    def op(conn: Connection) -> PlanChangeOut:
        change = ops.change_plan(
            conn, cust, body.plan_code, body.agreement_version, st.clock.today(), st.clock.now()
        )
        return PlanChangeOut.model_validate(change, from_attributes=True)

    fp = fingerprint("plan-change", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op)


@router.get("/services", response_model=ServicesOut, summary="Subscriptions and catalogue")
def services(cust: Summary, st: State) -> ServicesOut:
    """Current subscriptions (with monthly price) and what else may be ordered."""
    with st.engine.connect() as conn:
        found = ops.services(conn, cust.line_id, st.clock.today())
    return ServicesOut.model_validate(found, from_attributes=True)


@router.post("/service-orders", response_model=QuoteOut, summary="Order step 1: quote + SMS code")
def order_service(body: OrderIn, cust: Sensitive, st: State, key: IdemKey) -> JSONResponse:
    """Returns the text to confirm (price and billing period) and sends an SMS code."""

    def op(conn: Connection) -> QuoteOut:
        quote = ops.order_service(
            conn,
            cust,
            body.service_code,
            body.agreement_version,
            today=st.clock.today(),
            now=st.clock.now(),
            resend_after=st.sms_resend_after,
            limits=st.config.limits,
        )
        return QuoteOut.model_validate(quote, from_attributes=True)

    fp = fingerprint("order", cust.line_id, body.model_dump())
    return run_idempotent(st, cust.terminal_id, key, fp, op)


def _change_out(change: ops.ServiceChange) -> ServiceChangeOut:
    return ServiceChangeOut.model_validate(change, from_attributes=True)


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
        # Judged (and a wrong code counted) by judge_order_code already; here it is used up.
        change = ops.confirm_order(
            conn, cust, quote_id, body.sms_code, st.clock.today(), st.clock.now()
        )
        return _change_out(change)

    fp = fingerprint("confirm", cust.line_id, quote_id, body.model_dump())
    if not key_claimed(st, cust.terminal_id, key):  # a retry replays; it is not judged again
        ops.judge_order_code(
            st.engine, st.clock, cust.number, cust.terminal_id, quote_id, body.sms_code
        )
    return run_idempotent(st, cust.terminal_id, key, fp, op)


@router.post(
    "/services/{service_code}/cancel",
    response_model=ServiceChangeOut,
    summary="Unsubscribe (effective at month end)",
)
def cancel_service(service_code: CodePath, cust: Summary, st: State, key: IdemKey) -> JSONResponse:
    """One tap: the service ends on the last day of this month (no further monthly fee)."""

    def op(conn: Connection) -> ServiceChangeOut:
        change = ops.cancel_service(conn, cust, service_code, st.clock.today(), st.clock.now())
        return _change_out(change)

    fp = fingerprint("cancel", cust.line_id, service_code)
    return run_idempotent(st, cust.terminal_id, key, fp, op)
