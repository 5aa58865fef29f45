"""kiosk.plans: average usage, estimates at each plan's rates, ranking, advice, receipt.

Every expected number is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk import plans as kp
from kiosk.backend import models as m
from kiosk.money import LineMoney, MoneyKind
from printer import statement as st

# code, fee, minutes, SMS, MB, rates per minute / SMS / MB (the demo tariff's shape)
SMALL = m.Plan("S58", "畅享58元", "全球通", 5800, 200, 100, 10240, 19, 10, 3, "含200分钟")
MIDDLE = m.Plan("S88", "畅享88元", "全球通", 8800, 400, 200, 20480, 19, 10, 3, "含400分钟")
LARGE = m.Plan("S128", "畅享128元", "全球通", 12800, 700, 300, 40960, 15, 10, 3, "含700分钟")
TZ = dt.timezone(dt.timedelta(hours=8))


def _bill(month: str, minutes: int, sms: int, mb: int, plan: m.Plan = LARGE) -> m.MonthBill:
    usage = (
        m.UsageItem("voice", "国内主叫", "分钟", plan.included_minutes, minutes),
        m.UsageItem("sms", "短信", "条", plan.included_sms, sms),
        m.UsageItem("data", "国内流量", "MB", plan.included_data_mb, mb),
    )
    account = m.BillAccount(0, 0, 0, plan.monthly_fee_fen, 0)
    return m.MonthBill(
        month,
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        plan.monthly_fee_fen,
        (),
        account,
        usage,
        plan,
        (),
        0,
    )


# Minutes 449+443+419+421+512 = 2244 -> 448.8 -> 449; SMS 69+64+75+64+62 = 334 -> 66.8 -> 67;
# MB 17778+17749+19078+19608+19354 = 93567 -> 18713.4 -> 18713.
BILLS = [
    _bill("2026-10", 449, 69, 17778),
    _bill("2026-09", 443, 64, 17749),
    _bill("2026-08", 419, 75, 19078),
    _bill("2026-07", 421, 64, 19608),
    _bill("2026-06", 512, 62, 19354),
]


def _overview(current: m.Plan = LARGE, booked: m.Plan | None = None) -> m.AccountOverview:
    return m.AccountOverview(
        "2026-11",
        "138****8000",
        "张*峰",
        "全球通",
        m.LineStatus.NORMAL,
        False,
        10000,
        20000,
        LineMoney(MoneyKind.POSTPAID, 30000, 0, 20000),
        5000,
        None,
        None,
        current,
        booked,
        (),
    )


def test_average_usage_rounds_each_kind_half_up() -> None:
    assert kp.average_usage(BILLS) == kp.AverageUsage(5, 449, 67, 18713)
    # 10 and 11 minutes -> 10.5 -> 11 (half up); 1 and 2 SMS -> 1.5 -> 2; 0 MB.
    two = [_bill("2026-10", 10, 1, 0), _bill("2026-09", 11, 2, 0)]
    assert kp.average_usage(two) == kp.AverageUsage(2, 11, 2, 0)


def test_no_bills_means_no_usage() -> None:
    assert kp.average_usage([]) is None


def test_estimate_is_the_fee_plus_overage_at_the_plans_rates() -> None:
    usage = kp.AverageUsage(5, 449, 67, 18713)
    # 畅享88元: 49 minutes over x ¥0.19 = ¥9.31; SMS and data within -> ¥88 + ¥9.31 = ¥97.31.
    middle = kp.estimate(MIDDLE, usage)
    assert middle.overages == (kp.Overage(kp.UsageKind.VOICE, 49, 19),)
    assert (middle.overage_fen, middle.total_fen) == (931, 9731)
    # 畅享58元: 249 min x 19 = 4731; SMS within (67 <= 100); 18713 - 10240 = 8473 MB x 3 = 25419.
    small = kp.estimate(SMALL, usage)
    assert [(o.kind, o.quantity, o.amount_fen) for o in small.overages] == [
        (kp.UsageKind.VOICE, 249, 4731),
        (kp.UsageKind.DATA, 8473, 25419),
    ]
    assert small.total_fen == 5800 + 4731 + 25419 == 35950
    # 畅享128元 covers everything: the fee alone.
    assert kp.estimate(LARGE, usage).total_fen == 12800


def test_plans_are_ranked_and_the_cheaper_fit_is_advised() -> None:
    options = kp.plan_options(_overview(), [SMALL, MIDDLE, LARGE], BILLS)
    assert [e.plan.code for e in options.estimates] == ["S88", "S128", "S58"]
    assert [e.total_fen for e in options.estimates] == [9731, 12800, 35950]
    assert options.current.plan is LARGE and options.current.is_current
    # ¥128.00 - ¥97.31 = ¥30.69 a month.
    assert options.advice == kp.Advice(kp.AdviceKind.SAVE, 5, MIDDLE, 9731, 3069)
    assert options.difference_fen("S88") == -3069
    assert options.difference_fen("S58") == 35950 - 12800
    assert options.effective_on == dt.date(2026, 12, 1)


def test_the_current_plan_is_kept_when_it_is_cheapest() -> None:
    light = [_bill("2026-10", 100, 10, 2048, SMALL)]
    options = kp.plan_options(_overview(SMALL), [SMALL, MIDDLE, LARGE], light)
    assert options.advice == kp.Advice(kp.AdviceKind.KEEP, 1, SMALL, 5800)
    assert [e.plan.code for e in options.estimates] == ["S58", "S88", "S128"]


def test_equal_estimates_prefer_the_smaller_fee() -> None:
    # 300 SMS a month: ¥58 with no SMS included + 300 x ¥0.10 = ¥88.00; ¥88 with 1000 included
    # = ¥88.00. Same estimate: the smaller fee comes first.
    bare = m.Plan("T58", "低月费", "全球通", 5800, 0, 0, 0, 19, 10, 3, "")
    flat = m.Plan("F88", "包干88元", "全球通", 8800, 0, 1000, 0, 19, 10, 3, "")
    usage = kp.AverageUsage(1, 0, 300, 0)
    ranked = kp.rank([kp.estimate(flat, usage), kp.estimate(bare, usage)])
    assert [(e.plan.code, e.total_fen) for e in ranked] == [("T58", 8800), ("F88", 8800)]


def test_without_bills_the_plans_are_listed_by_fee_without_advice() -> None:
    options = kp.plan_options(_overview(MIDDLE), [LARGE, SMALL, MIDDLE], [])
    assert options.usage is None
    assert [e.total_fen for e in options.estimates] == [5800, 8800, 12800]
    assert options.advice.kind is kp.AdviceKind.NO_USAGE


def test_the_current_plan_is_compared_even_when_not_listed() -> None:
    options = kp.plan_options(_overview(LARGE), [SMALL, MIDDLE], BILLS)
    assert options.current.plan is LARGE
    assert {e.plan.code for e in options.estimates} == {"S58", "S88", "S128"}


def test_change_is_offered_except_for_the_plan_the_line_keeps_anyway() -> None:
    options = kp.plan_options(_overview(LARGE), [SMALL, MIDDLE, LARGE], BILLS)
    assert kp.may_change_to(options, "S88")
    assert not kp.may_change_to(options, "S128")  # already the current plan
    booked = kp.plan_options(_overview(LARGE, MIDDLE), [SMALL, MIDDLE, LARGE], BILLS)
    assert booked.estimate("S88").is_booked
    assert not kp.may_change_to(booked, "S88")  # already booked
    assert kp.may_change_to(booked, "S128")  # staying undoes the booking


@pytest.mark.parametrize(
    ("month", "first"),
    [("2026-11", dt.date(2026, 12, 1)), ("2026-12", dt.date(2027, 1, 1))],
)
def test_a_change_takes_effect_on_the_first_of_next_month(month: str, first: dt.date) -> None:
    assert kp.next_month_start(month) == first


@pytest.mark.parametrize(
    ("mb", "text"),
    [(500, "500MB"), (1024, "1GB"), (10240, "10GB"), (17778, "17.4GB"), (18713, "18.3GB")],
)
def test_data_amounts_read_as_customers_expect(mb: int, text: str) -> None:
    # 17778 / 1024 = 17.36 -> 17.4; 18713 / 1024 = 18.27 -> 18.3
    assert kp.format_mb(mb) == text


def test_receipt_names_both_plans_the_date_and_the_kept_services() -> None:
    change = m.PlanChange(
        "T202611250001", LARGE, MIDDLE, dt.date(2026, 12, 1), ("来电显示", "手机报"), (), ()
    )
    receipt = kp.plan_change_receipt(
        change,
        st.Terminal("中国移动", "营业厅", "KIOSK-01"),
        st.Customer("张*峰", "13800138000", "全球通"),
        dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ),
    )
    assert receipt.business == "套餐变更"
    assert receipt.transaction_no == "T202611250001"
    assert dict(receipt.details) == {
        "原套餐": "畅享128元",
        "新套餐": "畅享88元",
        "新套餐月费": "¥88.00",
        "套餐内容": "含400分钟",
        "生效日期": "2026-12-01",
        "保留业务": "来电显示、手机报",
    }
    assert receipt.notes == ("新套餐自2026年12月1日起生效，本月按原套餐计费。",)
    terms = m.Agreement("plan_change", "2026.11", "《中国移动客户入网服务协议》套餐变更条款", "…")
    agreed = kp.plan_change_receipt(
        change,
        st.Terminal("中国移动", "营业厅", "KIOSK-01"),
        st.Customer("张*峰", "13800138000", "全球通"),
        dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ),
        terms,
    )
    assert (
        agreed.notes[-1] == "已阅读并同意《中国移动客户入网服务协议》套餐变更条款（版本 2026.11）"
    )
