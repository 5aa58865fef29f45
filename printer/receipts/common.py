"""Pieces every receipt shares: header, masked customer, footer."""

from __future__ import annotations

import datetime as dt

from common.masking import mask_name, mask_phone
from printer.document import DOUBLE, Align, Block, Cut, KeyValue, Rule, Text
from printer.statement import Customer, Terminal

HELP_LINE = "以上内容如有不详之处，请向营业员查询"
HOTLINE = "客户服务热线 10086"
NOT_FOR_REIMBURSEMENT = "本单据仅供核对，不作为报销凭证"


def timestamp(value: dt.datetime) -> str:
    """Receipt time format (local time as given)."""
    return f"{value:%Y-%m-%d %H:%M:%S}"


def header(terminal: Terminal, title: str) -> list[Block]:
    """Operator name, the title in double size, a rule."""
    return [
        Text(terminal.operator, Align.CENTER, bold=True),
        Text(title, Align.CENTER, DOUBLE, bold=True),
        Rule("="),
    ]


def customer_lines(customer: Customer) -> list[Block]:
    """Masked number and name (and brand when known)."""
    blocks: list[Block] = [
        KeyValue("手机号码", mask_phone(customer.phone)),
        KeyValue("客户名称", mask_name(customer.name)),
    ]
    if customer.brand:
        blocks.append(KeyValue("品牌", customer.brand))
    return blocks


def terminal_lines(terminal: Terminal) -> list[Block]:
    """终端编号 / 名称."""
    blocks: list[Block] = [KeyValue("终端编号", terminal.terminal_id)]
    if terminal.terminal_name:
        blocks.append(KeyValue("终端名称", terminal.terminal_name))
    return blocks


def footer(terminal: Terminal, printed_at: dt.datetime, *notes: str) -> list[Block]:
    """Notes, help line, hotline, print place and time, then the cut."""
    blocks: list[Block] = [Rule()]
    blocks += [Text(note) for note in notes]
    blocks += [
        Text(HELP_LINE),
        Text(HOTLINE),
        KeyValue("打印地点", terminal.hall),
        KeyValue("打印时间", timestamp(printed_at)),
        Cut(),
    ]
    return blocks
