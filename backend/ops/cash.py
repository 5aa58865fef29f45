"""Cash top-up (现金缴费) and the terminal's cash box (钱箱), on one database connection.

Money taken physically must be credited exactly once and accounted for in the box:

- an order is opened (for a line, at a terminal) before the terminal's acceptor opens;
- each stacked note is reported with its sequence number; (order, sequence) is the note's
  identity, so a repeated report changes nothing and a different value for a known sequence
  is a conflict, never a second note;
- closing states how many notes and how much the terminal holds; when that disagrees with the
  notes reported, the close is refused (the terminal reports the missing ones first); when it
  agrees, the sum is credited once and the order is closed for good;
- every reported note stays in the terminal's box until a clearance (清机) takes the box's
  content out: the clearance records what staff counted against what was reported since the
  previous one and flags any difference.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from backend.clock import SHANGHAI
from backend.db import tables as t
from backend.masking import mask_name, mask_phone
from backend.ops import errors as e
from backend.ops.money import LineMoney, money_of_line
from backend.ops.tx import record_transaction
from backend.security import new_id

#: Renminbi notes an acceptor may take, in fen (¥1 ... ¥100).
CNY_NOTES_FEN = (100, 500, 1000, 2000, 5000, 10000)
MAX_NOTES_PER_ORDER = 200


def order_row(conn: Connection, terminal_id: str, order_id: str, *, lock: bool = False) -> Any:
    """The terminal's own order, or NotFound. ``lock``: hold the row until commit (PostgreSQL;
    SQLite serialises writers anyway), so a note and a close, or two closes, never interleave."""
    query = select(t.cash_orders).where(
        t.cash_orders.c.order_id == order_id, t.cash_orders.c.terminal_id == terminal_id
    )
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise e.NotFound("现金缴费订单不存在", field="order_id")
    return row


def notes_of(conn: Connection, order_id: str) -> list[Any]:
    """The order's notes, by sequence."""
    return list(
        conn.execute(
            select(t.cash_notes)
            .where(t.cash_notes.c.order_id == order_id)
            .order_by(t.cash_notes.c.sequence)
        )
    )


@dataclass(frozen=True, slots=True)
class CashNote:
    """A reported note (instant in Asia/Shanghai)."""

    sequence: int
    value_fen: int
    event_counter: int
    reported_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CashOrder:
    """An order with its notes, the number and name masked (instants in Asia/Shanghai)."""

    order_id: str
    masked_phone: str
    masked_name: str
    status: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    note_count: int
    total_fen: int
    notes: list[CashNote]
    credited_fen: int | None
    balance_after_fen: int | None
    transaction_id: str | None
    # once closed: the line's figure now, as the overview and a paid payment order give it
    # (``balance_after_fen`` is the raw account sum: a post-paid line's is negative when owed)
    money: LineMoney | None = None


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(SHANGHAI) if value is not None else None


def order_view(conn: Connection, row: Any) -> CashOrder:
    """An order row (from :func:`order_row`) with its notes, as a value."""
    who = conn.execute(
        select(t.lines.c.number, t.customers.c.name)
        .join(t.customers, t.customers.c.id == t.lines.c.customer_id)
        .where(t.lines.c.id == row.line_id)
    ).one()
    notes = notes_of(conn, row.order_id)
    return CashOrder(
        order_id=row.order_id,
        masked_phone=mask_phone(who.number),
        masked_name=mask_name(who.name),
        status=row.status,
        created_at=row.created_at.astimezone(SHANGHAI),
        closed_at=_local(row.closed_at),
        note_count=len(notes),
        total_fen=sum(n.value_fen for n in notes),
        notes=[
            CashNote(n.sequence, n.value_fen, n.event_counter, n.reported_at.astimezone(SHANGHAI))
            for n in notes
        ],
        credited_fen=row.credited_fen,
        balance_after_fen=row.balance_after_fen,
        transaction_id=row.transaction_id,
        money=money_of_line(conn, row.line_id) if row.status == "closed" else None,
    )


def open_order(conn: Connection, terminal_id: str, number: str, now: dt.datetime) -> str:
    """A new open order for ``number``; NotFound for an unknown number."""
    line = conn.execute(select(t.lines.c.id).where(t.lines.c.number == number)).first()
    if line is None:
        raise e.NotFound("号码不存在", field="phone")
    order_id = new_id("CO")
    conn.execute(
        insert(t.cash_orders).values(
            order_id=order_id,
            line_id=line.id,
            terminal_id=terminal_id,
            status="open",
            created_at=now,
        )
    )
    return order_id


def add_note(
    conn: Connection,
    terminal_id: str,
    order_id: str,
    sequence: int,
    value_fen: int,
    event_counter: int,
    now: dt.datetime,
) -> Any:
    """Record one stacked note once; the stored note (new or the earlier identical one)."""
    if value_fen not in CNY_NOTES_FEN:
        raise e.InvalidInput("不是可接受的纸币面额", field="value_fen")
    order = order_row(conn, terminal_id, order_id, lock=True)
    key = (t.cash_notes.c.order_id == order_id) & (t.cash_notes.c.sequence == sequence)
    known = conn.execute(select(t.cash_notes).where(key)).first()
    if known is not None:
        if known.value_fen != value_fen:
            raise e.Conflict(
                "该序号的纸币已以另一面额上报",
                field="sequence",
                reported_value_fen=known.value_fen,
            )
        return known
    if order.status != "open":
        raise e.Conflict("现金缴费订单已结束", field="order_id")
    count = conn.execute(
        select(func.count()).select_from(t.cash_notes).where(t.cash_notes.c.order_id == order_id)
    ).scalar_one()
    if count >= MAX_NOTES_PER_ORDER:
        raise e.Conflict("单笔现金缴费纸币张数超过上限", field="sequence")
    conn.execute(
        insert(t.cash_notes).values(
            order_id=order_id,
            sequence=sequence,
            terminal_id=terminal_id,
            value_fen=value_fen,
            event_counter=event_counter,
            reported_at=now,
            clearance_id=None,
        )
    )
    return conn.execute(select(t.cash_notes).where(key)).one()


