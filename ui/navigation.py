"""Typed navigation: where a tap leads, and the one rule for "is the level enough?".

Tiles and step-ups alike open a :class:`Destination` (a screen id, that screen's own frozen
``Params`` or None, and the identification level it needs). When the session holds the level
the screen opens with its parameters; otherwise identification opens with the whole
destination as its continuation and, once the customer is identified, hands it back
unchanged (it replaces itself with the target and the same parameters). No side channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.authz import satisfies
from kiosk.backend.factors import Access
from kiosk.session import Customer
from ui.screen_ids import IDENTIFY

__all__ = ["IDENTIFY", "Destination", "level_enough", "route"]


@dataclass(frozen=True)
class Destination:
    """Where to go: ``target``'s ``params`` (its ``Params`` type, or None) behind ``level``."""

    target: str
    params: object = None
    level: Access | None = None


def level_enough(customer: Customer | None, level: Access | None) -> bool:
    """Does the identified customer (if any) hold the factors ``level`` asks for?"""
    return satisfies(customer.factors if customer is not None else (), level)


def route(destination: Destination, customer: Customer | None) -> tuple[str, object]:
    """The screen to show and its parameters: the target, or identification first."""
    if level_enough(customer, destination.level):
        return destination.target, destination.params
    return IDENTIFY, destination
