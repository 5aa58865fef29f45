"""What the kiosk's transactions are, independent of any screen.

Every mutating backend call a customer starts has a :class:`TransactionKind`. Its value is what
the journal stores (so it never changes once released); its text says it to staff and
customers in their language.
"""

from __future__ import annotations

import enum


class TransactionKind(enum.StrEnum):
    """The journal's kind of a transaction (value: the stored name)."""

    PAYMENT = "payment"  # QR top-up
    DISPUTE = "dispute"  # 收费误差，双倍返还
    REMINDER = "reminder"  # balance reminder threshold
    PLAN_CHANGE = "plan_change"
    SERVICE_QUOTE = "service_quote"  # step 1 of an order: an SMS code is sent
    SERVICE_ORDER = "service_order"  # step 2: confirmed with the code
    SERVICE_CANCEL = "service_cancel"
    PASSWORD_RESET = "password_reset"
    SUSPEND = "suspend"
    RESUME = "resume"
    INVOICE = "invoice"
    SPAM_REPORT = "spam_report"

    @property
    def text_key(self) -> str:
        return f"transaction.{self.value}"
