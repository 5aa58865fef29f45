"""The transaction lifecycle: one key per choice, kept after a lost answer and spent after a
definite one, one request at a time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

import pytest

from kiosk import spam as ks
from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.flows import declared as d
from kiosk.flows.transaction import FlowError, Phase, Transaction, TransactionFlow
from kiosk.idempotency import IdempotencyKeys
from kiosk.invoices import InvoiceMonth
from kiosk.line import LineAction
from kiosk.transactions import TransactionKind
from tests.fixtures.backend_stub import StubBackend


def _flow() -> TransactionFlow:
    counter = itertools.count(1)
    return TransactionFlow(TransactionKind.SUSPEND, IdempotencyKeys(lambda: f"k{next(counter)}"))


def test_a_lost_answer_keeps_the_key_for_the_same_choice() -> None:
    flow = _flow()
    flow.ask("suspend")
    assert flow.phase is Phase.CONFIRMING
    assert flow.send("suspend") == "k1"
    flow.failed(be.BackendTimeout())
    assert (flow.phase, flow.error_code, flow.retry_reuses_key) == (
        Phase.OUTCOME_UNKNOWN,
        "timeout",
        True,
    )
    flow.ask("suspend")  # the confirmation again
    assert flow.send("suspend") == "k1"
    flow.answered()
    assert flow.phase is Phase.DONE
    assert flow.send("suspend") == "k2"  # after an answer: a new transaction


def test_a_refusal_spends_the_key_and_a_new_choice_gets_a_new_one() -> None:
    flow = _flow()
    assert flow.send("A") == "k1"
    flow.failed(be.Conflict("已处理"))
    assert (flow.phase, flow.retry_reuses_key) == (Phase.FAILED, False)
    assert flow.send("A") == "k2"
    flow.failed(be.BackendUnavailable())
    assert flow.send("B") == "k3"


def test_one_request_at_a_time() -> None:
    flow = _flow()
    flow.send("A")
    with pytest.raises(FlowError):
        flow.send("A")
    with pytest.raises(FlowError):
        flow.cancel()
    flow.answered()
    with pytest.raises(FlowError):
        flow.answered()


def test_cancel_and_reset_go_back_to_browsing() -> None:
    flow = _flow()
    flow.ask("A")
    flow.cancel()
    assert (flow.phase, flow.choice) == (Phase.BROWSING, None)
    flow.send("A")
    flow.failed(be.BackendTimeout())
    flow.reset()
    assert flow.phase is Phase.BROWSING
    assert flow.send("A") == "k2"  # a wiped session starts afresh


class _Calls(StubBackend):
    """Records each mutating call as (name, arguments, key) and refuses it (no answer needed)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...], str | None]] = []

    def change_plan(
        self, plan_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.PlanChange:
        self.calls.append(("change_plan", (plan_code, agreement_version), idempotency_key))
        raise be.Conflict("recorded")

    def report_spam(
        self, number: str, content: str, idempotency_key: str | None = None
    ) -> m.SpamReport:
        self.calls.append(("report_spam", (number, content), idempotency_key))
        raise be.Conflict("recorded")

    def reset_password(
        self, new_password: str, idempotency_key: str | None = None
    ) -> m.TransactionResult:
        self.calls.append(("reset_password", (new_password,), idempotency_key))
        raise be.Conflict("recorded")

    def create_payment(self, amount_fen: int, idempotency_key: str | None = None) -> m.PaymentOrder:
        self.calls.append(("create_payment", (amount_fen,), idempotency_key))
        raise be.Conflict("recorded")

    def set_reminder_threshold(
        self, threshold_fen: int | None, idempotency_key: str | None = None
    ) -> m.ReminderSetting:
        self.calls.append(("set_reminder_threshold", (threshold_fen,), idempotency_key))
        raise be.Conflict("recorded")

    def cancel_service(
        self, service_code: str, idempotency_key: str | None = None
    ) -> m.ServiceChange:
        self.calls.append(("cancel_service", (service_code,), idempotency_key))
        raise be.Conflict("recorded")

    def order_service(
        self, service_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.OrderQuote:
        self.calls.append(("order_service", (service_code, agreement_version), idempotency_key))
        raise be.Conflict("recorded")

    def confirm_order(
        self, quote_id: str, sms_code: str, idempotency_key: str | None = None
    ) -> m.ServiceChange:
        self.calls.append(("confirm_order", (quote_id, sms_code), idempotency_key))
        raise be.Conflict("recorded")


def _called(tx: Transaction[Any, Any], choice: Any) -> tuple[str, tuple[object, ...], str | None]:
    backend = _Calls()
    with pytest.raises(be.Conflict):
        tx.call(backend, choice, "k1")
    (call,) = backend.calls
    return call


def test_declared_transactions_send_their_choice() -> None:
    terms = m.Agreement("plan_change", "v3", "入网协议", "……")
    assert _called(d.PLAN_CHANGE, d.PlanChoice("P58", terms)) == (
        "change_plan",
        ("P58", "v3"),
        "k1",
    )
    spam = d.SpamChoice("13912345678", ks.SpamCategory.FRAUD_CALL, ks.SpamSubject.IMPOSTOR)
    assert _called(d.SPAM_REPORT, spam) == (
        "report_spam",
        ("13912345678", ks.spam_content(ks.SpamCategory.FRAUD_CALL, ks.SpamSubject.IMPOSTOR)),
        "k1",
    )
    month = InvoiceMonth("2026-10", 12_345)
    assert d.INVOICE.amount_fen(month) == 12_345
    assert d.PLAN_CHANGE.amount_fen(d.PlanChoice("P58", terms)) is None
    assert d.LINE_ACTIONS[LineAction.SUSPEND].kind is TransactionKind.SUSPEND
    assert d.LINE_ACTIONS[LineAction.RESUME].kind is TransactionKind.RESUME


NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
RING = m.Service("CL", "彩铃", m.ServiceKind.VAS, "中国移动", "10086", 500, "个性彩铃")
QUOTE = m.OrderQuote("Q-7", RING, "回复验证码确认订购", 500, "monthly", dt.date(2026, 12, 1), NOW)


def test_payment_and_reminder_send_their_choice_with_the_amount() -> None:
    assert _called(d.PAYMENT, 5000) == ("create_payment", (5000,), "k1")
    assert (d.PAYMENT.kind, d.PAYMENT.amount_fen(5000)) == (TransactionKind.PAYMENT, 5000)
    order = m.PaymentOrder(
        "PO-9", 5000, "pay://PO-9", m.PaymentStatus.PENDING, NOW, NOW, None, None
    )
    assert d.PAYMENT.reference(order) == "PO-9"
    assert d.PAYMENT.busy_key == "pay.creating"
    on, off = d.ReminderChoice(2000), d.ReminderChoice(None)
    assert _called(d.REMINDER, on) == ("set_reminder_threshold", (2000,), "k1")
    assert _called(d.REMINDER, off) == ("set_reminder_threshold", (None,), "k1")
    # The journal's amount is the threshold set, as it was before the declaration.
    assert (d.REMINDER.amount_fen(on), d.REMINDER.amount_fen(off)) == (2000, None)
    assert d.REMINDER.reference(m.ReminderSetting(2000, "TX-3")) == "TX-3"
    assert d.REMINDER.kind is TransactionKind.REMINDER


def test_the_service_transactions_send_their_choice() -> None:
    terms = m.Agreement("service_order", "v4", "入网协议", "……")
    assert _called(d.SERVICE_CANCEL, d.ServiceCancel("SJB")) == ("cancel_service", ("SJB",), "k1")
    assert _called(d.SERVICE_QUOTE, d.ServiceQuoteChoice("CL", terms)) == (
        "order_service",
        ("CL", "v4"),
        "k1",
    )
    order = d.ServiceOrderChoice(QUOTE, "246810")
    assert _called(d.SERVICE_ORDER, order) == ("confirm_order", ("Q-7", "246810"), "k1")
    assert "246810" not in repr(order)  # the SMS code is never in a log line
    sub = m.Subscription(RING, dt.date(2026, 11, 25), None)
    change = m.ServiceChange("TX-8", sub)
    assert d.SERVICE_CANCEL.reference(change) == d.SERVICE_ORDER.reference(change) == "TX-8"
    assert d.SERVICE_QUOTE.reference(QUOTE) == "Q-7"  # the quote's id, the code goes with it
    assert d.SERVICE_ORDER.amount_fen(order) == 500  # the quote's price is what is charged
    assert d.SERVICE_QUOTE.amount_fen(d.ServiceQuoteChoice("CL", terms)) is None
    assert d.SERVICE_CANCEL.amount_fen(d.ServiceCancel("SJB")) is None
    assert [t.kind for t in (d.SERVICE_CANCEL, d.SERVICE_QUOTE, d.SERVICE_ORDER)] == [
        TransactionKind.SERVICE_CANCEL,
        TransactionKind.SERVICE_QUOTE,
        TransactionKind.SERVICE_ORDER,
    ]
    assert [t.busy_key for t in (d.SERVICE_CANCEL, d.SERVICE_QUOTE, d.SERVICE_ORDER)] == [
        "services.unsubscribing",
        "services.sending",
        "services.ordering",
    ]


def test_a_service_order_is_keyed_by_its_quote_and_code() -> None:
    flow = _flow()
    key = flow.send(d.ServiceOrderChoice(QUOTE, "246810"))
    flow.failed(be.BackendTimeout())
    assert flow.send(d.ServiceOrderChoice(QUOTE, "246810")) == key  # the same code again
    flow.failed(be.BackendTimeout())
    other = flow.send(d.ServiceOrderChoice(QUOTE, "135790"))  # another code: a new request
    assert other != key
    flow.failed(be.AuthFailed("验证码不正确"))
    assert flow.send(d.ServiceOrderChoice(QUOTE, "135790")) not in (key, other)  # key spent
    flow.failed(be.BackendTimeout())
    renewed = d.ServiceOrderChoice(dataclasses.replace(QUOTE, quote_id="Q-8"), "135790")
    assert flow.send(renewed) not in (key, other)  # another quote: a new request


def test_a_password_attempt_is_keyed_by_its_token_only() -> None:
    attempt = d.PasswordAttempt("t1", "802157")
    assert _called(d.PASSWORD_RESET, attempt) == ("reset_password", ("802157",), "k1")
    assert "802157" not in repr(attempt)
    assert attempt == d.PasswordAttempt("t1", "000000")  # same attempt: the same key
    assert attempt != d.PasswordAttempt("t2", "802157")  # a new attempt: a new key
    flow = _flow()
    key = flow.send(attempt)
    flow.failed(be.BackendTimeout())
    assert flow.send(d.PasswordAttempt("t1", "802157")) == key
    flow.answered("T-1")
    assert flow.answer == "T-1" and flow.choice == attempt
    flow.forget_choice()
    assert flow.choice is None and flow.answer == "T-1"


def test_the_answer_is_kept_until_the_next_question() -> None:
    flow = _flow()
    flow.send("suspend")
    flow.answered("T-9")
    assert (flow.phase, flow.answer, flow.asking) == (Phase.DONE, "T-9", False)
    flow.ask("resume")
    assert (flow.phase, flow.answer, flow.asking) == (Phase.CONFIRMING, None, True)
