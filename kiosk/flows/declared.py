"""The declared transaction types: for each, the kind, the backend call for a choice and an
idempotency key, the reference the journal keeps and the amount. Pure; no Qt.

A choice is what one idempotency key stands for (kiosk/flows/transaction.py): the same choice
confirmed again after a lost answer is sent with the same key, so everything that makes the
request different is in it, and nothing else. A new transaction type is one declaration here
(with its :class:`~kiosk.transactions.TransactionKind`) plus its screen's own content, which
hands it to ``ui/widgets/transaction.TransactionView``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk import spam as ks
from kiosk.backend import models as m
from kiosk.disputes import DisputeReason
from kiosk.flows.transaction import Transaction
from kiosk.invoices import InvoiceMonth
from kiosk.line import LineAction
from kiosk.transactions import TransactionKind


@dataclass(frozen=True)
class PlanChoice:
    """The plan chosen and the agreement text the customer accepted for it."""

    plan_code: str
    agreement: m.Agreement


@dataclass(frozen=True)
class SpamChoice:
    """The number reported and what it did (the report's content is made from these)."""

    number: str
    category: ks.SpamCategory
    subject: ks.SpamSubject | None = None

    @property
    def content(self) -> str:
        return ks.spam_content(self.category, self.subject)


@dataclass(frozen=True)
class DisputeChoice:
    """The charge disputed and why."""

    record: m.Record
    reason: DisputeReason


@dataclass(frozen=True)
class PasswordAttempt:
    """One reset attempt. Its key is the attempt's token only: the new password never takes
    part in equality, hashing or repr (it is never journaled or logged)."""

    token: str
    password: str = field(compare=False, repr=False)


@dataclass(frozen=True)
class ReminderChoice:
    """The balance reminder threshold chosen (None: no reminder). A dataclass, not the bare
    ``int | None``: "no reminder" must not read as "no choice" in the flow."""

    threshold_fen: int | None


@dataclass(frozen=True)
class ServiceCancel:
    """The service whose subscription is cancelled (退订)."""

    service_code: str


@dataclass(frozen=True)
class ServiceQuoteChoice:
    """The service ordered and the agreement text the customer accepted for it (the quote,
    the order's first step, sends its version; the receipt names it)."""

    service_code: str
    agreement: m.Agreement


@dataclass(frozen=True)
class ServiceOrderChoice:
    """The SMS code typed for a quote, the order's second step: one key per (quote, code),
    so the same code after a lost answer is applied once and a different code is a new
    request (the backend would refuse a reused key for it). The code is never in a repr."""

    quote: m.OrderQuote
    sms_code: str = field(repr=False)


PLAN_CHANGE: Transaction[PlanChoice, m.PlanChange] = Transaction(
    TransactionKind.PLAN_CHANGE,
    lambda backend, c, key: backend.change_plan(
        c.plan_code, c.agreement.version, idempotency_key=key
    ),
    lambda change: change.transaction_id,
    busy_key="plan.changing",
)

SPAM_REPORT: Transaction[SpamChoice, m.SpamReport] = Transaction(
    TransactionKind.SPAM_REPORT,
    lambda backend, c, key: backend.report_spam(c.number, c.content, idempotency_key=key),
    lambda report: report.report_id,
)

# One key per month: a retry after a lost answer cannot issue a second invoice.
INVOICE: Transaction[InvoiceMonth, m.Invoice] = Transaction(
    TransactionKind.INVOICE,
    lambda backend, month, key: backend.issue_invoice(month.month, idempotency_key=key),
    lambda invoice: invoice.invoice_number,
    amount_fen=lambda month: month.amount_fen,
)

DISPUTE: Transaction[DisputeChoice, m.Dispute] = Transaction(
    TransactionKind.DISPUTE,
    lambda backend, c, key: backend.open_dispute(
        c.record.record_id, c.reason.value, idempotency_key=key
    ),
    lambda dispute: dispute.number,
    amount_fen=lambda c: c.record.fee_fen,
)

PASSWORD_RESET: Transaction[PasswordAttempt, m.TransactionResult] = Transaction(
    TransactionKind.PASSWORD_RESET,
    lambda backend, attempt, key: backend.reset_password(attempt.password, idempotency_key=key),
    lambda result: result.transaction_id,
)

SUSPEND: Transaction[LineAction, m.TransactionResult] = Transaction(
    TransactionKind.SUSPEND,
    lambda backend, _action, key: backend.suspend(idempotency_key=key),
    lambda result: result.transaction_id,
)

RESUME: Transaction[LineAction, m.TransactionResult] = Transaction(
    TransactionKind.RESUME,
    lambda backend, _action, key: backend.resume(idempotency_key=key),
    lambda result: result.transaction_id,
)

# One key per amount: a retry of the same amount after a lost answer cannot open a second order.
PAYMENT: Transaction[int, m.PaymentOrder] = Transaction(
    TransactionKind.PAYMENT,
    lambda backend, fen, key: backend.create_payment(fen, idempotency_key=key),
    lambda order: order.order_id,
    amount_fen=lambda fen: fen,
    busy_key="pay.creating",
)

# The journal's amount of a reminder is the threshold set (None: the reminder is switched off).
REMINDER: Transaction[ReminderChoice, m.ReminderSetting] = Transaction(
    TransactionKind.REMINDER,
    lambda backend, c, key: backend.set_reminder_threshold(c.threshold_fen, idempotency_key=key),
    lambda setting: setting.transaction_id,
    amount_fen=lambda c: c.threshold_fen,
)

SERVICE_CANCEL: Transaction[ServiceCancel, m.ServiceChange] = Transaction(
    TransactionKind.SERVICE_CANCEL,
    lambda backend, c, key: backend.cancel_service(c.service_code, idempotency_key=key),
    lambda change: change.transaction_id,
    busy_key="services.unsubscribing",
)

# The journal keeps the quote's id: the SMS code is sent with it.
SERVICE_QUOTE: Transaction[ServiceQuoteChoice, m.OrderQuote] = Transaction(
    TransactionKind.SERVICE_QUOTE,
    lambda backend, c, key: backend.order_service(
        c.service_code, c.agreement.version, idempotency_key=key
    ),
    lambda quote: quote.quote_id,
    busy_key="services.sending",
)

SERVICE_ORDER: Transaction[ServiceOrderChoice, m.ServiceChange] = Transaction(
    TransactionKind.SERVICE_ORDER,
    lambda backend, c, key: backend.confirm_order(
        c.quote.quote_id, c.sms_code, idempotency_key=key
    ),
    lambda change: change.transaction_id,
    amount_fen=lambda c: c.quote.price_fen,
    busy_key="services.ordering",
)

LINE_ACTIONS = {LineAction.SUSPEND: SUSPEND, LineAction.RESUME: RESUME}
