"""Monthly invoice (发票) on the receipt printer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.masking import mask_name, mask_phone
from common.money import fen_to_capitals, format_fen, format_yuan
from printer.document import Barcode, Block, Document, KeyValue, Rule
from printer.receipts.common import footer, header, terminal_lines
from printer.statement import Customer, StatementMonth, Terminal


@dataclass(frozen=True)
class Invoice:
    """An invoice for one billing month (raw values; the builder masks)."""

    terminal: Terminal
    customer: Customer
    month: StatementMonth
    invoice_code: str
    invoice_no: str
    issued_at: dt.datetime
    title: str = "通信服务费发票"


def build_invoice(invoice: Invoice, printed_at: dt.datetime) -> Document:
    """Invoice document: code/number, masked payer, category totals, total in 大写, barcode."""
    month = invoice.month
    blocks: list[Block] = header(invoice.terminal, invoice.title)
    blocks += [
        KeyValue("发票代码", invoice.invoice_code),
        KeyValue("发票号码", invoice.invoice_no),
        KeyValue("开票日期", f"{invoice.issued_at:%Y-%m-%d}"),
        KeyValue("付款方", mask_name(invoice.customer.name)),
        KeyValue("手机号码", mask_phone(invoice.customer.phone)),
        KeyValue("账期", month.month),
        Rule(),
    ]
    blocks += [KeyValue(c.name, format_yuan(c.total_fen)) for c in month.categories]
    blocks += [
        Rule(),
        KeyValue("合计金额", format_fen(month.total_fen), bold=True),
        KeyValue("合计大写", fen_to_capitals(month.total_fen)),
    ]
    blocks += terminal_lines(invoice.terminal)
    blocks.append(Barcode(invoice.invoice_no, height=60))
    blocks += footer(invoice.terminal, printed_at)
    return Document(tuple(blocks), invoice.title)
