"""Reconciliation of the journal with the backend, at start-up.

An entry still ``pending`` or ``unknown`` names a mutation whose answer the terminal never got
(power cut mid-call, lost connection). The backend stores an idempotency key in the same
database transaction that applies the mutation, so asking it "was this key applied?" settles
the entry for good: applied -> ``done`` (with the transaction's own number), not applied ->
``failed`` (nothing happened; nothing was charged). Only entries from before this start are
asked about: a customer may be retrying a newer one with the same key right now.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.backend.errors import BackendError
from kiosk.backend.models import TransactionState
from kiosk.journal import EntryStatus, Journal

log = logging.getLogger(__name__)

NOT_APPLIED = "not_applied"


@dataclass(frozen=True)
class Reconciliation:
    done: int = 0
    not_applied: int = 0
    still_unknown: int = 0


def reconcile(
    journal: Journal,
    lookup: Callable[[str], TransactionState],
    started_at: dt.datetime,
) -> Reconciliation:
    """Settle every unresolved entry created before ``started_at`` that the backend knows."""
    done = not_applied = still_unknown = 0
    entries = [e for e in journal.unresolved() if e.created_at < started_at]
    for index, entry in enumerate(entries):
        try:
            state = lookup(entry.idempotency_key)
        except BackendError as exc:
            if exc.outcome_unknown:  # no answer: the backend is away, ask again next start
                still_unknown += len(entries) - index
                break
            log.warning("journal entry %d could not be reconciled: %s", entry.id, exc.code)
            still_unknown += 1
            continue
        if state.applied:
            journal.finish(entry.idempotency_key, EntryStatus.DONE, transaction_id=state.reference)
            done += 1
        else:
            journal.finish(entry.idempotency_key, EntryStatus.FAILED, error_code=NOT_APPLIED)
            not_applied += 1
    result = Reconciliation(done, not_applied, still_unknown)
    if entries:
        log.info(
            "journal reconciled: %d applied, %d not applied, %d still unknown",
            result.done,
            result.not_applied,
            result.still_unknown,
        )
    return result
