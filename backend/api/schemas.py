"""Request and response bodies (the wire format in docs/api.md and docs/openapi.json).

Money is integer fen (``StrictInt``: ``"100"`` or ``1.5`` are refused, never coerced).
Instants carry the +08:00 offset; dates are ``YYYY-MM-DD``; months ``YYYY-MM``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

Phone = Annotated[str, Field(pattern=r"^1\d{10}$", description="11-digit mobile number")]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Code6 = Annotated[str, Field(pattern=r"^\d{6}$")]
CardType = Literal["resident", "permit_hmt", "permit_tw", "foreign_2017", "foreign_2023"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests ------------------------------------------------------------------------------


class PasswordLogin(_In):
    """Number + service password."""

    phone: Phone
    password: Code6


class SmsSend(_In):
    """Ask for a one-time code."""

    phone: Phone


class SmsVerify(_In):
    """Check a one-time code."""

    phone: Phone
    code: Code6


class IdCardRead(_In):
    """ID card data as read by the terminal's reader."""

    id_number: Annotated[str, Field(min_length=6, max_length=32)]
    name: Annotated[str, Field(min_length=1, max_length=60)]
    card_type: CardType
    valid_from: Annotated[str, Field(pattern=r"^\d{8}$")]
    valid_to: Annotated[str, Field(pattern=r"^(\d{8}|长期)$")]
    photo_sha256: Annotated[
        str,
        Field(
            pattern=r"^[0-9a-f]{64}$",
            description="SHA-256 (hex) of the photo block (WLT) the reader returned",
        ),
    ]


class IdCardLogin(IdCardRead):
    """ID card data and the number to serve: typed (``phone``) or picked from the card's
    numbers (``pick``, an index of POST /v1/sessions/id-card/numbers). Exactly one."""

    phone: Phone | None = None
    pick: Annotated[int | None, Field(ge=0, le=99)] = None

    @model_validator(mode="after")
    def _one_number(self) -> IdCardLogin:
        if (self.phone is None) == (self.pick is None):
            raise ValueError("give exactly one of phone and pick")
        return self


class PlanChangeIn(_In):
    """Target plan."""

    plan_code: Annotated[str, Field(min_length=1, max_length=20)]
    agreement_version: Annotated[
        str,
        Field(
            min_length=1,
            max_length=20,
            description="Version of the plan_change agreement the customer read and accepted",
        ),
    ]


class OrderIn(_In):
    """Service to order."""

    service_code: Annotated[str, Field(min_length=1, max_length=20)]
    agreement_version: Annotated[
        str,
        Field(
            min_length=1,
            max_length=20,
            description="Version of the service_order agreement the customer read and accepted",
        ),
    ]


class ConfirmIn(_In):
    """The SMS code sent with the quote."""

    sms_code: Code6


class PaymentIn(_In):
    """Top-up amount: 1 元 to 5,000 元."""

    amount_fen: Annotated[StrictInt, Field(ge=100, le=500_000)]


class DisputeIn(_In):
    """The charge (record) the customer flags as wrong, and why."""

    record_id: Annotated[StrictInt, Field(ge=1, le=2**62)]
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class PasswordIn(_In):
    """New 6-digit service password."""

    new_password: Annotated[str, Field(min_length=1, max_length=20)]


class InvoiceIn(_In):
    """Closed month to invoice."""

    month: Month


class SpamIn(_In):
    """Spam number and the message received (may be empty for calls)."""

    number: Annotated[str, Field(pattern=r"^\+?\d{3,20}$")]
    content: Annotated[str, Field(max_length=500)] = ""


class ReminderIn(_In):
    """Threshold in fen (500/1000/2000/3000/5000) or null to cancel."""

    threshold_fen: Annotated[StrictInt, Field(ge=0, le=1_000_000)] | None


class DemoSmsIn(_In):
    """Number whose demo outbox to read."""

    phone: Phone


# -- responses -----------------------------------------------------------------------------


class Health(BaseModel):
    """Liveness."""

    status: str


