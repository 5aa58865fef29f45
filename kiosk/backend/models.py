"""Result values of the backend client: frozen dataclasses, money in integer fen.

Dates are :class:`datetime.date`, instants are aware :class:`datetime.datetime` (Asia/Shanghai
offset as sent by the server), billing months are ``"YYYY-MM"`` strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# Re-exported: the identification enums live in a light module the kiosk loads at start-up.
from kiosk.backend.factors import Access as Access  # noqa: PLC0414 - explicit re-export
from kiosk.backend.factors import Factor as Factor  # noqa: PLC0414 - explicit re-export
from kiosk.money import LineMoney, MoneyKind


class LineStatus(StrEnum):
    """Status of a line in the operator's system."""

    NORMAL = "normal"
    SUSPENDED = "suspended"  # 报停 at the customer's request (or report of loss)
    ARREARS = "arrears"  # 欠费停机


class RecordKind(StrEnum):
    """Types of itemised records (详单), in the order customers know them."""

    FIXED = "fixed"  # 套餐及固定费
    CALL = "call"  # 通话
    SMS = "sms"  # 短/彩信
    DATA = "data"  # 上网
    VAS = "vas"  # 增值业务
    SP = "sp"  # 代收费
    DISCOUNT = "discount"  # 减免


class ServiceKind(StrEnum):
    """Operator value-added service or third-party (SP, 代收费) service."""

    VAS = "vas"
    SP = "sp"


class PaymentStatus(StrEnum):
    """State of a QR payment order."""

    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"


class DisputeStatus(StrEnum):
    """Outcome of a charge dispute."""

    REFUNDED = "refunded"  # confirmed wrong: twice the amount credited (收费误差，双倍返还)
    INVESTIGATING = "investigating"  # handed to staff; the customer is called back


@dataclass(frozen=True)
class Session:
    """What the kiosk may know about an identified customer (the token stays in the client)."""

    factors: frozenset[Factor]
    allowed: frozenset[Access]
    phone_masked: str
    name_masked: str
    brand: str
    status: LineStatus
    expires_in_s: int
    # The full number, only when it was picked from the card's numbers (never typed).
    phone: str = ""

    def has(self, factor: Factor) -> bool:
        """True when the session holds ``factor``."""
        return factor in self.factors


@dataclass(frozen=True)
class CardNumber:
    """One number registered to the card on the reader, masked; picked by ``pick``."""

    pick: int
    phone_masked: str
    brand: str


@dataclass(frozen=True)
class SessionExtension:
    """The backend's answer to "more time": seconds left now, and whether more may follow."""

    expires_in_s: int
    extendable: bool


@dataclass(frozen=True)
class SmsSent:
    """An SMS code was sent: when a resend is possible and how long the code is valid."""

    resend_after_s: int
    valid_for_s: int


@dataclass(frozen=True)
class Plan:
    """A tariff plan with the rules needed to explain a bill."""

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


@dataclass(frozen=True)
class UsageItem:
    """Plan allowance versus use in a month (套餐包含 vs 套餐内实际使用)."""

    kind: str  # "voice" | "sms" | "data"
    label: str  # 国内通话 / 短信 / 国内流量
    unit: str  # 分钟 / 条 / MB
    included: int
    used: int


@dataclass(frozen=True)
class AccountOverview:
    """Balance and account home of an identified customer."""

    month: str
    phone_masked: str
    name_masked: str
    brand: str
    status: LineStatus
    is_prepaid: bool
    balance_fen: int  # the raw account sum: show ``money``, never this
    credit_fen: int
    money: LineMoney
    month_to_date_fen: int
    days_until_suspension: int | None
    reminder_threshold_fen: int | None
    plan: Plan
    next_plan: Plan | None
    usage: tuple[UsageItem, ...]


@dataclass(frozen=True)
class BillItem:
    """One sub-item of a bill category (e.g. 套餐基本费)."""

    name: str
    amount_fen: int


@dataclass(frozen=True)
class BillCategory:
    """A bill category with its plain-language explanation and its sub-items."""

    name: str
    total_fen: int
    explanation: str
    items: tuple[BillItem, ...]


@dataclass(frozen=True)
class BillAccount:
    """The running sum under a bill: opening + top-ups = available; - charges = closing.

    Worded by ``kind``: a pre-paid balance, or a post-paid bill (本月费用, 已缴, 应缴
    ``due_fen``) that never calls the amount owed a balance.
    """

    opening_balance_fen: int
    topup_fen: int
    available_fen: int
    total_fen: int
    closing_balance_fen: int
    kind: MoneyKind = MoneyKind.PREPAID
    due_fen: int = 0


@dataclass(frozen=True)
class MonthBill:
    """A closed monthly bill, itemised by category (月账单)."""

    month: str
    period_start: dt.date
    period_end: dt.date
    total_fen: int
    categories: tuple[BillCategory, ...]
    account: BillAccount
    usage: tuple[UsageItem, ...]
    plan: Plan
    new_services: tuple[str, ...]  # services whose charges start this month (anomaly hint)
    roaming_fen: int


