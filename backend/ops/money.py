"""The one definition of "how much money" a line has, per brand kind.

Every answer that tells a customer about their money (the account overview, a paid order)
carries this figure, computed here and nowhere else, so the overview, the pay result and the
receipt can never disagree (they did: the overview added the credit limit, the pay result
showed the raw account sum, so a post-paid customer who had just paid saw a negative
"可用余额").

- pre-paid: 可用余额 is the account balance (negative: 欠费, the amount to pay back);
- post-paid: the customer owes a bill, not a balance: 本月应缴 is what is unpaid
  (never negative), 信用额度剩余 is how much more may be used before suspension.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import Connection, select

from backend.db import tables as t


class MoneyKind(enum.StrEnum):
    """How a line pays: before (a balance that runs down) or after (a monthly bill)."""

    PREPAID = "prepaid"
    POSTPAID = "postpaid"


@dataclass(frozen=True, slots=True)
class LineMoney:
    """A line's money as the customer is told it (fen).

    ``available_fen``: pre-paid 可用余额 (may be negative when in arrears); post-paid
    信用额度剩余 (credit limit minus what is owed, never below 0).
    ``due_fen``: what must be paid now: post-paid 本月应缴, pre-paid 欠费 (0 when none).
    """

    kind: MoneyKind
    available_fen: int
    due_fen: int
    credit_limit_fen: int


def line_money(*, is_prepaid: bool, balance_fen: int, credit_fen: int) -> LineMoney:
    """The figure of a line from its account sum (``balance_fen``, negative when owed)."""
    due = max(0, -balance_fen)
    if is_prepaid:
        return LineMoney(MoneyKind.PREPAID, balance_fen, due, 0)
    return LineMoney(MoneyKind.POSTPAID, max(0, credit_fen + balance_fen), due, credit_fen)


def bill_due_fen(*, is_prepaid: bool, closing_balance_fen: int) -> int:
    """A closed post-paid bill's 应缴 (the month's charges plus anything left unpaid);
    0 for pre-paid (its charges were taken from the balance as they came)."""
    return 0 if is_prepaid else max(0, -closing_balance_fen)


def money_of_line(conn: Connection, line_id: int) -> LineMoney:
    """The line's figure now (read in the caller's transaction, after its own writes)."""
    row = conn.execute(
        select(t.lines.c.is_prepaid, t.lines.c.balance_fen, t.lines.c.credit_fen).where(
            t.lines.c.id == line_id
        )
    ).one()
    return line_money(
        is_prepaid=bool(row.is_prepaid), balance_fen=row.balance_fen, credit_fen=row.credit_fen
    )