class SessionOut(BaseModel):
    """An identification result: keep ``session_token`` and send it as X-Session-Token."""

    session_token: str
    factors: list[str]
    allowed: list[str]
    phone_masked: str
    name_masked: str
    brand: str
    status: str
    expires_in_s: int
    # The full number only when the customer picked it from their card's numbers (the card
    # proved the owner; the terminal needs it for the SMS code). Absent when typed.
    phone: str | None = None


class CardNumberOut(BaseModel):
    """One number registered to a card: masked, with the index to pick it by."""

    pick: int
    phone_masked: str
    brand: str


class CardNumbersOut(BaseModel):
    """The numbers registered to the card's holder (real-name record), in number order."""

    numbers: list[CardNumberOut]
    name_masked: str


class SessionExtendedOut(BaseModel):
    """The session's new expiry; ``extendable`` is false once the hard cap is reached."""

    expires_in_s: int
    extendable: bool


class SmsSentOut(BaseModel):
    """A code was sent."""

    resend_after_s: int
    valid_for_s: int


class PlanOut(BaseModel):
    """Plan with its rules."""

    code: str
    name: str
    brand: str
    monthly_fee_fen: int
    included_minutes: int
    included_sms: int
    included_data_mb: int
    overage_minute_fen: int
    overage_sms_fen: int
    overage_data_fen_per_mb: int
    description: str


class PlansOut(BaseModel):
    """Plans of the line's brand."""

    plans: list[PlanOut]


class UsageOut(BaseModel):
    """Allowance versus use."""

    kind: str
    label: str
    unit: str
    included: int
    used: int


class MoneyOut(BaseModel):
    """A line's money, one definition per brand kind (backend/ops/money.py): pre-paid
    ``available_fen`` is 可用余额 (negative: in arrears); post-paid ``due_fen`` is 本月应缴
    and ``available_fen`` 信用额度剩余. Every screen and receipt shows these, never a sum of
    its own."""

    kind: Literal["prepaid", "postpaid"]
    available_fen: int
    due_fen: int
    credit_limit_fen: int


class OverviewOut(BaseModel):
    """Account home."""

    month: str
    phone_masked: str
    name_masked: str
    brand: str
    status: str
    is_prepaid: bool
    balance_fen: int
    credit_fen: int
    money: MoneyOut
    month_to_date_fen: int
    days_until_suspension: int | None
    reminder_threshold_fen: int | None
    plan: PlanOut
    next_plan: PlanOut | None
    usage: list[UsageOut]


class BillItemOut(BaseModel):
    """Sub-item."""

    name: str
    amount_fen: int


class BillCategoryOut(BaseModel):
    """Category with explanation."""

    name: str
    total_fen: int
    explanation: str
    items: list[BillItemOut]


class BillAccountOut(BaseModel):
    """Running sum; ``kind`` says how to word it (post-paid: a bill with its 应缴 ``due_fen``,
    not a balance)."""

    kind: Literal["prepaid", "postpaid"]
    opening_balance_fen: int
    topup_fen: int
    available_fen: int
    total_fen: int
    closing_balance_fen: int
    due_fen: int


class BillOut(BaseModel):
    """Closed monthly bill."""

    month: str
    period_start: dt.date
    period_end: dt.date
    total_fen: int
    categories: list[BillCategoryOut]
    account: BillAccountOut
    usage: list[UsageOut]
    plan: PlanOut
    new_services: list[str]
    roaming_fen: int


class BillsOut(BaseModel):
    """The 5 closed months, newest first."""

    bills: list[BillOut]


class RecordOut(BaseModel):
    """Itemised record (unused columns are null)."""

    record_id: int
    kind: str
    started_at: dt.datetime
    fee_fen: int
    category: str
    sub_item: str
    place: str | None = None
    direction: str | None = None
    other_party: str | None = None
    duration_s: int | None = None
    comm_type: str | None = None
    plan_discount: str | None = None
    msg_type: str | None = None
    access: str | None = None
    volume_kb: int | None = None
    service_name: str | None = None
    service_number: str | None = None
    sp_name: str | None = None
    sp_code: str | None = None
    fee_type: str | None = None
    period: str | None = None


