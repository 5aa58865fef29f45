"""The identification journey: a number, then the factors the function needs.

Two ways in: type the number (PHONE), or place the ID card on any screen (card first): the
backend lists the card's numbers, the customer picks one (PICK_NUMBER) and the SMS code
completes the card's factor. Pure: the UI asks :func:`next_step` after every answer. ID card
first (it proves the most), service password next, the SMS code last (slowest to arrive).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import TypedDict

from kiosk.authz import options, satisfies
from kiosk.backend.factors import Access, Factor
from kiosk.devices.idcard.card import LONG_TERM, IdCard

_ORDER = (Factor.ID_CARD, Factor.PASSWORD, Factor.SMS)


class Step(enum.Enum):
    PHONE = "phone"
    PICK_NUMBER = "pick_number"  # card first: one of the card's numbers
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
    picking: bool = False  # a card was read before any number: pick one of its numbers

    def card_first(self) -> IdentifyState:
        """The card was read with no number yet: the customer picks one of its numbers."""
        return replace(self, picking=True)

    def picked(self, phone: str, factors: frozenset[Factor]) -> IdentifyState:
        """A number picked with the card: the card's factor is held, the SMS code follows."""
        return replace(
            self, phone=phone, held=factors, picking=False, chosen=(Factor.ID_CARD, Factor.SMS)
        )

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
        return Step.PICK_NUMBER if state.picking else Step.PHONE
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


class CardFields(TypedDict):
    """What the backend needs to match a card with the real-name record (nothing more)."""

    id_number: str
    name: str
    card_type: str
    valid_from: str
    valid_to: str
    photo_sha256: str


def card_fields(card: IdCard) -> CardFields:
    """Only what the backend needs to match the real-name record leaves the card object."""
    valid_to = card.valid_to.strftime("%Y%m%d") if card.valid_to else LONG_TERM
    return {
        "id_number": card.id_number,
        "name": card.name,
        "card_type": card.card_type.value,
        "valid_from": card.valid_from.strftime("%Y%m%d"),
        "valid_to": valid_to,
        "photo_sha256": card.photo_sha256(),
    }
