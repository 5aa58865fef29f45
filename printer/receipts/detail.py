"""客户详单: the itemised detail slip, grouped by month and record type with subtotals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from printer import text as ptext
from printer.detail_columns import SLIP_COLUMNS, DetailColumn, type_summary
from printer.document import Align, Block, Column, Columns, Document, KeyValue, Rule, Text
from printer.receipts.common import NOT_FOR_REIMBURSEMENT, customer_lines, footer, header
from printer.statement import Customer, DetailRecord, RecordType, Terminal

NARROW_COLUMNS = 40  # below this (58 mm) a record takes two lines


@dataclass(frozen=True)
class DetailSlip:
    """Itemised records of the queried months (e.g. the 5 closed months), raw values.

    ``mask_other_party``: the caller's decision (policy) whether other-party numbers are
    masked. ``only_with_fee`` prints only records that cost something.
    """

    terminal: Terminal
    customer: Customer
    months: tuple[str, ...]
    records: Sequence[DetailRecord]
    query_time: dt.datetime
    mask_other_party: bool = True
    only_with_fee: bool = False
    title: str = "客户详单"


@lru_cache(maxsize=32)
def _specs(defs: tuple[DetailColumn, ...]) -> tuple[Column, ...]:
    # one tuple per record type, shared by all its rows (layout caches plans by identity)
    return tuple(Column(d.weight, Align.RIGHT if d.right else Align.LEFT) for d in defs)


def _rows(
    defs: tuple[DetailColumn, ...], cells: list[str], narrow: bool, bold: bool = False
) -> list[Block]:
    specs = _specs(defs)
    if not narrow:
        return [Columns(tuple(cells), specs, bold)]
    split = 2  # time and the first field on one line, the rest (with the fee) on the next
    return [
        Columns(tuple(cells[:split]), specs[:split], bold),
        Columns(tuple(["  " + cells[split], *cells[split + 1 :]]), specs[split:], bold),
    ]


def build_detail_slip(slip: DetailSlip, printed_at: dt.datetime, columns: int = 48) -> Document:
    """The detail slip document, laid out for ``columns`` (48: 80 mm, 32: 58 mm)."""
    narrow = columns < NARROW_COLUMNS
    grouped: dict[str, dict[RecordType, list[DetailRecord]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for record in slip.records:
        if slip.only_with_fee and record.fee_fen == 0:
            continue
        grouped[record.month][record.type].append(record)
    months = list(slip.months) or sorted(grouped)
    blocks: list[Block] = header(slip.terminal, slip.title)
    blocks += customer_lines(slip.customer)
    blocks += [
        KeyValue("查询时段", f"{months[0]} 至 {months[-1]}" if months else "-"),
        KeyValue("查询日期", f"{slip.query_time:%Y-%m-%d %H:%M}"),
        KeyValue("记录类型", "仅收费记录" if slip.only_with_fee else "全部记录"),
    ]
    mask = slip.mask_other_party
    for month in months:
        blocks += [Rule("="), Text(f"{month} 详单", Align.CENTER, bold=True)]
        by_type = grouped.get(month, {})
        if not by_type:
            blocks.append(Text("本月无记录", Align.CENTER))
            continue
        for record_type in RecordType:
            records = by_type.get(record_type)
            if not records:
                continue
            defs = SLIP_COLUMNS[record_type]
            blocks += [Rule(), Text(f"【{record_type.value}】", bold=True)]
            blocks += _rows(defs, [d.header for d in defs], narrow, bold=True)
            records.sort(key=lambda r: r.time)
            for record in records:
                blocks += _rows(defs, [d.cell(record, mask) for d in defs], narrow)
            parts = type_summary(record_type, records)
            joined = " ".join(parts)
            if ptext.width(joined) <= columns:
                blocks.append(Text(joined, Align.RIGHT))
            else:  # keep each total whole on narrow paper
                blocks += [Text(part, Align.RIGHT) for part in parts]
    blocks += footer(slip.terminal, printed_at, NOT_FOR_REIMBURSEMENT)
    return Document(tuple(blocks), slip.title)
