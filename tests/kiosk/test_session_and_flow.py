from __future__ import annotations

import logging

import pytest

from kiosk.authz import options, satisfies
from kiosk.backend.models import Access, Factor
from kiosk.flows.identify import IdentifyState, Step, is_valid_phone, next_step
from kiosk.logsetup import PrivacyFilter, scrub
from kiosk.session import Customer, EndReason, SessionManager

P, S, C = Factor.PASSWORD, Factor.SMS, Factor.ID_CARD


def test_matrix_matches_product_defaults() -> None:
    assert satisfies({P}, Access.SUMMARY) and satisfies({S}, Access.SUMMARY)
    assert not satisfies({C}, Access.SUMMARY)  # a card alone proves nothing about a number
    assert not satisfies({P}, Access.DETAILS)
    assert satisfies({P, S}, Access.DETAILS) and satisfies({C, S}, Access.DETAILS)
    assert not satisfies({P, S}, Access.SENSITIVE)
    assert satisfies({C, S}, Access.SENSITIVE)
    assert satisfies(set(), None)


def test_options_shrink_to_what_is_missing() -> None:
    assert options(Access.DETAILS, set()) == [(P, S), (C, S)]
    assert options(Access.DETAILS, {P}) == [(S,), (C, S)]
    assert options(Access.SENSITIVE, {P}) == [(C, S)]


def test_identification_journey_for_details() -> None:
    state = IdentifyState(Access.DETAILS)
    assert next_step(state) is Step.PHONE
    state = state.with_phone("13800138000")
    assert next_step(state) is Step.CHOOSE
    state = state.choose((P, S))
    assert next_step(state) is Step.PASSWORD
    state = state.holding(frozenset({P}))
    assert next_step(state) is Step.SMS
    state = state.holding(frozenset({P, S}))
    assert next_step(state) is Step.DONE


def test_sensitive_goes_card_first_without_a_choice() -> None:
    state = IdentifyState(Access.SENSITIVE, phone="13800138000", held=frozenset({P}))
    assert next_step(state) is Step.ID_CARD
    assert next_step(state.holding(frozenset({P, C}))) is Step.SMS


def test_card_first_picks_a_number_then_the_code_completes_the_card() -> None:
    state = IdentifyState(Access.SUMMARY).card_first()
    assert next_step(state) is Step.PICK_NUMBER
    picked = state.picked("13800138000", frozenset({C}))
    assert picked.phone == "13800138000" and not picked.picking
    # A card alone proves no number's summary: the SMS code, not a choice of methods.
    assert next_step(picked) is Step.SMS
    assert next_step(picked.holding(frozenset({C, S}))) is Step.DONE
    sensitive = IdentifyState(Access.SENSITIVE).card_first().picked("13800138000", frozenset({C}))
    assert next_step(sensitive) is Step.SMS


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("13800138000", True), ("12800138000", False), ("1380013800", False), ("1380013800a", False)],
)
def test_phone_validation(phone: str, ok: bool) -> None:
    assert is_valid_phone(phone) is ok


def test_session_end_wipes_and_invalidates_guards() -> None:
    now = [0.0]
    manager = SessionManager(lambda: now[0])
    ended: list[EndReason] = []
    manager.add_end_hook(ended.append)
    customer = Customer("13800138000", "张*峰", "全球通", {P})
    session = manager.identify(customer)
    session.cache["bill"] = "x"
    guard = manager.guard()
    assert guard() and session.has(P)
    manager.end(EndReason.IDLE)
    assert not guard()
    assert session.customer is None and session.cache == {}
    assert customer.phone == "" and not customer.factors
    assert not manager.current.identified
    assert ended == [EndReason.IDLE]


def test_logs_never_carry_numbers(caplog: pytest.LogCaptureFixture) -> None:
    assert scrub("phone 13800138000 id 110105196803120314") == (
        "phone 138****8000 id 110***********0314"
    )
    logger = logging.getLogger("test.privacy")
    handler_filter = PrivacyFilter()
    record = logger.makeRecord("t", logging.INFO, __file__, 1, "login %s", ("13912345678",), None)
    handler_filter.filter(record)
    assert record.getMessage() == "login 139****5678"
