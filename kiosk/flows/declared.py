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

LINE_ACTIONS = {LineAction.SUSPEND: SUSPEND, LineAction.RESUME: RESUME}