@dataclass(frozen=True)
class Record:
    """One itemised record; fields not used by its kind are ``None`` (see reference doc)."""

    record_id: int
    kind: RecordKind
    started_at: dt.datetime
    fee_fen: int
    category: str
    sub_item: str
    place: str | None = None
    direction: str | None = None  # 主叫/被叫/呼转, 发送/接收
    other_party: str | None = None  # raw: mask with common.masking.mask_other_party on output
    duration_s: int | None = None
    comm_type: str | None = None  # 本地/国内长途/省内漫游/国内漫游/...
    plan_discount: str | None = None
    msg_type: str | None = None  # 短信/彩信
    access: str | None = None  # 4G/5G/WLAN, or 使用方式 for VAS
    volume_kb: int | None = None
    service_name: str | None = None
    service_number: str | None = None
    sp_name: str | None = None
    sp_code: str | None = None
    fee_type: str | None = None  # 点播/包月
    period: str | None = None  # 使用周期 for fixed fees, e.g. "11-01 至 11-30"


@dataclass(frozen=True)
class RecordTotals:
    """Totals over every record matching the query (not only the page)."""

    count: int
    fee_fen: int
    duration_s: int
    volume_kb: int


@dataclass(frozen=True)
class RecordPage:
    """A page of records; ``totals`` is sent with the first page only (cursor ``None``)."""

    items: tuple[Record, ...]
    next_cursor: str | None
    totals: RecordTotals | None


@dataclass(frozen=True)
class PlanChange:
    """A plan change booked for the next month (新套餐于下月1日生效)."""

    transaction_id: str
    from_plan: Plan
    to_plan: Plan
    effective_on: dt.date
    services_kept: tuple[str, ...]
    services_cancelled: tuple[str, ...]
    services_opened: tuple[str, ...]


@dataclass(frozen=True)
class Service:
    """An orderable service of the catalogue."""

    code: str
    name: str
    kind: ServiceKind
    sp_name: str
    service_number: str
    monthly_fee_fen: int
    description: str


@dataclass(frozen=True)
class Subscription:
    """A service the line subscribes to; ``ends_on`` is set once cancelled."""

    service: Service
    started_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True)
class ServiceList:
    """The line's current subscriptions and the catalogue it may order from."""

    subscriptions: tuple[Subscription, ...]
    catalogue: tuple[Service, ...]


@dataclass(frozen=True)
class Agreement:
    """The operator's 入网协议 clauses a transaction asks consent to (``topic``: plan_change,
    service_order); the mutation names the ``version`` the customer read."""

    topic: str
    version: str
    title: str
    text: str
    title_en: str = ""  # the English form (older backends send none)
    text_en: str = ""

    def in_locale(self, locale: str) -> tuple[str, str]:
        """(title, text) to show in ``locale``: the English form when there is one."""
        if locale != "zh_CN" and self.title_en and self.text_en:
            return self.title_en, self.text_en
        return self.title, self.text


@dataclass(frozen=True)
class OrderQuote:
    """First step of an order: the text to confirm; an SMS code was sent to the phone."""

    quote_id: str
    service: Service
    confirmation_text: str
    price_fen: int
    period: str
    starts_on: dt.date
    expires_at: dt.datetime


@dataclass(frozen=True)
class ServiceChange:
    """Result of confirming an order or a cancellation."""

    transaction_id: str
    subscription: Subscription


@dataclass(frozen=True)
class PaymentOrder:
    """A QR payment (top-up) order."""

    order_id: str
    amount_fen: int
    qr_payload: str
    status: PaymentStatus
    created_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    balance_after_fen: int | None
    money: LineMoney | None = None  # once paid: the line's figure, the overview's own


@dataclass(frozen=True)
class Dispute:
    """A charge dispute; ``refund_fen`` is twice the charge when confirmed wrong."""

    number: str
    record_id: int
    amount_fen: int
    status: DisputeStatus
    refund_fen: int
    message: str
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class TransactionResult:
    """A completed transaction without other data (password reset, suspend, resume)."""

    transaction_id: str
    kind: str
    status: LineStatus
    completed_at: dt.datetime
    note: str


@dataclass(frozen=True)
class Invoice:
    """A monthly invoice (发票) for a closed month."""

    invoice_number: str
    month: str
    amount_fen: int
    title: str
    issued_at: dt.datetime
    items: tuple[BillItem, ...]


@dataclass(frozen=True)
class SpamReport:
    """Receipt of a spam report (10086999)."""

    report_id: str
    received_at: dt.datetime


@dataclass(frozen=True)
class ReminderSetting:
    """The balance reminder threshold now in force (``None``: no reminder), and the backend's
    number of the transaction that set it (kept by the journal like any other)."""

    threshold_fen: int | None
    transaction_id: str


@dataclass(frozen=True)
class SmsMessage:
    """A message from the demo SMS outbox."""

    text: str
    sent_at: dt.datetime
    purpose: str


@dataclass(frozen=True)
class TransactionState:
    """The backend's answer to "was the mutation with this key applied?" (reconciliation).

    From settlement it is final: ``applied``, or ``abandoned`` (fenced: never applied, ever).
    From the read-only peek, neither flag means "not so far"."""

    key: str
    applied: bool
    reference: str | None
    abandoned: bool = False


class ProbeOutcome(StrEnum):
    """What ``kiosk doctor`` learnt from one authenticated call (BackendClient.probe)."""

    OK = "ok"
    UNREACHABLE = "unreachable"  # refused, no route, DNS, timeout
    TLS_FAILED = "tls_failed"  # certificate not trusted, wrong host, not TLS at all
    AUTH_REFUSED = "auth_refused"  # 401/403: wrong terminal id or token
    ERROR = "error"  # any other answer


@dataclass(frozen=True)
class Probe:
    outcome: ProbeOutcome
    server_time: dt.datetime | None  # the answer's Date header, for the clock check
    detail: str
