"""kiosk.bills and kiosk.records: plan arithmetic, highlights, medians, paging (no backend)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk import bills as kb
from kiosk.backend import models as m
from kiosk.backend.factors import Factor
from kiosk.records import (
    DetailTab,
    RecordPager,
    RecordQuery,
    fetch_all,
    may_show_full_numbers,
)
from printer.statement import RecordType

PLAN = m.Plan("P", "测试套餐", "全球通", 5800, 100, 50, 1024, 19, 10, 3, "含100分钟")
TZ = dt.timezone(dt.timedelta(hours=8))


def _bill(
    month: str,
    cats: list[tuple[str, list[tuple[str, int]]]],
    *,
    minutes: int = 0,
    sms: int = 0,
    mb: int = 0,
    new: tuple[str, ...] = (),
) -> m.MonthBill:
    categories = tuple(
        m.BillCategory(
            name, sum(a for _, a in items), "规则。", tuple(m.BillItem(*i) for i in items)
        )
        for name, items in cats
    )
    total = sum(c.total_fen for c in categories)
    usage = (
        m.UsageItem("voice", "国内主叫", "分钟", 100, minutes),
        m.UsageItem("sms", "短信", "条", 50, sms),
        m.UsageItem("data", "国内流量", "MB", 1024, mb),
    )
    return m.MonthBill(
        month,
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        total,
        categories,
        m.BillAccount(0, total, total, total, 0),
        usage,
        PLAN,
        new,
        sum(a for _, items in cats for n, a in items if "漫游" in n),
    )


def test_voice_explanation_is_the_plan_arithmetic() -> None:
    bill = _bill(
        "2026-10",
        [
            (
                "语音通信费",
                [("市话主叫通话费", 2000), ("国内长途费", 1078), ("省内/国内漫游主叫费", 190)],
            )
        ],
        minutes=262,
    )
    exp = kb.explain(bill, bill.categories[0])
    first, roaming = exp.lines
    assert (first.quantity, first.unit_price_fen, first.amount_fen) == (162, 19, 3078)
    assert first.text == "套餐外通话 162 分钟 × ¥0.19 = ¥30.78"
    assert (roaming.quantity, roaming.amount_fen) == (10, 190)
    assert sum(line.amount_fen for line in exp.lines) == bill.categories[0].total_fen


def test_unexplained_remainder_is_stated_so_lines_add_up() -> None:
    bill = _bill("2026-10", [("上网费", [("套餐外流量费", 100)])], mb=1024 + 10)
    exp = kb.explain(bill, bill.categories[0])
    # 10 MB x 3 fen = 30 fen is not what was charged: only the charged amount is stated
    assert [line.amount_fen for line in exp.lines] == [100]
    assert exp.lines[0].quantity is None
    assert exp.text.endswith("规则。")


def test_messaging_separates_sms_overage_and_mms() -> None:
    bill = _bill("2026-10", [("短彩信费", [("网内短信", 50), ("彩信", 60)])], sms=55)
    lines = kb.explain(bill, bill.categories[0]).lines
    assert [(x.label, x.quantity, x.amount_fen) for x in lines] == [
        ("套餐外短信", 5, 50),
        ("发送彩信", None, 60),
    ]


def _five() -> list[m.MonthBill]:
    base = [("套餐及固定费", [("套餐基本费", 5800)]), ("增值业务费", [("来电显示", 500)])]
    months = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    bills = [_bill(mo, base) for mo in months[:3]]
    bills.append(_bill("2026-09", [*base, ("语音通信费", [("省内/国内漫游主叫费", 380)])]))
    bills.append(
        _bill(
            "2026-10",
            [
                ("套餐及固定费", [("套餐基本费", 5800)]),
                ("增值业务费", [("来电显示", 500), ("手机报", 300)]),
                ("代收费", [("视频彩铃会员", 1500)]),
            ],
            new=("视频彩铃会员",),
        )
    )
    return list(reversed(bills))  # newest first, as the backend sends them


def test_highlights_new_services_roaming_and_spikes() -> None:
    bills = _five()
    october = bills[0]
    found = {(h.kind, h.item or h.category) for h in kb.highlights(october, bills)}
    assert (kb.HighlightKind.NEW_SERVICE, "视频彩铃会员") in found
    assert (kb.HighlightKind.NEW_SERVICE, "手机报") in found  # not in any earlier month
    assert (kb.HighlightKind.NEW_SERVICE, "来电显示") not in found
    assert (kb.HighlightKind.SPIKE, "增值业务费") in found  # 800 > 1.5 x 500
    assert (kb.HighlightKind.SPIKE, "套餐及固定费") not in found
    september = bills[1]
    kinds = {h.kind for h in kb.highlights(september, bills)}
    assert kb.HighlightKind.ROAMING in kinds


def test_change_against_median_and_chart_bars() -> None:
    bills = _five()
    change = kb.change_against_median(bills[0], bills)
    assert change.median_fen == 6300
    assert change.diff_fen == 8100 - 6300
    assert change.percent == round(1800 * 100 / 6300)
    bars = kb.chart_bars(bills)
    assert [b.month for b in bars] == sorted(b.month for b in bills)
    for bar, bill in zip(bars, sorted(bills, key=lambda b: b.month), strict=True):
        assert sum(v for _, v in bar.stacks) == bill.total_fen == bar.total_fen


def test_statement_month_keeps_totals_and_explanations() -> None:
    bill = _five()[0]
    month = kb.to_statement_month(bill)
    assert month.total_fen == bill.total_fen
    assert all(c.explanation for c in month.categories)


def _record(i: int, kind: m.RecordKind, fee: int = 0, comm: str = "本地") -> m.Record:
    return m.Record(
        i,
        kind,
        dt.datetime(2026, 10, 1, tzinfo=TZ) + dt.timedelta(minutes=i),
        fee,
        "语音通信费",
        "市话主叫通话费",
        place="北京",
        direction="主叫",
        other_party="13912345678",
        duration_s=60,
        comm_type=comm,
    )


class FakeBackend:
    """Keyset pages over fixed lists, as the reference backend pages them."""

    def __init__(self, rows: dict[m.RecordKind, list[m.Record]]) -> None:
        self.rows = rows
        self.calls = 0

    def __call__(
        self,
        month: str,
        kind: m.RecordKind,
        cursor: str | None,
        limit: int,
        fee_only: bool,
        roaming_only: bool,
    ) -> m.RecordPage:
        self.calls += 1
        rows = [r for r in self.rows.get(kind, []) if r.fee_fen or not fee_only]
        rows = [r for r in rows if not roaming_only or "漫游" in (r.comm_type or "")]
        start = int(cursor or 0)
        chunk = rows[start : start + limit]
        nxt = str(start + limit) if start + limit < len(rows) else None
        totals = None
        if cursor is None:
            totals = m.RecordTotals(
                len(rows), sum(r.fee_fen for r in rows), sum(r.duration_s or 0 for r in rows), 0
            )
        return m.RecordPage(tuple(chunk), nxt, totals)


def test_pager_returns_every_record_once_across_kinds() -> None:
    vas = [_record(i, m.RecordKind.VAS, 100) for i in range(7)]
    sp = [_record(100 + i, m.RecordKind.SP, 200) for i in range(5)]
    fake = FakeBackend({m.RecordKind.VAS: vas, m.RecordKind.SP: sp})
    pager = RecordPager(RecordQuery("2026-10", DetailTab.SERVICES), page_size=3)
    got: list[int] = []
    while (req := pager.next_request()) is not None:
        assert pager.next_request() is None  # one page in flight at a time
        got += [r.record_id for r in pager.accept(req, req.run(fake))]
    assert got == [r.record_id for r in vas + sp]
    totals = pager.totals()
    assert (totals.count, totals.fee_fen, totals.complete) == (12, 1700, True)


def test_stale_page_is_dropped_and_failed_page_can_be_retried() -> None:
    fake = FakeBackend({m.RecordKind.CALL: [_record(i, m.RecordKind.CALL) for i in range(4)]})
    pager = RecordPager(RecordQuery("2026-10", DetailTab.CALLS), page_size=2)
    req = pager.next_request()
    assert req is not None
    pager.failed(req)
    again = pager.next_request()
    assert again is not None and again.cursor is None
    first = pager.accept(again, again.run(fake))
    assert pager.accept(again, again.run(fake)) == []  # the same answer twice: stale
    assert len(first) == 2 and pager.loaded == 2


def test_roaming_filter_is_asked_of_the_server_with_exact_totals() -> None:
    rows = [_record(i, m.RecordKind.CALL, 19 if i % 3 == 0 else 0, "本地") for i in range(9)]
    rows += [_record(50 + i, m.RecordKind.CALL, 38, "国内漫游") for i in range(3)]
    fake = FakeBackend({m.RecordKind.CALL: rows})
    pager = RecordPager(RecordQuery("2026-10", DetailTab.CALLS, only_roaming=True), page_size=2)
    req = pager.next_request()
    assert req is not None and req.roaming_only
    assert [r.record_id for r in pager.accept(req, req.run(fake))] == [50, 51]
    totals = pager.totals()
    assert (totals.count, totals.fee_fen, totals.complete) == (3, 114, True)
    assert [r.record_id for r in fetch_all(pager.query, fake, page_size=5)] == [50, 51, 52]
    charged = fetch_all(RecordQuery("2026-10", DetailTab.CALLS, with_fee_only=True), fake)
    assert all(r.fee_fen for r in charged) and len(charged) == 6


def test_detail_record_conversion_and_full_number_policy() -> None:
    rec = kb.to_detail_record(_record(1, m.RecordKind.CALL, 19, "国内漫游"))
    assert rec.type is RecordType.CALL and rec.other_party == "13912345678"
    assert rec.call_type == "国内漫游" and rec.fee_fen == 19
    assert may_show_full_numbers({Factor.ID_CARD, Factor.SMS})
    assert not may_show_full_numbers({Factor.PASSWORD, Factor.SMS})


@pytest.mark.parametrize("tab", list(DetailTab))
def test_every_tab_has_kinds(tab: DetailTab) -> None:
    assert tab.kinds
