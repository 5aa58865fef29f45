"""The identification journey: number first, then the factors the function needs.

Pure: the UI asks :func:`next_step` after every answer. ID card first (it proves the most),
service password next, the SMS code last (it is the slowest to arrive).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from kiosk.authz import options, satisfies
from kiosk.backend.factors import Access, Factor

_ORDER = (Factor.ID_CARD, Factor.PASSWORD, Factor.SMS)


class Step(enum.Enum):
    PHONE = "phone"
    CHOOSE = "choose"
    PASSWORD = "password"
    SMS = "sms"
    ID_CARD = "id_card"
    DONE = "done"


_STEP_OF = {Factor.PASSWORD: Step.PASSWORD, Factor.SMS: Step.SMS, Factor.ID_CARD: Step.ID_CARD}


@dataclass(frozen=True)
class IdentifyState:
    """Where a customer is in the journey."""

    level: Access
    phone: str | None = None
    held: frozenset[Factor] = field(default_factory=frozenset)
    chosen: tuple[Factor, ...] | None = None

    def with_phone(self, phone: str) -> IdentifyState:
        return replace(self, phone=phone)

    def choose(self, combo: tuple[Factor, ...]) -> IdentifyState:
        return replace(self, chosen=combo)

    def holding(self, factors: frozenset[Factor]) -> IdentifyState:
        return replace(self, held=factors)


def next_step(state: IdentifyState) -> Step:
    """The screen to show next."""
    if satisfies(state.held, state.level):
        return Step.DONE
    if state.phone is None:
        return Step.PHONE
    combos = options(state.level, state.held)
    remaining: tuple[Factor, ...] = ()
    if state.chosen is not None:
        remaining = tuple(f for f in state.chosen if f not in state.held)
    if remaining not in combos:
        if len(combos) != 1:
            return Step.CHOOSE
        remaining = combos[0]
    first = min(remaining, key=_ORDER.index)
    return _STEP_OF[first]


def is_valid_phone(phone: str) -> bool:
    """An 11-digit mainland mobile number starting with 1 and a network digit 3-9."""
    return len(phone) == 11 and phone.isdigit() and phone[0] == "1" and phone[1] in "3456789"
