"""业务受理单: the receipt of a business transaction (plan change, order, suspend ...)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.masking import mask_id_number
from common.money import format_fen
from printer.document import Align, Block, Document, KeyValue, QrCode, Rule, Text
from printer.receipts.common import customer_lines, footer, header, terminal_lines, timestamp
from printer.statement import Customer, Terminal


@dataclass(frozen=True)
class TransactionReceipt:
    """What was done, for whom, where (raw values; the builder masks).

    ``details`` are label/value pairs describing the business (e.g. ("新套餐", "4G飞享58元"),
    ("生效时间", "2026-12-01")); ``notes`` are printed as paragraphs (agreement hints).
    """

    terminal: Terminal
    customer: Customer
    business: str
    transaction_no: str
    time: dt.datetime
    details: tuple[tuple[str, str], ...] = ()
    amount_fen: int | None = None
    status: str = "办理成功"
    verify_url: str = ""
    notes: tuple[str, ...] = ()
    title: str = "业务受理单"


def build_transaction_receipt(receipt: TransactionReceipt, printed_at: dt.datetime) -> Document:
    """The 业务受理单 document with a verification QR code when a URL is given."""
    blocks: list[Block] = header(receipt.terminal, receipt.title)
    blocks += customer_lines(receipt.customer)
    if receipt.customer.id_number:
        blocks.append(KeyValue("证件号码", mask_id_number(receipt.customer.id_number)))
    blocks.append(Rule())
    blocks += [KeyValue("办理业务", receipt.business, bold=True)]
    blocks += [KeyValue(label, value) for label, value in receipt.details]
    if receipt.amount_fen is not None:
        blocks.append(KeyValue("金额", format_fen(receipt.amount_fen), bold=True))
    blocks += [
        KeyValue("办理状态", receipt.status),
        KeyValue("交易流水", receipt.transaction_no),
        KeyValue("受理时间", timestamp(receipt.time)),
    ]
    blocks += terminal_lines(receipt.terminal)
    blocks += [Text(note) for note in receipt.notes]
    if receipt.verify_url:
        blocks += [
            QrCode(receipt.verify_url, module_size=5),
            Text("扫码核验本受理单", Align.CENTER),
        ]
    blocks += footer(receipt.terminal, printed_at)
    return Document(tuple(blocks), receipt.title)
