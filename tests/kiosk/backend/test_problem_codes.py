"""Problem codes are defined once (on the error classes); the client parses every one of them
to its class, each has the customer's words or is deliberately the generic message, and only
a lost answer leaves a mutation's outcome unknown."""

from __future__ import annotations

import pytest

from kiosk.backend import errors as be
from kiosk.backend.problems import error_from_problem
from kiosk.i18n import load_catalogue

# Codes whose words are not error.<code>: refined by their fields and the screen's context
# (ui/errors.py), or asked again by their screen (an outdated agreement), or the base class.
# A fenced key (idempotency_key_abandoned) and the base class get the generic message.
WORDED_ELSEWHERE = {
    "auth_failed",
    "locked",
    "invalid_input",
    "agreement_outdated",
    "backend_error",
    "idempotency_key_abandoned",
}
# Server codes that mean what another code means.
ALIASES = {"busy": "unavailable", "cash_notes_missing": "conflict"}


def test_every_problem_code_parses_to_its_own_class() -> None:
    assert len(be.PROBLEM_TYPES) == 16
    for code, cls in be.PROBLEM_TYPES.items():
        if cls is be.BackendError:
            continue
        error = error_from_problem(400, {"code": code, "detail": "详情"})
        assert type(error) is cls, code
        assert error.code == ALIASES.get(code, code)


def test_an_unknown_code_is_a_plain_error_or_unavailable_by_status() -> None:
    assert type(error_from_problem(400, {"code": "brand_new"})) is be.BackendError
    assert type(error_from_problem(503, {"code": "brand_new"})) is be.BackendUnavailable


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_code_has_the_customers_words(locale: str) -> None:
    catalogue = load_catalogue(locale)
    missing = [
        code
        for code in be.PROBLEM_TYPES
        if code not in WORDED_ELSEWHERE | set(ALIASES) and f"error.{code}" not in catalogue
    ]
    assert missing == []


def test_only_a_lost_answer_leaves_the_outcome_unknown() -> None:
    unknown = {code for code, cls in be.PROBLEM_TYPES.items() if cls.outcome_unknown}
    assert unknown == {"timeout", "unavailable", "busy"}
    assert be.outcome_unknown(be.BackendTimeout())
    assert not be.outcome_unknown(be.Conflict("已处理"))
    assert not be.outcome_unknown(ValueError("not a backend error"))
