"""Which identification factors a function needs (PRODUCT.md defaults, as the server's matrix).

The backend decides for real; the kiosk uses the same matrix only to ask the customer for
the missing factors up front instead of after a refusal. ``None`` means "nothing personal".
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.backend.factors import Access, Factor

# The factor combinations that satisfy each level, in the order the kiosk offers them.
ACCEPTED: dict[Access, tuple[tuple[Factor, ...], ...]] = {
    Access.SUMMARY: ((Factor.PASSWORD,), (Factor.SMS,)),  # an ID card alone proves no number
    Access.DETAILS: ((Factor.PASSWORD, Factor.SMS), (Factor.ID_CARD, Factor.SMS)),
    Access.SENSITIVE: ((Factor.ID_CARD, Factor.SMS),),
}


def satisfies(held: Iterable[Factor], level: Access | None) -> bool:
    """True when the held factors meet the level."""
    if level is None:
        return True
    held_set = frozenset(held)
    return any(frozenset(combo) <= held_set for combo in ACCEPTED[level])


def options(level: Access, held: Iterable[Factor]) -> list[tuple[Factor, ...]]:
    """The combinations a customer can choose from, each reduced to what is still missing."""
    held_set = frozenset(held)
    reduced = [tuple(f for f in combo if f not in held_set) for combo in ACCEPTED[level]]
    fewest = min(len(r) for r in reduced)
    seen: list[tuple[Factor, ...]] = []
    for combo in reduced:
        if len(combo) <= fewest + 1 and combo not in seen:
            seen.append(combo)
    return seen
