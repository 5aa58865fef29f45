"""Bills end to end against the live reference backend: category sums equal the bill, the
explanations are the plan arithmetic, paging returns every record exactly once, and the
printed slip masks other-party numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterator

import pytest

from common.months import months_back
from kiosk import bills as kb
from kiosk.backend import models as m
from kiosk.backend.client import BackendClient
from kiosk.records import (
    DetailTab,
    RecordPager,
    RecordQuery,
    client_fetch,
    fetch_month,
    is_roaming,
)
from printer.receipts import DetailSlip, build_detail_slip
from printer.statement import Customer, Terminal
from tests.fixtures.live_backend import DEMO_PASSWORD, DEMO_TODAY, LiveBackend

DEMO_NUMBERS = ("13800138000", "13912345678", "15800001111", "13699990000", "18812340000")


@pytest.fixture(scope="module")
def all_bills(live_backend: LiveBackend) -> dict[str, list[m.MonthBill]]:
    found: dict[str, list[m.MonthBill]] = {}
    for number in DEMO_NUMBERS:
        with live_backend.client() as client:
            client.identify_password(number, DEMO_PASSWORD)
            found[number] = client.bills()
            client.end_session()
    return found


@pytest.fixture(scope="module")
def details_client(live_backend: LiveBackend) -> Iterator[tuple[str, BackendClient]]:
    # A random customer (not a demo story line): SMS codes are rate-limited per number.
    number = live_backend.random_numbers()[-1]
    client = live_backend.client()
    client.identify_password(number, DEMO_PASSWORD)
    client.send_sms_code(number)
    client.verify_sms_code(number, live_backend.latest_sms_code(number))
    yield number, client
    client.end_session()
    client.close()


def test_five_closed_months_newest_first(
    all_bills: dict[str, list[m.MonthBill]], live_backend: LiveBackend
) -> None:
    current = f"{live_backend.today:%Y-%m}"
    for bills in all_bills.values():
        months = [b.month for b in bills]
        assert len(months) == 5 and months == sorted(months, reverse=True)
        assert current not in months


def test_category_sums_and_chart_stacks_equal_the_bill(
    all_bills: dict[str, list[m.MonthBill]],
) -> None:
    for bills in all_bills.values():
        for bill in bills:
            assert sum(c.total_fen for c in bill.categories) == bill.total_fen
            for category in bill.categories:
                assert sum(i.amount_fen for i in category.items) == category.total_fen
                lines = kb.explain(bill, category).lines
                assert sum(line.amount_fen for line in lines) == category.total_fen
            statement = kb.to_statement_month(bill)
            assert statement.total_fen == bill.total_fen
        for bar in kb.chart_bars(bills):
            assert sum(v for _, v in bar.stacks) == bar.total_fen


def test_explanations_are_the_plan_arithmetic(all_bills: dict[str, list[m.MonthBill]]) -> None:
    checked = 0
    for bills in all_bills.values():
        for bill in bills:
            usage = {u.kind: u for u in bill.usage}
            prices = {
                "套餐外通话": bill.plan.overage_minute_fen,
                "套餐外短信": bill.plan.overage_sms_fen,
                "套餐外流量": bill.plan.overage_data_fen_per_mb,
            }
            kinds = {"套餐外通话": "voice", "套餐外短信": "sms", "套餐外流量": "data"}
            for category in bill.categories:
                for line in kb.explain(bill, category).lines:
                    if line.label in prices and line.quantity is not None:
                        u = usage[kinds[line.label]]
                        assert line.quantity == u.used - u.included
                        assert line.unit_price_fen == prices[line.label]
                        assert line.amount_fen == line.quantity * prices[line.label]
                        assert re.fullmatch(
                            rf"{line.label} \d+ \S+ × ¥\d+\.\d\d = ¥\d+\.\d\d", line.text
                        )
                        checked += 1
    assert checked > 0, "the demo data has overage to explain (heavy user)"


def test_story_highlights(all_bills: dict[str, list[m.MonthBill]]) -> None:
    zhang = all_bills["13800138000"]
    roamed = next(b for b in zhang if b.month == months_back(DEMO_TODAY, 3))  # in 上海
    kinds = {h.kind for h in kb.highlights(roamed, zhang)}
    assert kb.HighlightKind.ROAMING in kinds
    gong = all_bills["18812340000"]
    last = next(b for b in gong if b.month == months_back(DEMO_TODAY, 1))
    new = [h.item for h in kb.highlights(last, gong) if h.kind is kb.HighlightKind.NEW_SERVICE]
    assert "视频彩铃会员" in new


def test_paging_returns_every_record_exactly_once(
    details_client: tuple[str, BackendClient],
) -> None:
    _number, client = details_client
    month = client.bills()[0].month
    fetch = client_fetch(client.records)
    seen: Counter[int] = Counter()
    for tab in DetailTab:
        pager = RecordPager(RecordQuery(month, tab), page_size=37)
        while (request := pager.next_request()) is not None:
            rows = pager.accept(request, request.run(fetch))
            seen.update(r.record_id for r in rows)
        totals = pager.totals()
        assert totals.complete and totals.count == pager.loaded
    assert seen and max(seen.values()) == 1
    everything = fetch_month(month, fetch)
    assert len({r.record_id for r in everything}) == len(everything)
    tabbed_kinds = {k for tab in DetailTab for k in tab.kinds}
    assert {r.record_id for r in everything if r.kind in tabbed_kinds} == set(seen)


def test_records_add_up_to_the_bill_category_by_category(
    details_client: tuple[str, BackendClient],
) -> None:
    _number, client = details_client
    bill = client.bills()[1]
    records = fetch_month(bill.month, client_fetch(client.records))
    by_category: dict[str, int] = defaultdict(int)
    for record in records:
        by_category[record.category] += record.fee_fen
    assert {c.name: c.total_fen for c in bill.categories} == {
        k: v for k, v in by_category.items() if v
    }


def test_detail_slip_masks_other_party_numbers(
    details_client: tuple[str, BackendClient],
) -> None:
    number, client = details_client
    month = client.bills()[0].month
    calls = fetch_month(month, client_fetch(client.records))
    raw = {r.other_party for r in calls if r.other_party and len(r.other_party) == 11}
    assert raw
    slip = DetailSlip(
        Terminal("中国移动", "测试营业厅", "T1"),
        Customer("张*峰", number),
        (month,),
        [kb.to_detail_record(r) for r in calls],
        dt.datetime.combine(DEMO_TODAY, dt.time(10, 0)),
    )
    document = build_detail_slip(slip, dt.datetime.combine(DEMO_TODAY, dt.time(10, 0)))
    text = repr(document)
    assert number not in text
    assert not any(other in text for other in raw)


def test_roaming_filter_matches_the_records(live_backend: LiveBackend) -> None:
    number = "13699990000"  # 阿依古丽: roamed in 北京 in the last closed month
    month = months_back(DEMO_TODAY, 1)
    with live_backend.client() as client:
        client.identify_password(number, DEMO_PASSWORD)
        client.send_sms_code(number)
        client.verify_sms_code(number, live_backend.latest_sms_code(number))
        fetch = client_fetch(client.records)
        everything = fetch_month(month, fetch)
        expected = {r.record_id for r in everything if is_roaming(r)}
        assert expected
        got: set[int] = set()
        fee = 0
        for tab in (DetailTab.CALLS, DetailTab.MESSAGES, DetailTab.DATA):
            pager = RecordPager(RecordQuery(month, tab, only_roaming=True), page_size=50)
            while (request := pager.next_request()) is not None:
                rows = pager.accept(request, request.run(fetch))
                assert all(is_roaming(r) for r in rows)
                got.update(r.record_id for r in rows)
            fee += pager.totals().fee_fen
        assert got == expected
        assert fee == sum(r.fee_fen for r in everything if r.record_id in expected)
        client.end_session()
