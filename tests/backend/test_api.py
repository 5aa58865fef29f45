"""The API through the real client against a live server on loopback (own temp database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import update

from backend.agreements import PLAN_CHANGE, SERVICE_ORDER
from backend.db import tables as t
from backend.db.engine import make_engine
from common.months import closed_months, month_end, month_of, months_back, next_month_start
from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient
from kiosk.backend.models import (
    Access,
    DisputeStatus,
    Factor,
    LineStatus,
    PaymentStatus,
    RecordKind,
)
from tests.fixtures.live_backend import (
    CARDS,
    DEMO_PASSWORD,
    DEMO_TODAY,
    LiveBackend,
    identify_fully,
)

# Counted from the pinned business date: no test names a month (issue 10).
OPEN = month_of(DEMO_TODAY)
M1, M2, M3, M4, M5 = closed_months(DEMO_TODAY)  # newest first
TOO_OLD = months_back(DEMO_TODAY, 7)  # older than the 5 closed months kept

ZHANG = "13800138000"  # 全球通, rich data
LI = "13912345678"  # 神州行, nearly out of money
WANG = "15800001111"  # 动感地带, heavy user
AYGUL = "13699990000"  # roaming
GONG = "18812340000"  # new SP subscriptions
LIU = "13551234567"  # expired ID card
CHEN = "13728880000"  # HK permit
SMITH = "13601010101"  # suspended
MARIA = "13602020202"  # arrears


@pytest.fixture(scope="module")
def zhang(own_backend: LiveBackend) -> Iterator[BackendClient]:
    """张晓峰 with every factor (one SMS for the whole module: resend needs 60 s)."""
    with own_backend.client() as client:
        identify_fully(own_backend, client, ZHANG)
        yield client


def test_factors_decide_what_a_session_may_do(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        session = client.identify_password(AYGUL, DEMO_PASSWORD)
        assert session.factors == {Factor.PASSWORD}
        assert session.allowed == {Access.SUMMARY}
        assert (session.phone_masked, session.name_masked) == ("136****0000", "阿******提")
        assert client.overview().brand == "全球通"
        with pytest.raises(e.NotAllowed) as denied:
            client.records(M1)
        assert denied.value.missing_factors == ("sms",)
        client.send_sms_code(AYGUL)
        session = client.verify_sms_code(AYGUL, own_backend.latest_sms_code(AYGUL))
        assert session.factors == {Factor.PASSWORD, Factor.SMS}
        assert client.records(M1, limit=1).items
        with pytest.raises(e.NotAllowed) as sensitive:
            client.change_plan("QQT88", PLAN_CHANGE.version)
        assert sensitive.value.missing_factors == ("id_card",)
        with pytest.raises(e.RateLimited) as too_soon:
            client.send_sms_code(AYGUL)
        assert 0 < too_soon.value.retry_after_s <= 60
        client.end_session()
        assert not client.has_session
        with pytest.raises(e.SessionExpired):
            client.overview()


def test_terminal_credentials_are_checked(own_backend: LiveBackend) -> None:
    client = BackendClient(own_backend.url, "KIOSK-DEMO-01", "wrong-token-123")
    with client, pytest.raises(e.TerminalRejected):
        client.identify_password(ZHANG, DEMO_PASSWORD)
    response = requests.get(f"{own_backend.url}/v1/account", timeout=5)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "terminal_unauthorized"


def test_id_card_must_match_and_be_valid(own_backend: LiveBackend) -> None:
    liu = CARDS[LIU]
    with own_backend.client() as client:
        with pytest.raises(e.InvalidInput) as expired:
            client.identify_id_card(
                id_number=liu["id_number"],
                name=liu["name"],
                card_type="resident",
                valid_from=liu["valid_from"],
                valid_to=liu["valid_to"],
                photo_sha256=liu["photo_sha256"],
                phone=LIU,
            )
        assert expired.value.field == "valid_to"
        zhang = CARDS[ZHANG]
        with pytest.raises(e.AuthFailed) as mismatch:
            client.identify_id_card(
                id_number=zhang["id_number"],
                name=zhang["name"],
                card_type="resident",
                valid_from=zhang["valid_from"],
                valid_to=zhang["valid_to"],
                photo_sha256=zhang["photo_sha256"],
                phone=CHEN,
            )
        assert mismatch.value.remaining_attempts == 2  # a mismatch counts toward the lock
        with pytest.raises(e.NotFound):
            client.identify_password("13000000000", DEMO_PASSWORD)


def test_bills_are_five_closed_months_that_add_up(zhang: BackendClient) -> None:
    bills = zhang.bills()
    assert [b.month for b in bills] == [M1, M2, M3, M4, M5]
    for bill in bills:
        assert sum(c.total_fen for c in bill.categories) == bill.total_fen
        for category in bill.categories:
            assert sum(i.amount_fen for i in category.items) == category.total_fen
            assert category.explanation
        acc = bill.account
        assert acc.opening_balance_fen + acc.topup_fen == acc.available_fen
        assert acc.available_fen - bill.total_fen == acc.closing_balance_fen
        assert bill.period_start == dt.date.fromisoformat(bill.month + "-01")
    assert bills[2].roaming_fen > 0  # the August trip to 上海
    assert zhang.bill(M3) == bills[2]
    with pytest.raises(e.NotFound):
        zhang.bill(OPEN)  # the open month has no bill yet


def test_new_sp_subscription_shows_in_the_bill(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        client.identify_password(GONG, DEMO_PASSWORD)
        october = client.bill(M1)
        assert october.new_services == ("视频彩铃会员",)
        sp = next(c for c in october.categories if c.name == "代收费")
        assert any(i.name == "视频彩铃会员" and i.amount_fen == 1500 for i in sp.items)
        assert client.bill(M2).new_services == ()


def test_records_walk_by_cursor_matches_totals_and_bill(zhang: BackendClient) -> None:
    first = zhang.records(M1, limit=97)
    assert first.totals is not None
    seen = list(first.items)
    cursor = first.next_cursor
    while cursor:
        page = zhang.records(M1, cursor=cursor, limit=97)
        assert page.totals is None
        seen += page.items
        cursor = page.next_cursor
    ids = [r.record_id for r in seen]
    assert len(ids) == len(set(ids)) == first.totals.count
    assert [r.started_at for r in seen] == sorted(r.started_at for r in seen)
    assert sum(r.fee_fen for r in seen) == first.totals.fee_fen == zhang.bill(M1).total_fen
    calls = zhang.records(M1, RecordKind.CALL, limit=500)
    assert calls.items and all(r.kind is RecordKind.CALL and r.duration_s for r in calls.items)
    assert calls.totals is not None and calls.totals.duration_s == sum(
        r.duration_s or 0 for r in calls.items
    )
    paid = zhang.records(M1, with_fee_only=True, limit=500)
    assert paid.items and all(r.fee_fen != 0 for r in paid.items)
    with pytest.raises(e.InvalidInput) as bad:
        zhang.records(M1, cursor="not-a-cursor")
    assert bad.value.field == "cursor"
    with pytest.raises(e.NotFound):
        zhang.records(TOO_OLD)


def test_dispute_refunds_an_sp_charge_twice_and_only_once(zhang: BackendClient) -> None:
    before = zhang.overview().balance_fen
    sp = next(r for r in zhang.records(M2, RecordKind.SP, limit=100).items if r.fee_fen)
    dispute = zhang.open_dispute(sp.record_id, "未订购此业务")
    assert dispute.status is DisputeStatus.REFUNDED
    assert dispute.refund_fen == 2 * sp.fee_fen
    assert zhang.overview().balance_fen == before + 2 * sp.fee_fen
    with pytest.raises(e.Conflict) as again:
        zhang.open_dispute(sp.record_id, "再次申诉")
    # Refunded is said as such, not as "已在申诉处理中" (issue 13).
    assert "已退款" in again.value.message and dispute.number in again.value.message
    roaming = next(
        r for r in zhang.records(M3, RecordKind.CALL, with_fee_only=True, limit=500).items
    )
    checking = zhang.open_dispute(roaming.record_id, "通话时长不对")
    assert (checking.status, checking.refund_fen) == (DisputeStatus.INVESTIGATING, 0)
    with pytest.raises(e.Conflict) as open_again:
        zhang.open_dispute(roaming.record_id, "再次申诉")
    assert "申诉处理中" in open_again.value.message
    listed = zhang.disputes()
    assert [d.number for d in listed][:2] == [checking.number, dispute.number]  # newest first
    stamps = [d.created_at for d in listed if d.created_at is not None]
    assert len(stamps) == len(listed) and stamps == sorted(stamps, reverse=True)
    assert listed[1].status is DisputeStatus.REFUNDED
    free = next(r for r in zhang.records(M1, RecordKind.SMS, limit=200).items if not r.fee_fen)
    with pytest.raises(e.InvalidInput):
        zhang.open_dispute(free.record_id, "免费记录")


def test_invoice_once_per_month(zhang: BackendClient) -> None:
    invoice = zhang.issue_invoice(M2)
    assert invoice.amount_fen == zhang.bill(M2).total_fen
    assert invoice.title == "张*峰"
    assert zhang.invoices(M2) == [invoice]
    with pytest.raises(e.Conflict):
        zhang.issue_invoice(M2)
    with pytest.raises(e.NotFound):
        zhang.issue_invoice(OPEN)


def test_reminder_threshold_is_for_prepaid_lines(
    own_backend: LiveBackend, zhang: BackendClient
) -> None:
    with pytest.raises(e.Conflict):
        zhang.set_reminder_threshold(1000)
    with own_backend.client() as client:
        client.identify_password(LI, DEMO_PASSWORD)
        overview = client.overview()
        assert (overview.is_prepaid, overview.balance_fen, overview.reminder_threshold_fen) == (
            True,
            350,
            1000,
        )
        assert overview.days_until_suspension == 6  # next month's fees on 12-01 exceed ¥3.50
        setting = client.set_reminder_threshold(2000)
        assert setting.threshold_fen == 2000
        assert own_backend.query(
            "SELECT kind, detail FROM transactions WHERE transaction_id = ?",
            setting.transaction_id,
        ) == [("reminder", "2000")]
        assert client.overview().reminder_threshold_fen == 2000
        with pytest.raises(e.InvalidInput):
            client.set_reminder_threshold(1234)
        assert client.set_reminder_threshold(None).threshold_fen is None


def test_payment_settles_arrears_and_never_twice(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        identify_fully(own_backend, client, MARIA)
        assert client.overview().status is LineStatus.ARREARS
        with pytest.raises(e.Conflict):
            client.resume()
        order = client.create_payment(5000)
        assert order.status is PaymentStatus.PENDING
        assert order.order_id in order.qr_payload
        assert client.payment_status(order.order_id).status is PaymentStatus.PENDING
        paid = client.demo_mark_paid(order.order_id)
        assert (paid.status, paid.balance_after_fen) == (PaymentStatus.PAID, 5000 - 1280)
        assert client.demo_mark_paid(order.order_id) == paid
        overview = client.overview()
        assert (overview.balance_fen, overview.status) == (3720, LineStatus.NORMAL)
        with pytest.raises(e.InvalidInput) as small:
            client.create_payment(50)
        assert small.value.field == "amount_fen"


def test_order_needs_the_second_confirmation_code(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        identify_fully(own_backend, client, GONG)
        quote = client.order_service("CL", SERVICE_ORDER.version)
        assert quote.confirmation_text.startswith("您选择订购：彩铃（¥5.00/月）")
        assert quote.starts_on == next_month_start(OPEN)
        code = own_backend.latest_sms_code(GONG)
        wrong = "000000" if code != "000000" else "111111"
        with pytest.raises(e.AuthFailed) as refused:
            client.confirm_order(quote.quote_id, wrong)
        assert refused.value.remaining_attempts == 2
        done = client.confirm_order(quote.quote_id, code)
        assert done.subscription.service.code == "CL"
        assert "CL" in {s.service.code for s in client.services().subscriptions}
        with pytest.raises(e.Conflict):
            client.order_service("CL", SERVICE_ORDER.version)
        cancelled = client.cancel_service("CL")
        assert cancelled.subscription.ends_on == month_end(OPEN)
        with pytest.raises(e.NotFound):
            client.cancel_service("CL")


def test_plan_change_books_next_month(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        identify_fully(own_backend, client, WANG)
        codes = [p.code for p in client.plans()]
        assert codes == ["DGDD18", "DGDD38"]
        change = client.change_plan("DGDD18", PLAN_CHANGE.version)
        assert (change.from_plan.code, change.to_plan.code) == ("DGDD38", "DGDD18")
        assert change.effective_on == next_month_start(OPEN)
        assert change.services_kept == ("游戏加速包",)
        overview = client.overview()
        assert overview.plan.code == "DGDD38"
        assert overview.next_plan is not None and overview.next_plan.code == "DGDD18"
        with pytest.raises(e.NotFound):
            client.change_plan("QQT58", PLAN_CHANGE.version)  # another brand


def test_password_reset_suspend_and_resume(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        identify_fully(own_backend, client, CHEN)
        with pytest.raises(e.InvalidInput) as simple:
            client.reset_password("123456")
        assert simple.value.field == "new_password"
        client.reset_password("730592")
        suspended = client.suspend()
        assert suspended.status is LineStatus.SUSPENDED and "号码保留费" in suspended.note
        with pytest.raises(e.Conflict):
            client.suspend()
        assert client.resume().status is LineStatus.NORMAL
    with own_backend.client() as client:
        with pytest.raises(e.AuthFailed):
            client.identify_password(CHEN, DEMO_PASSWORD)
        assert client.identify_password(CHEN, "730592").factors == {Factor.PASSWORD}


def test_spam_report_is_stored(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        client.identify_password(SMITH, DEMO_PASSWORD)
        report = client.report_spam("10659999", "恭喜您中奖")
    rows = own_backend.query(
        "SELECT reported_number, content FROM spam_reports WHERE report_id = ?", report.report_id
    )
    assert rows == [("10659999", "恭喜您中奖")]


def test_no_personal_data_in_the_server_log(own_backend: LiveBackend) -> None:
    log = (own_backend.workdir / "backend.log").read_text("utf-8")
    for card in CARDS.values():
        assert card["phone"] not in log
        assert card["id_number"] not in log
        assert card["name"] not in log
    assert DEMO_PASSWORD not in log


def test_expired_payment_orders_are_not_settled(own_backend: LiveBackend) -> None:
    number = own_backend.random_numbers()[5]
    with own_backend.client() as client:
        client.identify_password(number, DEMO_PASSWORD)
        order = client.create_payment(1000)
    # Age the order past its 15 minutes, as if the customer walked away.
    engine = make_engine(own_backend.db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(t.payments)
                .where(t.payments.c.order_id == order.order_id)
                .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
            )
    finally:
        engine.dispose()
    with own_backend.client() as client:
        client.identify_password(number, DEMO_PASSWORD)
        assert client.payment_status(order.order_id).status is PaymentStatus.EXPIRED
        with pytest.raises(e.Conflict):
            client.demo_mark_paid(order.order_id)
        with pytest.raises(e.NotFound):
            client.payment_status("PO-NOT-THERE")
