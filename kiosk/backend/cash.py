"""Cash top-up (现金缴费) results of the backend client: frozen dataclasses and their parsers.

Kept apart from models.py/parse.py because the cash flow and the admin screen are their only
users. Money is integer fen; instants carry the server's +08:00 offset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kiosk.backend.parse import line_money
from kiosk.money import LineMoney

Json = dict[str, Any]


class CashOrderStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class CashNote:
    """A note the backend has on record for an order."""

    sequence: int
    value_fen: int
    event_counter: int


@dataclass(frozen=True)
class CashOrder:
    """A cash order; ``masked_name`` is what the customer confirms before any note goes in."""

    order_id: str
    masked_phone: str
    masked_name: str
    status: CashOrderStatus
    note_count: int
    total_fen: int
    notes: tuple[CashNote, ...]
    credited_fen: int | None
    balance_after_fen: int | None
    transaction_id: str | None
    closed_at: dt.datetime | None
    # once closed: the line's figure (kiosk.money), the overview's own; ``balance_after_fen``
    # is the raw account sum (negative for a post-paid line that owes): never shown
    money: LineMoney | None = None


@dataclass(frozen=True)
class CashBox:
    """What the terminal's box should hold since the last clearance."""

    since: dt.datetime | None
    note_count: int
    total_fen: int
    counts: dict[int, int]  # value_fen -> notes
    orders: int
    open_orders: int


@dataclass(frozen=True)
class CashClearance:
    """A clearance (清机) record."""

    clearance_id: str
    at: dt.datetime
    previous_at: dt.datetime | None
    expected_count: int
    expected_fen: int
    expected_counts: dict[int, int]
    counted_count: int
    counted_fen: int
    counted_counts: dict[int, int]
    difference_fen: int
    flagged: bool
    orders: int


def _instant(value: Any) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(str(value))


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _counts(items: Any) -> dict[int, int]:
    return {int(i["value_fen"]): int(i["count"]) for i in items}


def cash_order(d: Json) -> CashOrder:
    """Parse a cash order."""
    return CashOrder(
        order_id=str(d["order_id"]),
        masked_phone=str(d["masked_phone"]),
        masked_name=str(d["masked_name"]),
        status=CashOrderStatus(d["status"]),
        note_count=int(d["note_count"]),
        total_fen=int(d["total_fen"]),
        notes=tuple(
            CashNote(int(n["sequence"]), int(n["value_fen"]), int(n["event_counter"]))
            for n in d["notes"]
        ),
        credited_fen=_opt_int(d.get("credited_fen")),
        balance_after_fen=_opt_int(d.get("balance_after_fen")),
        transaction_id=None if d.get("transaction_id") is None else str(d["transaction_id"]),
        closed_at=_instant(d.get("closed_at")),
        money=None if d.get("money") is None else line_money(d["money"]),
    )


def cash_box(d: Json) -> CashBox:
    """Parse the box."""
    return CashBox(
        since=_instant(d.get("since")),
        note_count=int(d["note_count"]),
        total_fen=int(d["total_fen"]),
        counts=_counts(d["counts"]),
        orders=int(d["orders"]),
        open_orders=int(d["open_orders"]),
    )


def cash_clearance(d: Json) -> CashClearance:
    """Parse a clearance record."""
    at = _instant(d["at"])
    assert at is not None
    return CashClearance(
        clearance_id=str(d["clearance_id"]),
        at=at,
        previous_at=_instant(d.get("previous_at")),
        expected_count=int(d["expected_count"]),
        expected_fen=int(d["expected_fen"]),
        expected_counts=_counts(d["expected_counts"]),
        counted_count=int(d["counted_count"]),
        counted_fen=int(d["counted_fen"]),
        counted_counts=_counts(d["counted_counts"]),
        difference_fen=int(d["difference_fen"]),
        flagged=bool(d["flagged"]),
        orders=int(d["orders"]),
    )
