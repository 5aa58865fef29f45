"""Idempotency keys for the customer's choices.

A mutating call carries a key; the backend applies a key once and answers a repeat with the
first result. The kiosk therefore keeps one key per choice the customer confirms: retrying
the same choice after a lost answer reuses it (nothing is charged or ordered twice), while a
different choice, or a new attempt after a definite answer, gets a fresh key.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable


def _new_key() -> str:
    return str(uuid.uuid4())


class IdempotencyKeys:
    """The key of the choice in flight (one per screen)."""

    def __init__(self, new_key: Callable[[], str] = _new_key) -> None:
        self._new_key = new_key
        self._choice: Hashable = None
        self._key = ""

    def key_for(self, choice: Hashable) -> str:
        """The key for ``choice``: the same one while that choice is unanswered."""
        if not self._key or choice != self._choice:
            self._choice, self._key = choice, self._new_key()
        return self._key

    def settle(self) -> None:
        """The backend answered (done or refused): the next attempt is a new transaction."""
        self._choice, self._key = None, ""