def close_order(
    conn: Connection,
    terminal_id: str,
    order_id: str,
    note_count: int,
    total_fen: int,
    now: dt.datetime,
) -> Any:
    """Credit the reported notes once and close; refused when the terminal's count differs."""
    order = order_row(conn, terminal_id, order_id, lock=True)
    notes = notes_of(conn, order_id)
    reported_fen = sum(n.value_fen for n in notes)
    if (len(notes), reported_fen) != (note_count, total_fen):
        raise e.CashNotesMissing(
            "终端清点的纸币与已上报的不一致，请先补报",
            reported_count=len(notes),
            reported_fen=reported_fen,
        )
    if order.status == "closed":
        return order  # closing twice credits nothing more
    balance = conn.execute(
        select(t.lines.c.balance_fen, t.lines.c.status).where(t.lines.c.id == order.line_id)
    ).one()
    new_balance = int(balance.balance_fen) + reported_fen
    transaction_id = None
    if reported_fen:
        values: dict[str, Any] = {"balance_fen": new_balance}
        if balance.status == "arrears" and new_balance > 0:
            values["status"] = "normal"  # paying the arrears restores service (自动复机)
        conn.execute(update(t.lines).where(t.lines.c.id == order.line_id).values(**values))
        transaction_id = record_transaction(
            conn,
            line_id=order.line_id,
            terminal_id=terminal_id,
            kind="cash_topup",
            now=now,
            amount_fen=reported_fen,
            detail=order_id,
        )
    conn.execute(
        update(t.cash_orders)
        .where(t.cash_orders.c.order_id == order_id)
        .values(
            status="closed",
            closed_at=now,
            credited_fen=reported_fen,
            balance_after_fen=new_balance,
            transaction_id=transaction_id,
        )
    )
    return order_row(conn, terminal_id, order_id)


@dataclass(frozen=True)
class BoxContent:
    """Notes reported since the last clearance, per value."""

    counts: dict[int, int]
    previous_at: dt.datetime | None
    orders: int
    open_orders: int

    @property
    def note_count(self) -> int:
        return sum(self.counts.values())

    @property
    def total_fen(self) -> int:
        return sum(value * count for value, count in self.counts.items())


def box_content(conn: Connection, terminal_id: str) -> BoxContent:
    """What the terminal's box should hold (every note reported since the last clearance)."""
    n = t.cash_notes
    in_box = (n.c.terminal_id == terminal_id) & n.c.clearance_id.is_(None)
    rows = conn.execute(
        select(n.c.value_fen, func.count()).where(in_box).group_by(n.c.value_fen)
    ).all()
    orders = conn.execute(select(func.count(func.distinct(n.c.order_id))).where(in_box))
    open_orders = conn.execute(
        select(func.count())
        .select_from(t.cash_orders)
        .where(t.cash_orders.c.terminal_id == terminal_id, t.cash_orders.c.status == "open")
    ).scalar_one()
    previous = conn.execute(
        select(func.max(t.cash_clearances.c.at)).where(
            t.cash_clearances.c.terminal_id == terminal_id
        )
    ).scalar_one()
    return BoxContent(
        counts={int(v): int(c) for v, c in rows},
        previous_at=previous,
        orders=int(orders.scalar_one()),
        open_orders=int(open_orders),
    )


def record_clearance(
    conn: Connection, terminal_id: str, counted: dict[int, int], now: dt.datetime
) -> Any:
    """清机: compare what staff counted with what was reported, flag a difference, empty the
    box (its notes get this clearance's id)."""
    if any(v not in CNY_NOTES_FEN or c < 0 for v, c in counted.items()):
        raise e.InvalidInput("清点结果含无效面额或张数", field="counts")
    counted = {v: c for v, c in counted.items() if c}
    box = box_content(conn, terminal_id)
    counted_fen = sum(v * c for v, c in counted.items())
    clearance_id = new_id("CL")
    difference = counted_fen - box.total_fen
    conn.execute(
        insert(t.cash_clearances).values(
            clearance_id=clearance_id,
            terminal_id=terminal_id,
            at=now,
            previous_at=box.previous_at,
            expected_count=box.note_count,
            expected_fen=box.total_fen,
            counted_count=sum(counted.values()),
            counted_fen=counted_fen,
            difference_fen=difference,
            flagged=difference != 0 or counted != box.counts,
            orders=box.orders,
            detail=json.dumps(
                {
                    "expected": {str(k): v for k, v in sorted(box.counts.items())},
                    "counted": {str(k): v for k, v in sorted(counted.items())},
                }
            ),
        )
    )
    conn.execute(
        update(t.cash_notes)
        .where(t.cash_notes.c.terminal_id == terminal_id, t.cash_notes.c.clearance_id.is_(None))
        .values(clearance_id=clearance_id)
    )
    return conn.execute(
        select(t.cash_clearances).where(t.cash_clearances.c.clearance_id == clearance_id)
    ).one()
