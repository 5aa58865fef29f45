"""One balance (issue 13 major 3): the backend gives each line one money figure per brand
kind, and the overview and a paid order carry the same one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.ops.money import LineMoney, MoneyKind, bill_due_fen, line_money
from kiosk.backend.models import PaymentStatus
from kiosk.money import MoneyKind as KioskMoneyKind
from tests.fixtures.live_backend import LiveBackend, identify_fully, start_backend

LI = "13912345678"  # 神州行, pre-paid, ¥3.50 left
MARIA = "13602020202"  # pre-paid in arrears (-¥12.80)
CHEN = "13728880000"  # 全球通, post-paid, credit ¥100


@pytest.fixture(scope="module")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    """Its own instance: payments change balances, and SMS codes are rate-limited per number
    (the package's shared backend is used by tests/backend/test_api.py for the same lines)."""
    with start_backend(
        tmp_path_factory.mktemp("money-backend"), customers=1, sms_resend_after_s=0
    ) as backend:
        yield backend


@pytest.mark.parametrize(
    ("is_prepaid", "balance", "credit", "expected"),
    [
        (True, 350, 0, LineMoney(MoneyKind.PREPAID, 350, 0, 0)),
        (True, -1280, 0, LineMoney(MoneyKind.PREPAID, -1280, 1280, 0)),
        # 全球通 owing ¥146 with a ¥300 limit: ¥146 due, ¥154 of credit left (not "可用余额").
        (False, -14600, 30000, LineMoney(MoneyKind.POSTPAID, 15400, 14600, 30000)),
        (False, 2000, 10000, LineMoney(MoneyKind.POSTPAID, 12000, 0, 10000)),
        (False, -12000, 10000, LineMoney(MoneyKind.POSTPAID, 0, 12000, 10000)),
    ],
)
def test_one_definition_per_brand_kind(
    is_prepaid: bool, balance: int, credit: int, expected: LineMoney
) -> None:
    assert line_money(is_prepaid=is_prepaid, balance_fen=balance, credit_fen=credit) == expected


def test_a_post_paid_bill_asks_for_what_it_left_unpaid() -> None:
    assert bill_due_fen(is_prepaid=False, closing_balance_fen=-15540) == 15540
    assert bill_due_fen(is_prepaid=False, closing_balance_fen=300) == 0
    assert bill_due_fen(is_prepaid=True, closing_balance_fen=-15540) == 0


def test_pre_paid_overview_money_is_the_balance(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        identify_fully(own_backend, client, LI)
        money = client.overview().money
        assert (money.kind, money.available_fen, money.due_fen) == (
            KioskMoneyKind.PREPAID,
            350,
            0,
        )
        assert {b.account.kind for b in client.bills()} == {KioskMoneyKind.PREPAID}


def test_arrears_show_what_to_pay_back(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        identify_fully(own_backend, client, MARIA)
        money = client.overview().money
        assert (money.available_fen, money.due_fen) == (-1280, 1280)


def test_post_paid_payment_answers_with_the_overviews_figure(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        identify_fully(own_backend, client, CHEN)
        before = client.overview()
        assert before.money.kind is KioskMoneyKind.POSTPAID
        assert before.money.due_fen == max(0, -before.balance_fen)
        assert before.money.available_fen == max(0, before.balance_fen + before.credit_fen)
        order = client.create_payment(5000)
        assert order.money is None  # nothing to say before it is paid
        paid = client.demo_mark_paid(order.order_id)
        assert paid.status is PaymentStatus.PAID
        after = client.overview()
        assert paid.money == after.money == client.payment_status(order.order_id).money
        assert after.money.due_fen == max(0, before.money.due_fen - 5000)
        for bill in client.bills():
            assert bill.account.kind is KioskMoneyKind.POSTPAID
            assert bill.account.due_fen == max(0, -bill.account.closing_balance_fen)
