"""Closed monthly bills and itemised records (keyset pagination)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import Connection, and_, bindparam, func, or_, select

from backend.billing import EXPLANATIONS, ORDER, Kind
from backend.clock import SHANGHAI, month_end, month_start, shift_month
from backend.db import tables as t
from backend.ops import errors as e
from backend.ops.lines import Plan, Usage, plan_of, usage_lines
from backend.ops.money import MoneyKind, bill_due_fen

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class BillItem:
    """Sub-item of a bill."""

    name: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class BillCategory:
    """Category with its explanation."""

    name: str
    total_fen: int
    explanation: str
    items: list[BillItem]


@dataclass(frozen=True, slots=True)
class BillAccount:
    """The bill's running sum; ``kind`` says how to word it: a pre-paid balance
    (opening + top-ups - charges = closing) or a post-paid bill (charges, paid, 应缴)."""

    kind: MoneyKind
    opening_balance_fen: int
    topup_fen: int
    available_fen: int
    total_fen: int
    closing_balance_fen: int
    due_fen: int


@dataclass(frozen=True, slots=True)
class Bill:
    """A closed monthly bill."""

    month: str
    period_start: dt.date
    period_end: dt.date
    total_fen: int
    categories: list[BillCategory]
    account: BillAccount
    usage: list[Usage]
    plan: Plan
    new_services: list[str]
    roaming_fen: int


# The record columns on the wire, in the table's order, ``id`` sent as ``record_id``;
# tests/backend/test_layers.py holds them equal to the fields of api.schemas.RecordOut.
_RECORD_COLUMNS = tuple(c for c in t.records.columns if c.name not in ("line_id", "month"))
RECORD_FIELDS = tuple("record_id" if c.name == "id" else c.name for c in _RECORD_COLUMNS)


class RecordTotals(TypedDict):
    """Sums over the whole filtered month (first page only)."""

    count: int
    fee_fen: int
    duration_s: int
    volume_kb: int


class RecordPage(TypedDict):
    """One page of records, already in the wire shape (RecordPageOut)."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    totals: RecordTotals | None


def bills(conn: Connection, line_id: int, months: list[str]) -> list[Bill]:
    """Bills of ``months`` (those that exist), in the given order."""
    b = t.bills.c
    rows = {
        r.month: r
        for r in conn.execute(
            # the line's brand kind rides along: it decides how the bill is worded
            select(t.bills, t.lines.c.is_prepaid)
            .join(t.lines, t.lines.c.id == b.line_id)
            .where(b.line_id == line_id, b.month.in_(months))
        )
    }
    if not rows:
        return []
    items: dict[int, list[Any]] = defaultdict(list)
    for item in conn.execute(
        select(t.bill_items)
        .where(t.bill_items.c.bill_id.in_([r.id for r in rows.values()]))
        .order_by(t.bill_items.c.id)
    ):
        items[item.bill_id].append(item)
    subs = conn.execute(
        select(t.subscriptions.c.started_on, t.services.c.name)
        .join(t.services, t.services.c.code == t.subscriptions.c.service_code)
        .where(t.subscriptions.c.line_id == line_id)
    ).all()
    out: list[Bill] = []
    for month in months:
        row = rows.get(month)
        if row is None:
            continue
        previous = shift_month(month, -1)
        # A subscription ordered in month M is charged from M+1: that bill shows it as new.
        new = sorted(s.name for s in subs if f"{s.started_on:%Y-%m}" == previous)
        out.append(_bill_of(conn, row, items[row.id], new, is_prepaid=bool(row.is_prepaid)))
    return out


