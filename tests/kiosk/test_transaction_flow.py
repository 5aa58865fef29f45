"""The transaction lifecycle: one key per choice, kept after a lost answer and spent after a
definite one, one request at a time."""

from __future__ import annotations

import itertools

import pytest

from kiosk.backend import errors as be
from kiosk.flows.transaction import FlowError, Phase, TransactionFlow
from kiosk.idempotency import IdempotencyKeys
from kiosk.transactions import TransactionKind


def _flow() -> TransactionFlow:
    counter = itertools.count(1)
    return TransactionFlow(TransactionKind.SUSPEND, IdempotencyKeys(lambda: f"k{next(counter)}"))


def test_a_lost_answer_keeps_the_key_for_the_same_choice() -> None:
    flow = _flow()
    flow.ask("suspend")
    assert flow.phase is Phase.CONFIRMING
    assert flow.send("suspend") == "k1"
    flow.failed(be.BackendTimeout())
    assert (flow.phase, flow.error_code, flow.retry_reuses_key) == (
        Phase.OUTCOME_UNKNOWN,
        "timeout",
        True,
    )
    flow.ask("suspend")  # the confirmation again
    assert flow.send("suspend") == "k1"
    flow.answered()
    assert flow.phase is Phase.DONE
    assert flow.send("suspend") == "k2"  # after an answer: a new transaction


def test_a_refusal_spends_the_key_and_a_new_choice_gets_a_new_one() -> None:
    flow = _flow()
    assert flow.send("A") == "k1"
    flow.failed(be.Conflict("已处理"))
    assert (flow.phase, flow.retry_reuses_key) == (Phase.FAILED, False)
    assert flow.send("A") == "k2"
    flow.failed(be.BackendUnavailable())
    assert flow.send("B") == "k3"


def test_one_request_at_a_time() -> None:
    flow = _flow()
    flow.send("A")
    with pytest.raises(FlowError):
        flow.send("A")
    with pytest.raises(FlowError):
        flow.cancel()
    flow.answered()
    with pytest.raises(FlowError):
        flow.answered()


def test_cancel_and_reset_go_back_to_browsing() -> None:
    flow = _flow()
    flow.ask("A")
    flow.cancel()
    assert (flow.phase, flow.choice) == (Phase.BROWSING, None)
    flow.send("A")
    flow.failed(be.BackendTimeout())
    flow.reset()
    assert flow.phase is Phase.BROWSING
    assert flow.send("A") == "k2"  # a wiped session starts afresh
