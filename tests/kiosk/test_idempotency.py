"""One key per unanswered choice; a new key after an answer or for another choice."""

from __future__ import annotations

import itertools

from kiosk.idempotency import IdempotencyKeys


def _keys() -> IdempotencyKeys:
    counter = itertools.count(1)
    return IdempotencyKeys(lambda: f"k{next(counter)}")


def test_a_retried_choice_keeps_its_key() -> None:
    keys = _keys()
    assert keys.key_for(("plan", "P58")) == "k1"
    assert keys.key_for(("plan", "P58")) == "k1"  # lost answer, same choice: same key


def test_another_choice_gets_a_new_key() -> None:
    keys = _keys()
    assert keys.key_for(5000) == "k1"
    assert keys.key_for(10000) == "k2"  # the customer picked another amount
    assert keys.key_for(5000) == "k3"  # back to the first: a new attempt, not the old key


def test_an_answer_settles_the_key() -> None:
    keys = _keys()
    assert keys.key_for("suspend") == "k1"
    keys.settle()
    assert keys.key_for("suspend") == "k2"


def test_default_keys_are_unique_uuids() -> None:
    keys = IdempotencyKeys()
    first = keys.key_for("a")
    keys.settle()
    second = keys.key_for("a")
    assert first != second and len(first) == 36