def _bill_of(
    conn: Connection, row: Any, items: list[Any], new_services: list[str], *, is_prepaid: bool
) -> Bill:
    by_category: dict[str, list[BillItem]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(BillItem(name=item.sub_item, amount_fen=item.amount_fen))
    categories = [
        BillCategory(
            name=c.value,
            total_fen=sum(i.amount_fen for i in by_category[c.value]),
            explanation=EXPLANATIONS[c],
            items=by_category[c.value],
        )
        for c in ORDER
        if by_category.get(c.value)
    ]
    plan = plan_of(conn, row.plan_code)
    available = row.opening_balance_fen + row.topup_fen
    return Bill(
        month=row.month,
        period_start=month_start(row.month),
        period_end=month_end(row.month),
        total_fen=row.total_fen,
        categories=categories,
        account=BillAccount(
            kind=MoneyKind.PREPAID if is_prepaid else MoneyKind.POSTPAID,
            opening_balance_fen=row.opening_balance_fen,
            topup_fen=row.topup_fen,
            available_fen=available,
            total_fen=row.total_fen,
            closing_balance_fen=row.closing_balance_fen,
            due_fen=bill_due_fen(
                is_prepaid=is_prepaid, closing_balance_fen=row.closing_balance_fen
            ),
        ),
        usage=usage_lines(plan, row.used_minutes, row.used_sms, row.used_data_mb),
        plan=plan,
        new_services=new_services,
        roaming_fen=sum(i.amount_fen for i in items if "漫游" in i.sub_item),
    )


def encode_cursor(started_at: dt.datetime, record_id: int) -> str:
    """Opaque cursor: the last row's (time, id)."""
    raw = f"{started_at.astimezone(dt.UTC).isoformat()}|{record_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    """Inverse of :func:`encode_cursor`; InvalidInput when tampered with."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, ident = raw.partition("|")
        at = dt.datetime.fromisoformat(stamp)
        record_id = int(ident)
        # Bounded before any use: a huge id overflows the database's integer, a far year
        # overflows the conversion to UTC (both were 500s).
        if at.tzinfo is None or not 2000 <= at.year <= 2200 or not 0 < record_id <= 2**62:
            raise ValueError("out of range")
        return at.astimezone(dt.UTC), record_id
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error):
        raise e.InvalidInput("分页游标无效", field="cursor") from None


def record_page(
    conn: Connection,
    line_id: int,
    month: str,
    *,
    kind: Kind | None,
    cursor: str | None,
    offset: int | None,
    limit: int,
    with_fee_only: bool,
    roaming_only: bool = False,
) -> RecordPage:
    """One page of a month's records, oldest first, by keyset (or legacy OFFSET).

    Returns the wire document (the RecordPageOut shape) built straight from the rows: this is
    the hottest read of the API, and skipping model validation halves its cost.
    """
    params: dict[str, Any] = {"line_id": line_id, "month": month, "limit": limit + 1}
    if kind is not None:
        params["kind"] = kind.value
    use_cursor = cursor is not None
    if cursor is not None:
        params["at"], params["last_id"] = decode_cursor(cursor)
    use_offset = offset is not None and not use_cursor
    if use_offset:
        params["offset"] = offset
    page_stmt, totals_stmt = _statements(
        kind is not None, with_fee_only, use_cursor, use_offset, roaming_only
    )
    rows = conn.execute(page_stmt, params).all()
    more = len(rows) > limit
    rows = rows[:limit]
    totals = None
    if cursor is None and not offset:
        agg = conn.execute(totals_stmt, params).one()
        totals = RecordTotals(count=agg[0], fee_fen=agg[1], duration_s=agg[2], volume_kb=agg[3])
    items = [_record_doc(row) for row in rows]
    next_cursor = encode_cursor(rows[-1].started_at, rows[-1].id) if more and rows else None
    return RecordPage(items=items, next_cursor=next_cursor, totals=totals)


@functools.cache
def _statements(
    by_kind: bool, fee_only: bool, by_cursor: bool, by_offset: bool, roaming: bool = False
) -> tuple[Any, Any]:
    """(page, totals) statements per filter shape, built once: construction costs ~1 ms."""
    r = t.records.c
    where = [r.line_id == bindparam("line_id"), r.month == bindparam("month")]
    if by_kind:
        where.append(r.kind == bindparam("kind"))
    if fee_only:
        where.append(r.fee_fen != 0)
    if roaming:  # 通信类型 省内/国内/港澳台漫游, or a roaming sub-item (漫游被叫费)
        where.append(or_(r.comm_type.like("%漫游%"), r.sub_item.like("%漫游%")))
    page = select(*_RECORD_COLUMNS).where(*where)
    if by_cursor:
        at = bindparam("at", type_=t.records.c.started_at.type)
        page = page.where(
            and_(r.started_at >= at, or_(r.started_at > at, r.id > bindparam("last_id")))
        )
    page = page.order_by(r.started_at, r.id).limit(bindparam("limit"))
    if by_offset:
        page = page.offset(bindparam("offset"))
    totals = select(
        func.count(),
        func.coalesce(func.sum(r.fee_fen), 0),
        func.coalesce(func.sum(r.duration_s), 0),
        func.coalesce(func.sum(r.volume_kb), 0),
    ).where(*where)
    return page, totals


_STARTED_AT = RECORD_FIELDS.index("started_at")


def _record_doc(row: Any) -> dict[str, Any]:
    values = list(row)
    values[_STARTED_AT] = values[_STARTED_AT].astimezone(SHANGHAI).isoformat()
    return dict(zip(RECORD_FIELDS, values, strict=True))
