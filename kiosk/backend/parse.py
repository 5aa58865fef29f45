"""JSON (as sent by the backend) to the client's result dataclasses.

A malformed body raises :class:`~kiosk.backend.errors.BackendError` through the client: the
kiosk never guesses a value it did not receive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.backend import models as m
from kiosk.money import LineMoney, MoneyKind

Json = dict[str, Any]


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _instant(value: Any) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError("instants from the backend carry an offset")
    return parsed


def _opt_instant(value: Any) -> dt.datetime | None:
    return None if value is None else _instant(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def session(d: Json) -> m.Session:
    """Parse a session (the token is taken by the client before this)."""
    return m.Session(
        factors=frozenset(m.Factor(f) for f in d["factors"]),
        allowed=frozenset(m.Access(a) for a in d["allowed"]),
        phone_masked=str(d["phone_masked"]),
        name_masked=str(d["name_masked"]),
        brand=str(d["brand"]),
        status=m.LineStatus(d["status"]),
        expires_in_s=int(d["expires_in_s"]),
        phone=str(d.get("phone") or ""),
    )


def card_numbers(d: Json) -> list[m.CardNumber]:
    """Parse the numbers of a card."""
    return [
        m.CardNumber(
            pick=int(n["pick"]), phone_masked=str(n["phone_masked"]), brand=str(n["brand"])
        )
        for n in d["numbers"]
    ]


def session_extension(d: Json) -> m.SessionExtension:
    """Parse an extension answer."""
    return m.SessionExtension(
        expires_in_s=int(d["expires_in_s"]), extendable=bool(d["extendable"])
    )


def sms_sent(d: Json) -> m.SmsSent:
    """Parse an SMS-sent answer."""
    return m.SmsSent(resend_after_s=int(d["resend_after_s"]), valid_for_s=int(d["valid_for_s"]))


def plan(d: Json) -> m.Plan:
    """Parse a plan."""
    return m.Plan(
        code=str(d["code"]),
        name=str(d["name"]),
        brand=str(d["brand"]),
        monthly_fee_fen=int(d["monthly_fee_fen"]),
        included_minutes=int(d["included_minutes"]),
        included_sms=int(d["included_sms"]),
        included_data_mb=int(d["included_data_mb"]),
        overage_minute_fen=int(d["overage_minute_fen"]),
        overage_sms_fen=int(d["overage_sms_fen"]),
        overage_data_fen_per_mb=int(d["overage_data_fen_per_mb"]),
        description=str(d["description"]),
    )


def usage(d: Json) -> m.UsageItem:
    """Parse one allowance-vs-use line."""
    return m.UsageItem(
        kind=str(d["kind"]),
        label=str(d["label"]),
        unit=str(d["unit"]),
        included=int(d["included"]),
        used=int(d["used"]),
    )


def line_money(d: Json) -> LineMoney:
    """Parse the backend's money figure of a line."""
    return LineMoney(
        kind=MoneyKind(d["kind"]),
        available_fen=int(d["available_fen"]),
        due_fen=int(d["due_fen"]),
        credit_limit_fen=int(d["credit_limit_fen"]),
    )


def overview(d: Json) -> m.AccountOverview:
    """Parse the account overview."""
    return m.AccountOverview(
        month=str(d["month"]),
        phone_masked=str(d["phone_masked"]),
        name_masked=str(d["name_masked"]),
        brand=str(d["brand"]),
        status=m.LineStatus(d["status"]),
        is_prepaid=bool(d["is_prepaid"]),
        balance_fen=int(d["balance_fen"]),
        credit_fen=int(d["credit_fen"]),
        money=line_money(d["money"]),
        month_to_date_fen=int(d["month_to_date_fen"]),
        days_until_suspension=_opt_int(d["days_until_suspension"]),
        reminder_threshold_fen=_opt_int(d["reminder_threshold_fen"]),
        plan=plan(d["plan"]),
        next_plan=None if d["next_plan"] is None else plan(d["next_plan"]),
        usage=tuple(usage(u) for u in d["usage"]),
    )


def _bill_item(d: Json) -> m.BillItem:
    return m.BillItem(name=str(d["name"]), amount_fen=int(d["amount_fen"]))


