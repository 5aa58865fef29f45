"""Disputes of a charge (收费误差，双倍返还): which records stand behind a bill item, the
reasons a customer can pick, and the receipt they take home. Pure; no Qt, no I/O."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from common.money import format_fen
from kiosk.backend import models as m
from kiosk.bills import DATA, FIXED, MESSAGING, OTHER, SP, VAS, VOICE
from printer import statement as st
from printer.receipts.transaction import TransactionReceipt

CATEGORY_KIND: dict[str, m.RecordKind] = {
    FIXED: m.RecordKind.FIXED,
    OTHER: m.RecordKind.FIXED,
    VOICE: m.RecordKind.CALL,
    DATA: m.RecordKind.DATA,
    MESSAGING: m.RecordKind.SMS,
    VAS: m.RecordKind.VAS,
    SP: m.RecordKind.SP,
}


class DisputeReason(enum.Enum):
    """Why the customer says a charge is wrong; the value is what the backend stores."""

    NOT_ORDERED = "未订购此业务"
    CANCELLED = "已退订仍在收费"
    WRONG_PRICE = "金额与资费标准不符"
    NOT_USED = "未使用此业务"

    @property
    def text_key(self) -> str:
        return f"dispute.reason_{self.name.lower()}"


@dataclass(frozen=True)
class DisputeTarget:
    """The charge a customer flags: one record, or a bill item whose records to choose from."""

    month: str
    kind: m.RecordKind
    item: str = ""
    record: m.Record | None = None


def dispute_target(month: str, category: str, item: str) -> DisputeTarget | None:
    """The records behind a bill item (None for discounts: nothing to refund)."""
    kind = CATEGORY_KIND.get(category)
    if kind is None:
        return None
    return DisputeTarget(month, kind, item)


def dispute_candidates(target: DisputeTarget, records: Sequence[m.Record]) -> list[m.Record]:
    """Charged records of the target's item, newest first (what the customer picks from)."""
    if target.record is not None:
        return [target.record]
    found = [r for r in records if r.fee_fen > 0 and (not target.item or r.sub_item == target.item)]
    if not found and target.item:  # some items are named after the service, not the sub-item
        found = [r for r in records if r.fee_fen > 0 and r.service_name == target.item]
    return sorted(found, key=lambda r: (r.started_at, r.record_id), reverse=True)


DISPUTE_BUSINESS = "话费争议申诉（收费误差，双倍返还）"


def dispute_receipt(
    dispute: m.Dispute,
    record: m.Record,
    reason: DisputeReason,
    terminal: st.Terminal,
    customer: st.Customer,
    time: dt.datetime,
) -> TransactionReceipt:
    """The 业务受理单 a customer takes home after flagging a charge."""
    refunded = dispute.status is m.DisputeStatus.REFUNDED
    details = (
        ("申诉单号", dispute.number),
        ("账期", f"{record.started_at:%Y-%m}"),
        ("争议费用", record.service_name or record.sub_item),
        ("费用时间", f"{record.started_at:%Y-%m-%d %H:%M}"),
        ("费用金额", format_fen(dispute.amount_fen)),
        ("申诉原因", reason.value),
        ("处理结果", "确认收费有误，已双倍退还" if refunded else "已转人工核查，将回电告知"),
    )
    return TransactionReceipt(
        terminal=terminal,
        customer=customer,
        business=DISPUTE_BUSINESS,
        transaction_no=dispute.number,
        time=time,
        details=details,
        amount_fen=dispute.refund_fen if refunded else None,
        status="已退款" if refunded else "处理中",
        notes=(dispute.message,) if dispute.message else (),
    )
