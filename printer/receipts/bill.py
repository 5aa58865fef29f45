"""客户账单: the monthly bill summary slip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.money import format_yuan
from printer.document import Block, Document, KeyValue, Rule, Text
from printer.receipts.common import NOT_FOR_REIMBURSEMENT, customer_lines, footer, header
from printer.statement import Customer, StatementMonth, Terminal


@dataclass(frozen=True)
class BillSlip:
    """One month's bill for one customer."""

    terminal: Terminal
    customer: Customer
    month: StatementMonth
    query_time: dt.datetime
    title: str = "客户账单"


def build_bill_slip(slip: BillSlip, printed_at: dt.datetime) -> Document:
    """Categories with items and 合计, 本月费用合计, the account block, the footer."""
    month = slip.month
    first, last = month.period
    blocks: list[Block] = header(slip.terminal, slip.title)
    blocks += customer_lines(slip.customer)
    blocks += [
        KeyValue("计费周期", f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"),
        KeyValue("查询日期", f"{slip.query_time:%Y-%m-%d %H:%M}"),
        Rule(),
    ]
    for category in month.categories:
        blocks.append(Text(category.name, bold=True))
        blocks += [
            KeyValue("  " + item.name, format_yuan(item.amount_fen)) for item in category.items
        ]
        blocks.append(KeyValue("  合计", format_yuan(category.total_fen)))
    blocks += [Rule(), KeyValue("本月费用合计(元)", format_yuan(month.total_fen), bold=True)]
    if month.postpaid:
        blocks += [
            KeyValue("当月已缴(元)", format_yuan(month.top_up_fen)),
            KeyValue("出账应缴(元)", format_yuan(month.due_fen), bold=True),
        ]
    else:
        blocks += [
            KeyValue("上月末结余(元)", format_yuan(month.opening_balance_fen)),
            KeyValue("本月充值(元)", format_yuan(month.top_up_fen)),
            KeyValue("月末余额(元)", format_yuan(month.closing_balance_fen), bold=True),
        ]
    blocks += footer(slip.terminal, printed_at, NOT_FOR_REIMBURSEMENT)
    return Document(tuple(blocks), slip.title)