def month_bill(d: Json) -> m.MonthBill:
    """Parse a monthly bill."""
    acc = d["account"]
    return m.MonthBill(
        month=str(d["month"]),
        period_start=_date(d["period_start"]),
        period_end=_date(d["period_end"]),
        total_fen=int(d["total_fen"]),
        categories=tuple(
            m.BillCategory(
                name=str(c["name"]),
                total_fen=int(c["total_fen"]),
                explanation=str(c["explanation"]),
                items=tuple(_bill_item(i) for i in c["items"]),
            )
            for c in d["categories"]
        ),
        account=m.BillAccount(
            opening_balance_fen=int(acc["opening_balance_fen"]),
            topup_fen=int(acc["topup_fen"]),
            available_fen=int(acc["available_fen"]),
            total_fen=int(acc["total_fen"]),
            closing_balance_fen=int(acc["closing_balance_fen"]),
            kind=MoneyKind(acc["kind"]),
            due_fen=int(acc["due_fen"]),
        ),
        usage=tuple(usage(u) for u in d["usage"]),
        plan=plan(d["plan"]),
        new_services=tuple(str(s) for s in d["new_services"]),
        roaming_fen=int(d["roaming_fen"]),
    )


def record(d: Json) -> m.Record:
    """Parse one itemised record."""
    return m.Record(
        record_id=int(d["record_id"]),
        kind=m.RecordKind(d["kind"]),
        started_at=_instant(d["started_at"]),
        fee_fen=int(d["fee_fen"]),
        category=str(d["category"]),
        sub_item=str(d["sub_item"]),
        place=_opt_str(d.get("place")),
        direction=_opt_str(d.get("direction")),
        other_party=_opt_str(d.get("other_party")),
        duration_s=_opt_int(d.get("duration_s")),
        comm_type=_opt_str(d.get("comm_type")),
        plan_discount=_opt_str(d.get("plan_discount")),
        msg_type=_opt_str(d.get("msg_type")),
        access=_opt_str(d.get("access")),
        volume_kb=_opt_int(d.get("volume_kb")),
        service_name=_opt_str(d.get("service_name")),
        service_number=_opt_str(d.get("service_number")),
        sp_name=_opt_str(d.get("sp_name")),
        sp_code=_opt_str(d.get("sp_code")),
        fee_type=_opt_str(d.get("fee_type")),
        period=_opt_str(d.get("period")),
    )


def record_page(d: Json) -> m.RecordPage:
    """Parse a page of records."""
    t = d.get("totals")
    totals = (
        None
        if t is None
        else m.RecordTotals(
            count=int(t["count"]),
            fee_fen=int(t["fee_fen"]),
            duration_s=int(t["duration_s"]),
            volume_kb=int(t["volume_kb"]),
        )
    )
    return m.RecordPage(
        items=tuple(record(r) for r in d["items"]),
        next_cursor=_opt_str(d.get("next_cursor")),
        totals=totals,
    )


def plan_change(d: Json) -> m.PlanChange:
    """Parse a booked plan change."""
    return m.PlanChange(
        transaction_id=str(d["transaction_id"]),
        from_plan=plan(d["from_plan"]),
        to_plan=plan(d["to_plan"]),
        effective_on=_date(d["effective_on"]),
        services_kept=tuple(str(s) for s in d["services_kept"]),
        services_cancelled=tuple(str(s) for s in d["services_cancelled"]),
        services_opened=tuple(str(s) for s in d["services_opened"]),
    )


def service(d: Json) -> m.Service:
    """Parse a catalogue service."""
    return m.Service(
        code=str(d["code"]),
        name=str(d["name"]),
        kind=m.ServiceKind(d["kind"]),
        sp_name=str(d["sp_name"]),
        service_number=str(d["service_number"]),
        monthly_fee_fen=int(d["monthly_fee_fen"]),
        description=str(d["description"]),
    )


def subscription(d: Json) -> m.Subscription:
    """Parse a subscription."""
    ends = d.get("ends_on")
    return m.Subscription(
        service=service(d["service"]),
        started_on=_date(d["started_on"]),
        ends_on=None if ends is None else _date(ends),
    )