class TotalsOut(BaseModel):
    """Totals of the whole query."""

    count: int
    fee_fen: int
    duration_s: int
    volume_kb: int


class RecordPageOut(BaseModel):
    """A page; totals on the first page only."""

    items: list[RecordOut]
    next_cursor: str | None
    totals: TotalsOut | None


class PlanChangeOut(BaseModel):
    """Booked plan change."""

    transaction_id: str
    from_plan: PlanOut
    to_plan: PlanOut
    effective_on: dt.date
    services_kept: list[str]
    services_cancelled: list[str]
    services_opened: list[str]


class AgreementOut(BaseModel):
    """The 入网协议 clauses a transaction asks consent to (shown before confirming)."""

    topic: Literal["plan_change", "service_order"]
    version: str
    title: str
    text: str = Field(description="Plain Chinese paragraphs separated by newlines")
    title_en: str = Field("", description="The title in English (empty: none)")
    text_en: str = Field("", description="The same clauses in English (the Chinese text binds)")


class ServiceOut(BaseModel):
    """Catalogue service."""

    code: str
    name: str
    kind: str
    sp_name: str
    service_number: str
    monthly_fee_fen: int
    description: str


class SubscriptionOut(BaseModel):
    """Subscription."""

    service: ServiceOut
    started_on: dt.date
    ends_on: dt.date | None


class ServicesOut(BaseModel):
    """Subscriptions and catalogue."""

    subscriptions: list[SubscriptionOut]
    catalogue: list[ServiceOut]


class QuoteOut(BaseModel):
    """Order step 1."""

    quote_id: str
    service: ServiceOut
    confirmation_text: str
    price_fen: int
    period: str
    starts_on: dt.date
    expires_at: dt.datetime


class ServiceChangeOut(BaseModel):
    """Order confirmed or service cancelled."""

    transaction_id: str
    subscription: SubscriptionOut


class PaymentOut(BaseModel):
    """QR payment order."""

    order_id: str
    amount_fen: int
    qr_payload: str
    status: str
    created_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    balance_after_fen: int | None
    money: MoneyOut | None  # once paid: the line's figure now, the same as the overview's


class DisputeOut(BaseModel):
    """Dispute."""

    number: str
    record_id: int
    amount_fen: int
    status: str
    refund_fen: int
    message: str
    created_at: dt.datetime


class DisputesOut(BaseModel):
    """The line's disputes, newest first."""

    items: list[DisputeOut]


class TransactionOut(BaseModel):
    """Plain transaction."""

    transaction_id: str
    kind: str
    status: str
    completed_at: dt.datetime
    note: str


class InvoiceOut(BaseModel):
    """Invoice."""

    invoice_number: str
    month: str
    amount_fen: int
    title: str
    issued_at: dt.datetime
    items: list[BillItemOut]


class InvoicesOut(BaseModel):
    """Invoices of a month."""

    invoices: list[InvoiceOut]


class SpamOut(BaseModel):
    """Spam report receipt."""

    report_id: str
    received_at: dt.datetime


class ReminderOut(BaseModel):
    """Reminder setting, with the transaction that set it."""

    threshold_fen: int | None
    transaction_id: str


class SmsMessageOut(BaseModel):
    """Demo outbox message."""

    text: str
    sent_at: dt.datetime
    purpose: str


class SmsOutboxOut(BaseModel):
    """Demo outbox, newest first."""

    messages: list[SmsMessageOut]


class TransactionStateOut(BaseModel):
    """Whether a mutation sent with this Idempotency-Key was applied (terminal reconciliation)."""

    key: str
    applied: bool
    abandoned: bool = Field(
        False, description="Settled as not applied: a request with this key is refused for good"
    )
    status_code: int | None = Field(None, description="HTTP status of the stored answer")
    reference: str | None = Field(
        None, description="The transaction's own number (order, dispute, invoice ...), if any"
    )


