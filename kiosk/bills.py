"""Bills explained: plan arithmetic per category, highlights, change against the median, and
conversion of the backend's bills to :mod:`printer.statement` values for slips and PDFs.
Disputes of a charge live in :mod:`kiosk.disputes`.

Pure functions of :mod:`kiosk.backend.models` values; no Qt, no I/O. Texts produced here are
domain data in Chinese (like the bill itself): they are also printed on slips and PDFs.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from common.money import format_fen
from kiosk.backend import models as m
from kiosk.i18n import DEFAULT_LOCALE, Translator
from kiosk.money import MoneyKind
from printer import statement as st

SPIKE_FACTOR_NUM, SPIKE_FACTOR_DEN = 3, 2  # a category above 1.5x its 5-month median

# Bill category names as the backend sends them (the customary labels of the reference).
FIXED = "套餐及固定费"
VOICE = "语音通信费"
DATA = "上网费"
MESSAGING = "短彩信费"
VAS = "增值业务费"
SP = "代收费"
OTHER = "补收费"
DISCOUNT = "优惠减免"


class ChartGroup(Enum):
    """The stacks of the 5-month chart, bottom to top; values are the legend keys."""

    FIXED = "fixed"
    VOICE = "voice"
    DATA = "data"
    MESSAGING = "messaging"
    VAS = "vas"
    SP = "sp"
    DISCOUNT = "discount"


_GROUP_OF: dict[str, ChartGroup] = {
    FIXED: ChartGroup.FIXED,
    OTHER: ChartGroup.FIXED,  # 补收费 is rare; it stacks with the fixed fees
    VOICE: ChartGroup.VOICE,
    DATA: ChartGroup.DATA,
    MESSAGING: ChartGroup.MESSAGING,
    VAS: ChartGroup.VAS,
    SP: ChartGroup.SP,
    DISCOUNT: ChartGroup.DISCOUNT,
}


@dataclass(frozen=True)
class ChargeLine:
    """One line of an explanation: ``quantity × unit price = amount`` or a plain amount."""

    label: str
    amount_fen: int
    quantity: int | None = None
    unit: str = ""
    unit_price_fen: int | None = None

    @property
    def text(self) -> str:
        """E.g. 套餐外通话 162 分钟 × ¥0.19 = ¥30.78."""
        if self.quantity is not None and self.unit_price_fen is not None:
            return (
                f"{self.label} {self.quantity} {self.unit} × {format_fen(self.unit_price_fen)}"
                f" = {format_fen(self.amount_fen)}"
            )
        return f"{self.label} {format_fen(self.amount_fen)}"


@dataclass(frozen=True)
class Explanation:
    """Why a category costs what it costs: arithmetic lines plus the general rule."""

    category: str
    total_fen: int
    lines: tuple[ChargeLine, ...]
    rule: str

    @property
    def text(self) -> str:
        """Lines joined for a label, slip or PDF; the rule last."""
        parts = [line.text for line in self.lines]
        if self.rule:
            parts.append(self.rule)
        return "；".join(p.rstrip("。") for p in parts) + "。"


# The explanation's units (as kiosk/bills.py writes them) -> their plural messages.
UNIT_MESSAGES = {"分钟": "unit.minute", "条": "unit.message", "MB": "unit.mb"}


def explanation_text(explanation: Explanation, tr: Translator) -> str:
    """The explanation for the screen, in the customer's language (slips and PDFs keep the
    Chinese :attr:`Explanation.text`, the bill's own words)."""
    if tr.locale == DEFAULT_LOCALE:
        return explanation.text
    parts = []
    for line in explanation.lines:
        label = tr.term(line.label)
        if line.quantity is not None and line.unit_price_fen is not None:
            key = UNIT_MESSAGES.get(line.unit)
            quantity = tr.n(key, line.quantity) if key else f"{line.quantity} {line.unit}"
            parts.append(
                f"{label} {quantity} × {format_fen(line.unit_price_fen)}"
                f" = {format_fen(line.amount_fen)}"
            )
        else:
            parts.append(f"{label} {format_fen(line.amount_fen)}")
    if explanation.rule:
        parts.append(tr.term(explanation.rule))
    return "; ".join(p.rstrip(".。") for p in parts) + "."


class HighlightKind(Enum):
    """Why a charge is pointed out to the customer."""

    NEW_SERVICE = "new_service"  # a value-added or SP charge first seen this month
    ROAMING = "roaming"
    SPIKE = "spike"  # category above 1.5x its 5-month median


@dataclass(frozen=True)
class Highlight:
    """A charge worth a second look; ``item`` is empty for a whole category."""

    kind: HighlightKind
    category: str
    item: str
    amount_fen: int
    median_fen: int = 0


@dataclass(frozen=True)
class MonthChange:
    """A month's total against the median of the five closed months."""

    month: str
    total_fen: int
    median_fen: int
    diff_fen: int

    @property
    def percent(self) -> int | None:
        """Whole percent of the median (None when the median is 0)."""
        if self.median_fen == 0:
            return None
        return round(self.diff_fen * 100 / self.median_fen)


