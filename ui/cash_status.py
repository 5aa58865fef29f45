"""The one customer sentence for "cash cannot be taken now" (kiosk/cash ``CashDesk.blockers``).

The pay screen's 现金缴费 button is disabled with this sentence under it while cash is off,
instead of opening a screen that then says so. The reason is the desk's first blocker (the
order of ``blockers()`` puts the weightiest first: silent, jammed, box full, ...); the
acceptor still starting (reading its bill table, within a second) is not "off".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kiosk.i18n import Translator

if TYPE_CHECKING:
    from kiosk.cash.desk import CashBlocker


def cash_off(blockers: Sequence[CashBlocker]) -> tuple[CashBlocker, ...]:
    """The blockers that make cash unavailable (a passing state such as starting dropped)."""
    return tuple(b for b in blockers if b.code is not None)


def cash_off_text(translator: Translator, blockers: Sequence[CashBlocker]) -> str:
    """ "现金缴费暂停使用：卡币。扫码支付仍可正常使用。", or "" while cash can be taken."""
    off = cash_off(blockers)
    if not off:
        return ""
    reason = translator.tr(f"cash.blocker.{off[0].name.lower()}")
    return translator.tr("pay.cash_off", reason=reason)
