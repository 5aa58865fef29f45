"""The lifecycle of one customer transaction, the same for every kind. Pure; no Qt, no I/O.

::

    BROWSING ──ask──► CONFIRMING ──send──► SENDING ──answered──► DONE
        ▲                 │  ▲                 │
        └─────cancel──────┘  │                 ├──refused──► FAILED ──ask──► CONFIRMING
                             │                 │
                             └──send (same key)┴──lost─────► OUTCOME_UNKNOWN

The one rule for a lost answer (timeout, unreachable: :func:`kiosk.backend.errors.
outcome_unknown`): the transaction may have happened, so the journal marks it unknown and the
confirmation stays open; confirming again sends the same choice with the same idempotency
key, which the backend applies at most once. A refusal is definite (nothing happened): the
key is spent and a new attempt is a new transaction. A different choice always gets a new key.
Screens (ui/screen.py ``Screen.transact``) drive this flow; they never decide retries alone.

A transaction type is declared once, Qt-free, as a :class:`Transaction`: its kind, the backend
call for a choice and a key, the reference the journal keeps, the amount (if any) and the busy
line. A screen adds only its own content (what the question and the result say); the shared
``ui/widgets/transaction.TransactionView`` runs the question, the request and the answer.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from kiosk.backend.errors import outcome_unknown
from kiosk.idempotency import IdempotencyKeys
from kiosk.transactions import TransactionKind

if TYPE_CHECKING:
    from kiosk.backend.protocol import Backend

C = TypeVar("C", bound=Hashable)  # the customer's choice (its idempotency key is per choice)
R = TypeVar("R")  # the backend's answer


class Phase(enum.Enum):
    """Where the transaction stands."""

    BROWSING = "browsing"  # choosing: nothing asked yet
    CONFIRMING = "confirming"  # the second confirmation is on screen
    SENDING = "sending"  # the request is out (journaled first)
    OUTCOME_UNKNOWN = "outcome_unknown"  # no answer came back: confirm again, same key
    DONE = "done"
    FAILED = "failed"  # refused: nothing happened


class FlowError(Exception):
    """A step the lifecycle does not allow (a bug in the screen, not a customer error)."""


def _no_amount(_choice: object) -> int | None:
    return None


@dataclass(frozen=True)
class Transaction(Generic[C, R]):
    """The declaration of one transaction type: everything about it that is not a pixel."""

    kind: TransactionKind
    # The mutating backend call for the customer's choice and the idempotency key.
    call: Callable[[Backend, C, str], R]
    # The backend's reference of the answer (the journal keeps it).
    reference: Callable[[R], str]
    # The amount in fen the journal records, if the transaction moves money.
    amount_fen: Callable[[C], int | None] = _no_amount
    # The i18n key of the calm line while the request is out.
    busy_key: str = "common.saving"


class TransactionFlow:
    """One screen's transactions of one kind: phase, choice and its idempotency key."""

    def __init__(self, kind: TransactionKind, keys: IdempotencyKeys | None = None) -> None:
        self.kind = kind
        self._keys = keys or IdempotencyKeys()
        self.phase = Phase.BROWSING
        self.choice: Hashable = None
        self.answer: object = None  # the backend's answer once DONE
        self.error_code = ""

    def ask(self, choice: Hashable) -> None:
        """The second confirmation is shown for ``choice``."""
        if self.phase is Phase.SENDING:
            raise FlowError("a request is still out")
        self.phase, self.choice, self.answer = Phase.CONFIRMING, choice, None

    def cancel(self) -> None:
        """The customer said no: back to choosing (a lost answer's key stays for its choice)."""
        if self.phase is Phase.SENDING:
            raise FlowError("a request is still out")
        self.phase, self.choice = Phase.BROWSING, None

    def send(self, choice: Hashable) -> str:
        """The request for ``choice`` leaves now: its idempotency key (the same one after a
        lost answer for the same choice)."""
        if self.phase is Phase.SENDING:
            raise FlowError("one request at a time")
        self.phase, self.choice, self.answer, self.error_code = Phase.SENDING, choice, None, ""
        return self._keys.key_for(choice)

    def answered(self, answer: object = None) -> None:
        """The backend answered ``choice``: done (the choice and the answer stay, for the
        result and its receipt, until :meth:`reset` or the next :meth:`ask`)."""
        self._expect_sending()
        self._keys.settle()
        self.phase, self.answer = Phase.DONE, answer

    def forget_choice(self) -> None:
        """Drop a choice that holds a secret (a new password) once it is no longer needed."""
        if self.phase is Phase.SENDING:
            raise FlowError("a request is still out")
        self.choice = None

    def failed(self, exc: BaseException) -> None:
        """The request failed: lost (outcome unknown, key kept) or refused (key spent)."""
        self._expect_sending()
        self.error_code = str(getattr(exc, "code", type(exc).__name__))
        if outcome_unknown(exc):
            self.phase = Phase.OUTCOME_UNKNOWN
        else:
            self._keys.settle()
            self.phase = Phase.FAILED

    def reset(self) -> None:
        """Session end or a new start: nothing is in flight for this screen any more."""
        self._keys.settle()
        self.phase, self.choice, self.answer, self.error_code = Phase.BROWSING, None, None, ""

    @property
    def asking(self) -> bool:
        """True while the customer's choice waits on the confirmation (first time or again
        after a lost answer)."""
        return self.phase in (Phase.CONFIRMING, Phase.OUTCOME_UNKNOWN)

    @property
    def retry_reuses_key(self) -> bool:
        """True while confirming again would resend the same transaction."""
        return self.phase is Phase.OUTCOME_UNKNOWN

    def _expect_sending(self) -> None:
        if self.phase is not Phase.SENDING:
            raise FlowError(f"no request out ({self.phase.value})")
