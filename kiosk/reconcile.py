"""Settlement of the journal with the backend (at start-up, and from the admin screen).

An entry still ``pending`` or ``unknown`` names a mutation whose answer the terminal never got
(power cut mid-call, lost connection). The backend's settlement is a fence
(``POST /v1/terminal/transactions/{key}/settle``): it returns the applied result, or marks the
key abandoned in the same database transaction-wise as the mutation's own claim, so a request
with that key that was still waiting inside the backend is refused when it gets there. Its
verdict is therefore final: applied -> ``done`` (with the transaction's own number),
abandoned -> ``failed`` (:data:`NOT_APPLIED`: nothing happened, nothing was charged, ever).

The age guard (:func:`settleable`, the one rule): an entry is settled only once this terminal
can no longer be delivering it — its last send is older than the client's longest call
(timeouts x attempts + backoff) plus :data:`SETTLE_MARGIN`. Earlier, settling would fence a
request the customer is still waiting for, refusing a transaction that would have worked.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol

from kiosk.backend.errors import BackendError
from kiosk.backend.models import TransactionState
from kiosk.journal import EntryStatus, Journal, JournalEntry

log = logging.getLogger(__name__)

# The journal's error code of a settled "not applied": the backend's problem code for a key it
# fenced (also what a late request with that key is refused with).
NOT_APPLIED = "idempotency_key_abandoned"
# What versions before the fence wrote for "the backend did not know the key" (not final).
UNFENCED_NOT_APPLIED = "not_applied"
# Between the journal write and the request leaving, and clock granularity.
SETTLE_MARGIN = dt.timedelta(seconds=10)


class Settler(Protocol):
    """What settlement needs of the backend client."""

    @property
    def longest_call(self) -> dt.timedelta: ...

    def settle_transaction(self, key: str) -> TransactionState: ...


@dataclass(frozen=True)
class Reconciliation:
    done: int = 0
    not_applied: int = 0
    still_unknown: int = 0
    waiting: int = 0  # too recent: this terminal may still be delivering them
    next_due: dt.datetime | None = None  # when the first waiting entry may be settled


def settle_from(entry: JournalEntry, longest_call: dt.timedelta) -> dt.datetime:
    """The earliest moment ``entry`` may be settled."""
    return entry.updated_at + longest_call + SETTLE_MARGIN


def settleable(entry: JournalEntry, now: dt.datetime, longest_call: dt.timedelta) -> bool:
    """The age guard: this terminal can no longer have the entry's request in flight."""
    return settle_from(entry, longest_call) <= now


def reconcile(journal: Journal, backend: Settler, now: dt.datetime) -> Reconciliation:
    """Settle every unresolved entry the age guard allows (and unfenced old verdicts)."""
    longest = backend.longest_call
    candidates = journal.unresolved() + journal.unfenced_failures(UNFENCED_NOT_APPLIED)
    entries = [e for e in candidates if settleable(e, now, longest)]
    waiting = [e for e in candidates if not settleable(e, now, longest)]
    done = not_applied = still_unknown = 0
    for index, entry in enumerate(entries):
        try:
            state = backend.settle_transaction(entry.idempotency_key)
        except BackendError as exc:
            if exc.outcome_unknown:  # no answer: the backend is away, ask again later
                still_unknown += len(entries) - index
                break
            log.warning("journal entry %d could not be reconciled: %s", entry.id, exc.code)
            still_unknown += 1
            continue
        if state.applied:
            journal.finish(entry.idempotency_key, EntryStatus.DONE, transaction_id=state.reference)
            done += 1
        elif state.abandoned:
            journal.finish(entry.idempotency_key, EntryStatus.FAILED, error_code=NOT_APPLIED)
            not_applied += 1
        else:  # not a verdict (an old backend's peek): leave the entry as it is
            log.warning("journal entry %d: the backend gave no verdict", entry.id)
            still_unknown += 1
    next_due = min((settle_from(e, longest) for e in waiting), default=None)
    result = Reconciliation(done, not_applied, still_unknown, len(waiting), next_due)
    if entries or waiting:
        log.info(
            "journal reconciled: %d applied, %d not applied, %d still unknown, %d too recent",
            result.done,
            result.not_applied,
            result.still_unknown,
            result.waiting,
        )
    return result