def service_list(d: Json) -> m.ServiceList:
    """Parse subscriptions + catalogue."""
    return m.ServiceList(
        subscriptions=tuple(subscription(s) for s in d["subscriptions"]),
        catalogue=tuple(service(s) for s in d["catalogue"]),
    )


def agreement(d: Json) -> m.Agreement:
    """Parse an agreement (title, version and plain text)."""
    return m.Agreement(
        topic=str(d["topic"]),
        version=str(d["version"]),
        title=str(d["title"]),
        text=str(d["text"]),
        title_en=str(d.get("title_en") or ""),
        text_en=str(d.get("text_en") or ""),
    )


def order_quote(d: Json) -> m.OrderQuote:
    """Parse the first step of an order."""
    return m.OrderQuote(
        quote_id=str(d["quote_id"]),
        service=service(d["service"]),
        confirmation_text=str(d["confirmation_text"]),
        price_fen=int(d["price_fen"]),
        period=str(d["period"]),
        starts_on=_date(d["starts_on"]),
        expires_at=_instant(d["expires_at"]),
    )


def service_change(d: Json) -> m.ServiceChange:
    """Parse an order confirmation or a cancellation."""
    return m.ServiceChange(
        transaction_id=str(d["transaction_id"]), subscription=subscription(d["subscription"])
    )


def payment(d: Json) -> m.PaymentOrder:
    """Parse a payment order."""
    return m.PaymentOrder(
        order_id=str(d["order_id"]),
        amount_fen=int(d["amount_fen"]),
        qr_payload=str(d["qr_payload"]),
        status=m.PaymentStatus(d["status"]),
        created_at=_instant(d["created_at"]),
        expires_at=_instant(d["expires_at"]),
        paid_at=_opt_instant(d.get("paid_at")),
        balance_after_fen=_opt_int(d.get("balance_after_fen")),
        money=None if d.get("money") is None else line_money(d["money"]),
    )


def dispute(d: Json) -> m.Dispute:
    """Parse a dispute."""
    return m.Dispute(
        number=str(d["number"]),
        record_id=int(d["record_id"]),
        amount_fen=int(d["amount_fen"]),
        status=m.DisputeStatus(d["status"]),
        refund_fen=int(d["refund_fen"]),
        message=str(d["message"]),
        created_at=_opt_instant(d.get("created_at")),
    )


def disputes(d: Json) -> list[m.Dispute]:
    """Parse the line's disputes (newest first, as sent)."""
    return [dispute(item) for item in d["items"]]


def transaction(d: Json) -> m.TransactionResult:
    """Parse a plain transaction result."""
    return m.TransactionResult(
        transaction_id=str(d["transaction_id"]),
        kind=str(d["kind"]),
        status=m.LineStatus(d["status"]),
        completed_at=_instant(d["completed_at"]),
        note=str(d["note"]),
    )


def invoice(d: Json) -> m.Invoice:
    """Parse an invoice."""
    return m.Invoice(
        invoice_number=str(d["invoice_number"]),
        month=str(d["month"]),
        amount_fen=int(d["amount_fen"]),
        title=str(d["title"]),
        issued_at=_instant(d["issued_at"]),
        items=tuple(_bill_item(i) for i in d["items"]),
    )


def spam_report(d: Json) -> m.SpamReport:
    """Parse a spam report receipt."""
    return m.SpamReport(report_id=str(d["report_id"]), received_at=_instant(d["received_at"]))


def reminder(d: Json) -> m.ReminderSetting:
    """Parse the reminder threshold setting."""
    return m.ReminderSetting(
        threshold_fen=_opt_int(d.get("threshold_fen")), transaction_id=str(d["transaction_id"])
    )


def sms_message(d: Json) -> m.SmsMessage:
    """Parse a demo outbox message."""
    return m.SmsMessage(
        text=str(d["text"]), sent_at=_instant(d["sent_at"]), purpose=str(d["purpose"])
    )


def transaction_state(d: Json) -> m.TransactionState:
    """Parse the reconciliation answer for one idempotency key."""
    return m.TransactionState(
        key=str(d["key"]),
        applied=bool(d["applied"]),
        reference=_opt_str(d.get("reference")),
        abandoned=bool(d.get("abandoned", False)),
    )
