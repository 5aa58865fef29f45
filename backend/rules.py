"""Business rules as pure functions: authorisation matrix, lock-out, password policy.

Kept free of I/O so that each rule is tested on its own and documented in one place
(docs/api.md quotes this module).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence

from backend.billing import Access, Factor

# Each access level is allowed by ANY of its factor sets (PRODUCT.md, "Identification").
MATRIX: dict[Access, tuple[frozenset[Factor], ...]] = {
    Access.SUMMARY: (frozenset({Factor.PASSWORD}), frozenset({Factor.SMS})),
    Access.DETAILS: (
        frozenset({Factor.PASSWORD, Factor.SMS}),
        frozenset({Factor.ID_CARD, Factor.SMS}),
    ),
    Access.SENSITIVE: (frozenset({Factor.ID_CARD, Factor.SMS}),),
}

LOCK_FAILURES = 3
LOCK_WINDOW = dt.timedelta(minutes=15)
LOCK_DURATION = dt.timedelta(minutes=60)
SMS_CODE_VALIDITY = dt.timedelta(minutes=5)
SMS_RESEND_AFTER = dt.timedelta(seconds=60)
REMINDER_THRESHOLDS_FEN = (500, 1000, 2000, 3000, 5000)


def allowed_levels(factors: Iterable[Factor]) -> frozenset[Access]:
    """Access levels a set of held factors grants."""
    held = frozenset(factors)
    return frozenset(a for a, options in MATRIX.items() if any(o <= held for o in options))


def missing_factors(factors: Iterable[Factor], level: Access) -> tuple[Factor, ...]:
    """The smallest set of factors to add for ``level`` (empty when already allowed).

    Ties prefer the first option of the matrix (for details: password + SMS).
    """
    held = frozenset(factors)
    best: frozenset[Factor] | None = None
    for option in MATRIX[level]:
        missing = option - held
        if best is None or len(missing) < len(best):
            best = missing
    assert best is not None
    return tuple(f for f in Factor if f in best)


def lock_until(failures: Sequence[dt.datetime], now: dt.datetime) -> dt.datetime | None:
    """When a number becomes locked given its failed attempts (None: not locked).

    Three wrong passwords or codes within 15 minutes lock the number for 60 minutes from the
    third failure. ``failures`` are the instants of failed attempts, any order.
    """
    recent = sorted(f for f in failures if now - LOCK_WINDOW < f <= now)
    if len(recent) >= LOCK_FAILURES:
        return recent[-1] + LOCK_DURATION
    return None


def remaining_attempts(failures: Sequence[dt.datetime], now: dt.datetime) -> int:
    """Wrong attempts left before the lock (never negative)."""
    recent = [f for f in failures if now - LOCK_WINDOW < f <= now]
    return max(0, LOCK_FAILURES - len(recent))


def password_problem(password: str, number: str) -> str | None:
    """Why a new service password is refused, or None when acceptable."""
    if len(password) != 6 or not password.isdigit():
        return "服务密码须为6位数字"
    if len(set(password)) == 1:
        return "密码不能为相同数字（如000000）"
    steps = {int(b) - int(a) for a, b in itertools.pairwise(password)}
    if steps in ({1}, {-1}):
        return "密码不能为连续数字（如123456、654321）"
    if password in number:
        return "密码不能取自本机号码"
    if password[:2] * 3 == password or password[:3] * 2 == password:
        return "密码过于简单（如121212、123123）"
    return None


def days_until_suspension(
    *,
    is_prepaid: bool,
    balance_fen: int,
    credit_fen: int,
    usage_fen_this_month: int,
    days_elapsed: int,
    recurring_fen: int,
    days_to_next_month: int,
) -> int | None:
    """Days before the line is suspended for lack of money (None: no risk foreseen).

    Pre-paid: 0 when the balance is gone; otherwise the balance lasts ``balance / daily usage``
    days, and if it cannot cover next month's recurring fees, only until the 1st.
    Post-paid: 0 when balance + credit is used up, else None.
    """
    available = balance_fen + credit_fen
    if not is_prepaid:
        return 0 if available <= 0 else None
    if available <= 0:
        return 0
    candidates: list[int] = []
    daily = usage_fen_this_month / max(days_elapsed, 1)
    if daily > 0:
        candidates.append(int(available / daily))
    if available < recurring_fen:
        candidates.append(days_to_next_month)
    return min(candidates) if candidates else None
