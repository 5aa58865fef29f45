"""Pure business rules: authorisation matrix, lock-out, password policy, suspension forecast."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.billing import Access, Factor
from backend.rules import (
    allowed_levels,
    days_until_suspension,
    lock_until,
    missing_factors,
    password_problem,
    remaining_attempts,
)

P, S, C = Factor.PASSWORD, Factor.SMS, Factor.ID_CARD


@pytest.mark.parametrize(
    ("factors", "levels"),
    [
        (set(), set()),
        ({P}, {Access.SUMMARY}),
        ({S}, {Access.SUMMARY}),
        ({C}, set()),
        ({P, S}, {Access.SUMMARY, Access.DETAILS}),
        ({C, S}, {Access.SUMMARY, Access.DETAILS, Access.SENSITIVE}),
        ({P, C}, {Access.SUMMARY}),
    ],
)
def test_matrix(factors: set[Factor], levels: set[Access]) -> None:
    assert allowed_levels(factors) == levels


def test_missing_factors_are_the_smallest_addition() -> None:
    assert missing_factors({P}, Access.DETAILS) == (Factor.SMS,)
    assert missing_factors({C}, Access.DETAILS) == (Factor.SMS,)
    assert missing_factors({P, S}, Access.SENSITIVE) == (Factor.ID_CARD,)
    assert missing_factors(set(), Access.SENSITIVE) == (Factor.SMS, Factor.ID_CARD)
    assert missing_factors({P}, Access.SUMMARY) == ()


T0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)


def test_three_failures_within_15_minutes_lock_for_60() -> None:
    failures = [T0, T0 + dt.timedelta(minutes=5), T0 + dt.timedelta(minutes=14)]
    now = failures[-1]
    assert lock_until(failures, now) == now + dt.timedelta(minutes=60)
    assert remaining_attempts(failures, now) == 0


def test_failures_spread_over_more_than_15_minutes_do_not_lock() -> None:
    failures = [T0, T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(minutes=16)]
    now = failures[-1]
    assert lock_until(failures, now) is None
    assert remaining_attempts(failures, now) == 1


@pytest.mark.parametrize(
    "password", ["123456", "654321", "000000", "999999", "121212", "123123", "12345", "abcdef"]
)
def test_simple_passwords_are_refused(password: str) -> None:
    assert password_problem(password, "13800138000") is not None


def test_password_taken_from_the_number_is_refused() -> None:
    assert password_problem("380013", "13800138000") is not None
    assert password_problem("864213", "13800138000") is None
    assert password_problem("730592", "13800138000") is None


def test_prepaid_balance_below_next_months_fees_suspends_on_the_first() -> None:
    days = days_until_suspension(
        is_prepaid=True,
        balance_fen=350,
        credit_fen=0,
        usage_fen_this_month=0,
        days_elapsed=24,
        recurring_fen=1300,
        days_to_next_month=6,
    )
    assert days == 6


def test_prepaid_usage_runs_the_balance_down() -> None:
    days = days_until_suspension(
        is_prepaid=True,
        balance_fen=1000,
        credit_fen=0,
        usage_fen_this_month=2400,
        days_elapsed=24,
        recurring_fen=800,
        days_to_next_month=6,
    )
    assert days == 10


def test_postpaid_only_at_risk_when_credit_is_used_up() -> None:
    common = {
        "usage_fen_this_month": 0,
        "days_elapsed": 24,
        "recurring_fen": 0,
        "days_to_next_month": 6,
    }
    assert (
        days_until_suspension(is_prepaid=False, balance_fen=-5000, credit_fen=10000, **common)
        is None
    )
    assert (
        days_until_suspension(is_prepaid=False, balance_fen=-10000, credit_fen=10000, **common) == 0
    )
