"""Plain data for bill and detail slips and PDF statements (the kiosk converts its models).

Everything personal is held raw here; the builders in :mod:`printer.receipts` and
:mod:`printer.pdf` apply the masking rules themselves. Money is integer fen.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import Enum


class RecordType(Enum):
    """Itemised record types, in the order bills show them; values are the Chinese labels."""

    FIXED = "套餐及固定费"
    CALL = "通话"
    MESSAGE = "短/彩信"
    DATA = "上网"
    VALUE_ADDED = "增值业务"
    THIRD_PARTY = "代收费"
    DISCOUNT = "减免"


@dataclass(frozen=True)
class Customer:
    """Who the document is for (raw values; masked when printed)."""

    name: str
    phone: str
    brand: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class Terminal:
    """Where the document is printed."""

    operator: str
    hall: str
    terminal_id: str
    terminal_name: str = ""


@dataclass(frozen=True)
class BillItem:
    """One line of a bill category (e.g. 套餐基本费 5800 fen)."""

    name: str
    amount_fen: int


@dataclass(frozen=True)
class StatementCategory:
    """A bill category (套餐及固定费, 语音通信费 ...) with its items and a plain explanation."""

    name: str
    items: tuple[BillItem, ...]
    explanation: str = ""

    @property
    def total_fen(self) -> int:
        """Sum of the items (合计)."""
        return sum(item.amount_fen for item in self.items)


@dataclass(frozen=True)
class StatementMonth:
    """One closed billing month ("YYYY-MM") with its categories and account block."""

    month: str
    categories: tuple[StatementCategory, ...]
    opening_balance_fen: int = 0
    top_up_fen: int = 0
    closing_balance_fen: int = 0
    # Post-paid: the month is worded as a bill (本月费用, 当月已缴, 出账应缴 ``due_fen``),
    # never as a balance running negative.
    postpaid: bool = False
    due_fen: int = 0

    @property
    def total_fen(self) -> int:
        """本月费用合计."""
        return sum(category.total_fen for category in self.categories)

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """First and last day of the month (计费周期)."""
        year, month = (int(part) for part in self.month.split("-"))
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class DetailRecord:
    """One itemised record. Which fields matter depends on ``type`` (see reference columns):

    - FIXED: ``period`` (使用周期), ``name``;
    - CALL: ``location``, ``direction`` (主叫/被叫/呼转), ``other_party``, ``duration_s``,
      ``call_type`` (本地/国内长途 ...), ``plan_discount``;
    - MESSAGE: ``location``, ``other_party``, ``direction`` (发送/接收), ``kind`` (短信/彩信),
      ``name`` (业务名称), ``plan_discount``;
    - DATA: ``location``, ``access`` (4G/5G/WLAN), ``duration_s``, ``volume_kb``, ``plan_discount``;
    - VALUE_ADDED: ``usage`` (使用方式), ``name`` (业务名称), ``service_number``;
    - THIRD_PARTY: ``name``, ``service_number``, ``provider``, ``enterprise_code``,
      ``kind`` (点播/包月);
    - DISCOUNT: ``name`` (减免类型), negative ``fee_fen``.
    """

    type: RecordType
    time: dt.datetime
    fee_fen: int
    name: str = ""
    location: str = ""
    direction: str = ""
    other_party: str = ""
    duration_s: int = 0
    call_type: str = ""
    plan_discount: str = ""
    kind: str = ""
    access: str = ""
    volume_kb: int = 0
    usage: str = ""
    service_number: str = ""
    provider: str = ""
    enterprise_code: str = ""
    period: str = ""

    @property
    def month(self) -> str:
        """The billing month "YYYY-MM" of the record."""
        return f"{self.time.year:04d}-{self.time.month:02d}"


def format_duration(seconds: int) -> str:
    """3分25秒 / 1小时2分3秒 (as on itemised bills)."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}小时{minutes}分{secs}秒"
    if minutes:
        return f"{minutes}分{secs}秒"
    return f"{secs}秒"


def format_volume(kb: int) -> str:
    """Data volume: KB below 1 MB, else MB with two decimals (1 MB = 1024 KB)."""
    if kb < 1024:
        return f"{kb}KB"
    return f"{kb / 1024:.2f}MB"