class TerminalStatusIn(BaseModel):
    """A terminal's health report (sent once a minute; nothing personal)."""

    model_config = ConfigDict(extra="forbid")

    app_version: str = Field(min_length=1, max_length=40)
    reader: Literal["ok", "fault", "absent"]
    printer: Literal["ok", "fault", "absent"]
    problems: list[Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]] = Field(
        default_factory=list, max_length=10, description="stable codes: reader_lost, paper_out ..."
    )
    # Bounded to the database's 32-bit integers (10**19 was a 500).
    journal_unresolved: int = Field(ge=0, le=1_000_000)
    in_session: bool
    uptime_s: int = Field(ge=0, le=2**31 - 1)
    restarts: int = Field(
        default=0,
        ge=0,
        le=1_000_000,
        description="restarts by systemd since boot (watchdog, crashes)",
    )
    cash: Literal["ok", "fault", "absent"] = Field(
        default="absent", description="the banknote acceptor (its problems: cash_*)"
    )
    cash_box_notes: int | None = Field(
        default=None, ge=0, le=1_000_000, description="notes in the cash box by the journal"
    )
    cash_box_capacity: int | None = Field(
        default=None, ge=1, le=1_000_000, description="notes the cash box holds"
    )


# -- cash top-up (现金缴费) -----------------------------------------------------------------

NoteFen = Annotated[
    StrictInt, Field(description="a Renminbi note in fen: 100, 500, 1000, 2000, 5000, 10000")
]


class CashOrderIn(_In):
    """The number to top up (the customer's own or, often, a parent's)."""

    phone: Phone


class CashNoteIn(_In):
    """One note the acceptor stacked, numbered by the terminal from 1 within the order."""

    sequence: Annotated[StrictInt, Field(ge=1, le=1000)]
    value_fen: NoteFen
    event_counter: Annotated[StrictInt, Field(ge=0, le=255, description="ccTalk event counter")]


class CashCloseIn(_In):
    """What the terminal holds for the order: it must match the notes reported."""

    note_count: Annotated[StrictInt, Field(ge=0, le=1000)]
    total_fen: Annotated[StrictInt, Field(ge=0, le=100_000_000)]


class CashCountIn(_In):
    """Notes of one value."""

    value_fen: NoteFen
    count: Annotated[StrictInt, Field(ge=0, le=100_000)]


class CashClearanceIn(_In):
    """清机: what staff counted in the box they took out."""

    counts: list[CashCountIn] = Field(max_length=6)


class CashNoteOut(BaseModel):
    """A reported note."""

    sequence: int
    value_fen: int
    event_counter: int
    reported_at: dt.datetime


class CashOrderOut(BaseModel):
    """A cash order: open while notes go in, closed once credited."""

    order_id: str
    masked_phone: str
    masked_name: str
    status: Literal["open", "closed"]
    created_at: dt.datetime
    closed_at: dt.datetime | None
    note_count: int
    total_fen: int
    notes: list[CashNoteOut]
    credited_fen: int | None
    balance_after_fen: int | None  # the raw account sum: show ``money``, never this
    transaction_id: str | None
    money: MoneyOut | None = None  # once closed: the line's figure now, the overview's own


class CashCountOut(BaseModel):
    value_fen: int
    count: int


class CashBoxOut(BaseModel):
    """What the terminal's box should hold: every note reported since the last clearance."""

    terminal_id: str
    since: dt.datetime | None = Field(description="the last clearance, null before the first")
    note_count: int
    total_fen: int
    counts: list[CashCountOut]
    orders: int
    open_orders: int


class CashClearanceOut(BaseModel):
    """A clearance record: counted against expected, any difference flagged."""

    clearance_id: str
    terminal_id: str
    at: dt.datetime
    previous_at: dt.datetime | None
    expected_count: int
    expected_fen: int
    expected_counts: list[CashCountOut]
    counted_count: int
    counted_fen: int
    counted_counts: list[CashCountOut]
    difference_fen: int
    flagged: bool
    orders: int
