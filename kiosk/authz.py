"""Which identification factors a function needs (PRODUCT.md defaults).

The backend decides for real; the kiosk uses the same matrix only to ask the customer for
the missing factors up front instead of after a refusal.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from kiosk.session import Factor


class AuthLevel(enum.Enum):
    NONE = "none"  # nothing personal
    SUMMARY = "summary"  # balance, bill summary: password or SMS code
    DETAILS = "details"  # itemised records: password + SMS, or ID card + SMS
    SENSITIVE = "sensitive"  # reset, suspend/resume, plan change, orders: ID card + SMS


_ACCEPTED: dict[AuthLevel, tuple[frozenset[Factor], ...]] = {
    AuthLevel.NONE: (frozenset(),),
    AuthLevel.SUMMARY: (
        frozenset({Factor.PASSWORD}),
        frozenset({Factor.SMS}),
        frozenset({Factor.ID_CARD}),
    ),
    AuthLevel.DETAILS: (
        frozenset({Factor.PASSWORD, Factor.SMS}),
        frozenset({Factor.ID_CARD, Factor.SMS}),
    ),
    AuthLevel.SENSITIVE: (frozenset({Factor.ID_CARD, Factor.SMS}),),
}


def satisfies(held: Iterable[Factor], level: AuthLevel) -> bool:
    """True when the held factors meet the level."""
    held_set = frozenset(held)
    return any(combo <= held_set for combo in _ACCEPTED[level])


def missing_factors(held: Iterable[Factor], level: AuthLevel) -> frozenset[Factor]:
    """The smallest set of factors to add so that ``held`` meets ``level``."""
    held_set = frozenset(held)
    options = [combo - held_set for combo in _ACCEPTED[level]]
    return min(options, key=lambda s: (len(s), sorted(f.value for f in s)))
