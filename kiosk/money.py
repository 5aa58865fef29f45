"""A line's money as the customer is told it, on every screen and receipt.

The figure comes from the backend (``money`` in the account overview and in a paid order;
backend/ops/money.py holds its one definition per brand kind). This module only decides which
lines to show for it, in which order and with which caption: the overview, the pay result and
the receipt all render :func:`money_lines` of the same :class:`LineMoney`, so they cannot
disagree. Pure: no Qt.

- pre-paid: 可用余额 (or, when negative, 欠费 with the amount to pay back);
- post-paid: 本月应缴 and 信用额度剩余 (a bill, never a "balance").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class MoneyKind(enum.StrEnum):
    """How a line pays: before (a balance that runs down) or after (a monthly bill)."""

    PREPAID = "prepaid"
    POSTPAID = "postpaid"


class MoneyLabel(enum.Enum):
    """A caption of one money line; ``key`` is its message in assets/i18n."""

    AVAILABLE = "money.available"  # 可用余额 (pre-paid)
    ARREARS = "money.arrears"  # 欠费 (pre-paid below zero)
    DUE = "money.due"  # 本月应缴 (post-paid)
    CREDIT_LEFT = "money.credit_left"  # 信用额度剩余 (post-paid)

    @property
    def key(self) -> str:
        """The catalogue key of the caption."""
        return self.value


@dataclass(frozen=True)
class LineMoney:
    """The backend's figure (fen). ``available_fen``: pre-paid 可用余额 (negative in arrears),
    post-paid 信用额度剩余; ``due_fen``: what must be paid now (post-paid 本月应缴)."""

    kind: MoneyKind
    available_fen: int
    due_fen: int
    credit_limit_fen: int

    @property
    def is_prepaid(self) -> bool:
        """True for a pre-paid line."""
        return self.kind is MoneyKind.PREPAID


@dataclass(frozen=True)
class MoneyLine:
    """One caption with its amount; the first line of :func:`money_lines` is the headline."""

    label: MoneyLabel
    fen: int


def money_lines(money: LineMoney) -> tuple[MoneyLine, ...]:
    """What to show for ``money``, headline first (amounts are never negative)."""
    if money.is_prepaid:
        if money.available_fen < 0:
            return (MoneyLine(MoneyLabel.ARREARS, money.due_fen),)
        return (MoneyLine(MoneyLabel.AVAILABLE, money.available_fen),)
    return (
        MoneyLine(MoneyLabel.DUE, money.due_fen),
        MoneyLine(MoneyLabel.CREDIT_LEFT, money.available_fen),
    )


def headline(money: LineMoney) -> MoneyLine:
    """The one figure a short sentence quotes (the pay result, a warning)."""
    return money_lines(money)[0]
