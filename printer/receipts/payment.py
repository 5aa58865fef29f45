"""自助缴费凭据: the payment / top-up receipt."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.masking import mask_bank_card
from common.money import fen_to_capitals, format_fen
from printer.document import Block, Document, KeyValue, QrCode, Rule
from printer.receipts.common import customer_lines, footer, header, terminal_lines, timestamp
from printer.statement import Customer, Terminal

CASH = "现金"  # ``method`` of a cash top-up (its notes are listed per value)


@dataclass(frozen=True)
class PaymentReceipt:
    """A finished payment (raw values; the builder masks)."""

    terminal: Terminal
    customer: Customer
    terminal_serial: str
    transaction_no: str
    time: dt.datetime
    amount_fen: int
    bonus_fen: int = 0
    status: str = "交易成功"
    method: str = "扫码支付"
    bank_card: str = ""
    verify_url: str = ""
    title: str = "自助缴费凭据"
    notes: tuple[tuple[int, int], ...] = ()  # cash: (note value in fen, count), 面额 × 张数
    # The line's money after the payment, (caption, fen) as the screen shows it (kiosk.money):
    # 当前可用余额 pre-paid, 本月应缴 / 信用额度剩余 post-paid.
    money: tuple[tuple[str, int], ...] = ()


def build_payment_receipt(receipt: PaymentReceipt, printed_at: dt.datetime) -> Document:
    """The receipt document: amount also in 大写, bank card masked first 6 + last 4; a cash
    payment lists its notes per value."""
    blocks: list[Block] = header(receipt.terminal, receipt.title)
    blocks += customer_lines(receipt.customer)
    blocks.append(Rule())
    blocks += terminal_lines(receipt.terminal)
    blocks += [
        KeyValue("终端流水", receipt.terminal_serial),
        KeyValue("交易流水", receipt.transaction_no),
        KeyValue("交易时间", timestamp(receipt.time)),
        KeyValue("支付方式", receipt.method),
    ]
    if receipt.bank_card:
        blocks.append(KeyValue("银行卡号", mask_bank_card(receipt.bank_card)))
    for value, count in receipt.notes:
        blocks.append(KeyValue(f"{format_fen(value)} × {count} 张", format_fen(value * count)))
    blocks += [
        KeyValue("交易金额", format_fen(receipt.amount_fen), bold=True),
        KeyValue("金额大写", fen_to_capitals(receipt.amount_fen)),
        KeyValue("赠送金额", format_fen(receipt.bonus_fen)),
        KeyValue("交易状态", receipt.status, bold=True),
    ]
    blocks += [KeyValue(caption, format_fen(fen)) for caption, fen in receipt.money]
    if receipt.verify_url:
        blocks.append(QrCode(receipt.verify_url, module_size=5))
    blocks += footer(receipt.terminal, printed_at)
    return Document(tuple(blocks), receipt.title)
