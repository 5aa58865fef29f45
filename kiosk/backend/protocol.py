"""What the kiosk needs from the operator backend, as a type.

:class:`~kiosk.backend.client.BackendClient` is the one real implementation (see its docstrings
and docs/api.md); screens, the journal and the reconciler depend on this Protocol instead, so a
test can hand them a small stand-in that mypy checks like the real client.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from kiosk.backend import models as m
from kiosk.status import StatusReport


class Backend(Protocol):
    """Every backend function the kiosk offers, as :class:`BackendClient` implements it."""

    def close(self) -> None: ...

    @property
    def has_session(self) -> bool: ...

    def health(self) -> bool: ...

    def identify_password(self, phone: str, password: str) -> m.Session: ...

    def send_sms_code(self, phone: str) -> m.SmsSent: ...

    def verify_sms_code(self, phone: str, code: str) -> m.Session: ...

    def identify_id_card(
        self,
        *,
        id_number: str,
        name: str,
        card_type: str,
        valid_from: str,
        valid_to: str,
        photo_sha256: str,
        phone: str | None = None,
        pick: int | None = None,
    ) -> m.Session: ...

    def id_card_numbers(
        self,
        *,
        id_number: str,
        name: str,
        card_type: str,
        valid_from: str,
        valid_to: str,
        photo_sha256: str,
    ) -> list[m.CardNumber]: ...

    def extend_session(self) -> m.SessionExtension: ...

    def end_session(self) -> None: ...

    def overview(self) -> m.AccountOverview: ...

    def bills(self) -> list[m.MonthBill]: ...

    def bill(self, month: str) -> m.MonthBill: ...

    def records(
        self,
        month: str,
        kind: m.RecordKind | None = None,
        cursor: str | None = None,
        limit: int = 100,
        *,
        with_fee_only: bool = False,
        roaming_only: bool = False,
    ) -> m.RecordPage: ...

    def plans(self) -> list[m.Plan]: ...

    def agreement(self, topic: str) -> m.Agreement: ...

    def change_plan(
        self, plan_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.PlanChange: ...

    def services(self) -> m.ServiceList: ...

    def order_service(
        self, service_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.OrderQuote: ...

    def confirm_order(
        self, quote_id: str, sms_code: str, idempotency_key: str | None = None
    ) -> m.ServiceChange: ...

    def cancel_service(
        self, service_code: str, idempotency_key: str | None = None
    ) -> m.ServiceChange: ...

    def create_payment(
        self, amount_fen: int, idempotency_key: str | None = None
    ) -> m.PaymentOrder: ...

    def payment_status(self, order_id: str) -> m.PaymentOrder: ...

    def disputes(self) -> list[m.Dispute]: ...

    def open_dispute(
        self, record_id: int, reason: str, idempotency_key: str | None = None
    ) -> m.Dispute: ...

    def reset_password(
        self, new_password: str, idempotency_key: str | None = None
    ) -> m.TransactionResult: ...

    def suspend(self, idempotency_key: str | None = None) -> m.TransactionResult: ...

    def resume(self, idempotency_key: str | None = None) -> m.TransactionResult: ...

    def invoices(self, month: str) -> list[m.Invoice]: ...

    def issue_invoice(self, month: str, idempotency_key: str | None = None) -> m.Invoice: ...

    def report_spam(
        self, number: str, content: str, idempotency_key: str | None = None
    ) -> m.SpamReport: ...

    def transaction_state(self, key: str) -> m.TransactionState: ...

    def settle_transaction(self, key: str) -> m.TransactionState: ...

    @property
    def longest_call(self) -> dt.timedelta: ...

    def report_status(self, report: StatusReport) -> None: ...

    def set_reminder_threshold(
        self, threshold_fen: int | None, idempotency_key: str | None = None
    ) -> m.ReminderSetting: ...

    def demo_read_sms(self, phone: str) -> list[m.SmsMessage]: ...

    def demo_mark_paid(self, order_id: str) -> m.PaymentOrder: ...
