"""清机凭条: the slip staff keep when they empty a terminal's cash box.

Terminal, time, the notes per value (面额 × 张数), the total, the orders since the last
clearance, and what the backend had on record; a difference is printed in words, never hidden.
No customer data: a clearance is the box's, not anyone's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.money import fen_to_capitals, format_fen
from printer.document import Align, Block, Cut, Document, KeyValue, Rule, Text
from printer.receipts.common import header, terminal_lines, timestamp
from printer.statement import Terminal

TITLE = "清机凭条"


@dataclass(frozen=True)
class ClearanceSlip:
    """A recorded clearance (raw values; counts are value_fen -> notes)."""

    terminal: Terminal
    clearance_id: str
    at: dt.datetime
    previous_at: dt.datetime | None
    counted: dict[int, int]
    expected_fen: int
    expected_count: int
    orders: int
    flagged: bool
    difference_fen: int = 0


def _count_line(value: int, count: int) -> KeyValue:
    return KeyValue(f"{format_fen(value)} × {count} 张", format_fen(value * count))


def build_clearance_slip(slip: ClearanceSlip, printed_at: dt.datetime) -> Document:
    """The slip document."""
    blocks: list[Block] = header(slip.terminal, TITLE)
    blocks += terminal_lines(slip.terminal)
    blocks += [
        KeyValue("清机编号", slip.clearance_id),
        KeyValue("清机时间", timestamp(slip.at)),
        KeyValue("上次清机", timestamp(slip.previous_at) if slip.previous_at else "首次清机"),
        Rule(),
    ]
    for value, count in sorted(slip.counted.items()):
        if count:
            blocks.append(_count_line(value, count))
    total = sum(v * c for v, c in slip.counted.items())
    notes = sum(slip.counted.values())
    blocks += [
        Rule(),
        KeyValue("纸币张数", f"{notes} 张"),
        KeyValue("合计金额", format_fen(total), bold=True),
        KeyValue("金额大写", fen_to_capitals(total)),
        KeyValue("缴费笔数", f"{slip.orders} 笔"),
        KeyValue("系统记录", f"{slip.expected_count} 张 {format_fen(slip.expected_fen)}"),
    ]
    if slip.flagged:
        blocks.append(KeyValue("差异", format_fen(slip.difference_fen, sign=True), bold=True))
        blocks.append(Text("清点结果与系统记录不一致，已上报核查", bold=True))
    else:
        blocks.append(KeyValue("核对结果", "一致"))
    blocks += [
        Rule(),
        Text("清机人签字：", Align.LEFT),
        Text(" "),
        KeyValue("打印时间", timestamp(printed_at)),
        Cut(),
    ]
    return Document(tuple(blocks), TITLE)