@dataclass(frozen=True)
class ChartBar:
    """One month of the chart: positive stacks in ChartGroup order, discounts apart."""

    month: str
    total_fen: int
    stacks: tuple[tuple[ChartGroup, int], ...]


# -- arithmetic ------------------------------------------------------------------------------


def usage_of(bill: m.MonthBill, kind: str) -> m.UsageItem | None:
    return next((u for u in bill.usage if u.kind == kind), None)


def _item_sum(category: m.BillCategory, *, roaming: bool | None = None, name: str = "") -> int:
    total = 0
    for item in category.items:
        if name and item.name != name:
            continue
        if roaming is not None and ("漫游" in item.name) != roaming:
            continue
        total += item.amount_fen
    return total


def _overage(
    label: str, used: int, included: int, unit: str, price: int, charged: int
) -> list[ChargeLine]:
    over = max(0, used - included)
    if over == 0 or price == 0:
        return []
    amount = over * price
    # The arithmetic must be what was charged; otherwise state the charged amount only.
    if amount != charged:
        return [ChargeLine(label, charged)]
    return [ChargeLine(label, amount, over, unit, price)]


def _voice_lines(bill: m.MonthBill, category: m.BillCategory) -> list[ChargeLine]:
    plan = bill.plan
    lines: list[ChargeLine] = []
    usage = usage_of(bill, "voice")
    home = _item_sum(category, roaming=False)
    if usage is not None:
        lines += _overage(
            "套餐外通话", usage.used, usage.included, "分钟", plan.overage_minute_fen, home
        )
    elif home:
        lines.append(ChargeLine("套餐外通话", home))
    roaming = _item_sum(category, roaming=True)
    if roaming:
        price = plan.overage_minute_fen
        if price and roaming % price == 0:
            lines.append(ChargeLine("漫游通话", roaming, roaming // price, "分钟", price))
        else:
            lines.append(ChargeLine("漫游通话", roaming))
    return lines


def _messaging_lines(bill: m.MonthBill, category: m.BillCategory) -> list[ChargeLine]:
    lines: list[ChargeLine] = []
    usage = usage_of(bill, "sms")
    sms = category.total_fen - _item_sum(category, name="彩信")
    if usage is not None:
        lines += _overage(
            "套餐外短信", usage.used, usage.included, "条", bill.plan.overage_sms_fen, sms
        )
    elif sms:
        lines.append(ChargeLine("短信", sms))
    mms = _item_sum(category, name="彩信")
    if mms:
        lines.append(ChargeLine("发送彩信", mms))
    return lines


def _data_lines(bill: m.MonthBill, category: m.BillCategory) -> list[ChargeLine]:
    usage = usage_of(bill, "data")
    if usage is None:
        return [ChargeLine("套餐外流量", category.total_fen)]
    return _overage(
        "套餐外流量",
        usage.used,
        usage.included,
        "MB",
        bill.plan.overage_data_fen_per_mb,
        category.total_fen,
    )


def explain(bill: m.MonthBill, category: m.BillCategory) -> Explanation:
    """The category's arithmetic from the plan rules and the month's usage.

    Lines always add up to the category total: whatever the rules do not explain is stated
    as 其他 so the customer never sees numbers that do not add up.
    """
    plan = bill.plan
    lines: list[ChargeLine]
    if category.name == FIXED:
        lines = [ChargeLine(item.name, item.amount_fen) for item in category.items]
        if any(item.amount_fen == plan.monthly_fee_fen for item in category.items):
            lines = [
                ChargeLine(f"{item.name}（{plan.name}，{plan.description}）", item.amount_fen)
                if item.amount_fen == plan.monthly_fee_fen
                else ChargeLine(item.name, item.amount_fen)
                for item in category.items
            ]
    elif category.name == VOICE:
        lines = _voice_lines(bill, category)
    elif category.name == MESSAGING:
        lines = _messaging_lines(bill, category)
    elif category.name == DATA:
        lines = _data_lines(bill, category)
    else:
        lines = [ChargeLine(item.name, item.amount_fen) for item in category.items]
    rest = category.total_fen - sum(line.amount_fen for line in lines)
    if rest:
        lines.append(ChargeLine("其他", rest))
    return Explanation(category.name, category.total_fen, tuple(lines), category.explanation)


# -- highlights and changes -----------------------------------------------------------------


def _median(values: Sequence[int]) -> int:
    return round(statistics.median(values)) if values else 0


def category_median(bills: Sequence[m.MonthBill], name: str) -> int:
    """Median of a category's totals over the bills (0 for months without it)."""
    return _median([_category_total(b, name) for b in bills])


def _category_total(bill: m.MonthBill, name: str) -> int:
    return sum(c.total_fen for c in bill.categories if c.name == name)


def _chronological(bills: Sequence[m.MonthBill]) -> list[m.MonthBill]:
    return sorted(bills, key=lambda b: b.month)


def highlights(bill: m.MonthBill, bills: Sequence[m.MonthBill]) -> tuple[Highlight, ...]:
    """New VAS/SP charges, roaming, and categories above 1.5x their median over ``bills``."""
    earlier = [b for b in _chronological(bills) if b.month < bill.month]
    seen: set[str] = set()
    for old in earlier:
        for category in old.categories:
            if category.name in (VAS, SP):
                seen.update(item.name for item in category.items)
    found: list[Highlight] = []
    for category in bill.categories:
        if category.name not in (VAS, SP):
            continue
        for item in category.items:
            is_new = item.name in bill.new_services or (earlier and item.name not in seen)
            if is_new and item.amount_fen > 0:
                found.append(
                    Highlight(HighlightKind.NEW_SERVICE, category.name, item.name, item.amount_fen)
                )
    for category in bill.categories:
        for item in category.items:
            if "漫游" in item.name and item.amount_fen > 0:
                found.append(
                    Highlight(HighlightKind.ROAMING, category.name, item.name, item.amount_fen)
                )
    for category in bill.categories:
        if category.total_fen <= 0:
            continue
        median = category_median(bills, category.name)
        if category.total_fen * SPIKE_FACTOR_DEN > median * SPIKE_FACTOR_NUM:
            found.append(
                Highlight(HighlightKind.SPIKE, category.name, "", category.total_fen, median)
            )
    return tuple(found)


def highlights_of(
    bill: m.MonthBill, bills: Sequence[m.MonthBill], category: str
) -> list[Highlight]:
    """The highlights of one category (for its card)."""
    return [h for h in highlights(bill, bills) if h.category == category]


def change_against_median(bill: m.MonthBill, bills: Sequence[m.MonthBill]) -> MonthChange:
    """The month's total against the median of the closed months' totals."""
    median = _median([b.total_fen for b in bills])
    return MonthChange(bill.month, bill.total_fen, median, bill.total_fen - median)


def chart_bars(bills: Sequence[m.MonthBill]) -> list[ChartBar]:
    """Bars oldest first, each stacked by :class:`ChartGroup`."""
    bars: list[ChartBar] = []
    for bill in _chronological(bills):
        sums = dict.fromkeys(ChartGroup, 0)
        for category in bill.categories:
            sums[_GROUP_OF.get(category.name, ChartGroup.FIXED)] += category.total_fen
        bars.append(
            ChartBar(bill.month, bill.total_fen, tuple((g, v) for g, v in sums.items() if v))
        )
    return bars


# -- conversion for slips and PDFs ----------------------------------------------------------


def to_statement_month(bill: m.MonthBill, bills: Sequence[m.MonthBill] = ()) -> st.StatementMonth:
    """A bill as printer data: categories with their computed explanations."""
    categories = tuple(
        st.StatementCategory(
            c.name,
            tuple(st.BillItem(i.name, i.amount_fen) for i in c.items),
            explain(bill, c).text,
        )
        for c in bill.categories
    )
    return st.StatementMonth(
        bill.month,
        categories,
        opening_balance_fen=bill.account.opening_balance_fen,
        top_up_fen=bill.account.topup_fen,
        closing_balance_fen=bill.account.closing_balance_fen,
        postpaid=bill.account.kind is MoneyKind.POSTPAID,
        due_fen=bill.account.due_fen,
    )


_RECORD_TYPE: dict[m.RecordKind, st.RecordType] = {
    m.RecordKind.FIXED: st.RecordType.FIXED,
    m.RecordKind.CALL: st.RecordType.CALL,
    m.RecordKind.SMS: st.RecordType.MESSAGE,
    m.RecordKind.DATA: st.RecordType.DATA,
    m.RecordKind.VAS: st.RecordType.VALUE_ADDED,
    m.RecordKind.SP: st.RecordType.THIRD_PARTY,
    m.RecordKind.DISCOUNT: st.RecordType.DISCOUNT,
}


def to_detail_record(record: m.Record) -> st.DetailRecord:
    """A backend record as a printer detail record (raw; the builders mask)."""
    kind = record.kind
    if kind is m.RecordKind.SMS:
        name = record.service_name or ""
        small_kind = record.msg_type or ""
    elif kind is m.RecordKind.SP:
        name = record.service_name or record.sub_item
        small_kind = record.fee_type or ""
    else:
        name = record.service_name or record.sub_item
        small_kind = ""
    return st.DetailRecord(
        type=_RECORD_TYPE[kind],
        time=record.started_at,
        fee_fen=record.fee_fen,
        name=name,
        location=record.place or "",
        direction=record.direction or "",
        other_party=record.other_party or "",
        duration_s=record.duration_s or 0,
        call_type=record.comm_type or "",
        plan_discount=record.plan_discount or "",
        kind=small_kind,
        access=record.access or "",
        volume_kb=record.volume_kb or 0,
        usage=(record.access or "") if kind is m.RecordKind.VAS else "",
        service_number=record.service_number or "",
        provider=record.sp_name or "",
        enterprise_code=record.sp_code or "",
        period=record.period or "",
    )
