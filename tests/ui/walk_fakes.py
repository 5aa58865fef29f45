"""One in-memory backend answering every read the screens make, with data shaped like the
reference backend's demo (a 全球通 post-paid line with five closed months, every record kind,
services, plans, invoices). The walk test (tests/ui/test_walk_fit.py) opens every screen with
it; the plan, line, services and invoice fakes of their own tests lend their parts."""

from __future__ import annotations

import datetime as dt

from common.hall_time import HALL_TZ
from common.months import closed_months, month_end, month_of, month_start
from kiosk.backend import models as m
from kiosk.bills import DATA, DISCOUNT, FIXED, MESSAGING, SP, VAS, VOICE
from kiosk.money import LineMoney, MoneyKind
from tests.fixtures.backend_stub import StubBackend
from tests.ui.line_fakes import LineBackend
from tests.ui.test_plan_ui import FakeBackend as PlanBackend
from tests.ui.test_services_fit import _Backend as ServicesBackend
from tests.ui.test_spam_ui import SpamBackend

TODAY = dt.date(2026, 11, 25)  # the business date everything is counted from
MONTHS = closed_months(TODAY)  # newest first
PLAN = m.Plan("QQT128", "全球通畅享套餐128元", "全球通", 12800, 700, 300, 40960, 15, 10, 3, "128")
USAGE = (
    m.UsageItem("voice", "国内主叫", "分钟", 700, 512),
    m.UsageItem("sms", "短信", "条", 300, 62),
    m.UsageItem("data", "国内流量", "MB", 40960, 19354),
)


def _items(*pairs: tuple[str, int]) -> tuple[m.BillItem, ...]:
    return tuple(m.BillItem(name, fen) for name, fen in pairs)


def _bill(month: str, extra_fen: int) -> m.MonthBill:
    categories = (
        m.BillCategory(
            FIXED, 12800, "套餐月费，每月固定收取，与使用多少无关。", _items(("套餐基本费", 12800))
        ),
        m.BillCategory(
            VOICE,
            1230 + extra_fen,
            "套餐外通话：超出700分钟后每分钟0.15元；国内漫游已包含。",
            _items(("国内长途通话费", 930 + extra_fen), ("国际及港澳台通话费", 300)),
        ),
        m.BillCategory(
            DATA, 500, "套餐外流量：每MB0.03元，每月封顶。", _items(("国内流量费", 500))
        ),
        m.BillCategory(MESSAGING, 120, "套餐外短信每条0.10元。", _items(("点对点短信费", 120))),
        m.BillCategory(
            VAS,
            800,
            "您订购的增值业务月费：来电显示、手机报。",
            _items(("来电显示", 500), ("手机报", 300)),
        ),
        m.BillCategory(
            SP,
            1000,
            "第三方公司代收的费用（非中国移动业务）：音乐随身听包月。",
            _items(("音乐随身听", 1000)),
        ),
        m.BillCategory(DISCOUNT, -1000, "老用户话费优惠。", _items(("话费优惠", -1000))),
    )
    total = sum(c.total_fen for c in categories)
    # post-paid, paid in full: 本月费用 = 已缴, nothing due
    account = m.BillAccount(0, total, total, total, 0, MoneyKind.POSTPAID, 0)
    return m.MonthBill(
        month,
        month_start(month),
        month_end(month),
        total,
        categories,
        account,
        USAGE,
        PLAN,
        ("音乐随身听",) if month == MONTHS[0] else (),
        930,
    )


def _at(day: int, hour: int, minute: int) -> dt.datetime:
    start = month_start(MONTHS[0])
    return dt.datetime(start.year, start.month, day, hour, minute, tzinfo=HALL_TZ)


R = m.RecordKind
RECORDS: dict[m.RecordKind, tuple[m.Record, ...]] = {
    R.CALL: tuple(
        m.Record(
            100 + i,
            R.CALL,
            _at(1 + i % 28, 8 + i % 12, i % 60),
            30 * (i % 4),
            VOICE,
            "国内长途通话费",
            place=("上海", "北京", "广州")[i % 3],
            direction=("主叫", "被叫")[i % 2],
            other_party=f"1391234{i:04d}",
            duration_s=60 + 37 * i,
            comm_type=("本地", "国内长途", "国内漫游")[i % 3],
            plan_discount="套餐内" if i % 4 == 0 else None,
        )
        for i in range(40)
    ),
    R.SMS: tuple(
        m.Record(
            300 + i,
            R.SMS,
            _at(2 + i, 12, 5),
            10,
            MESSAGING,
            "点对点短信费",
            direction="发送",
            other_party=f"1380013{i:04d}",
            msg_type="短信",
        )
        for i in range(12)
    ),
    R.DATA: tuple(
        m.Record(
            400 + i,
            R.DATA,
            _at(1 + i, 7, 30),
            0,
            DATA,
            "国内流量费",
            place="上海",
            access=("4G", "5G")[i % 2],
            volume_kb=102400 + 4096 * i,
            duration_s=3600,
        )
        for i in range(20)
    ),
    R.VAS: (
        m.Record(
            500,
            R.VAS,
            _at(1, 0, 0),
            500,
            VAS,
            "来电显示",
            service_name="来电显示",
            service_number="10086",
            fee_type="包月",
            access="短信",
        ),
        m.Record(
            501,
            R.VAS,
            _at(1, 0, 0),
            300,
            VAS,
            "手机报",
            service_name="手机报",
            service_number="10658000",
            fee_type="包月",
            access="彩信",
        ),
    ),
    R.SP: (
        m.Record(
            600,
            R.SP,
            _at(3, 21, 14),
            1000,
            SP,
            "音乐随身听",
            service_name="音乐随身听",
            service_number="10658888",
            sp_name="北京乐享天成科技有限公司",
            sp_code="801234",
            fee_type="包月",
        ),
    ),
    R.FIXED: (
        m.Record(
            700,
            R.FIXED,
            _at(1, 0, 0),
            12800,
            FIXED,
            "套餐基本费",
            period=f"{MONTHS[0][5:]}-01 至 {MONTHS[0][5:]}-30",
        ),
    ),
    R.DISCOUNT: (m.Record(800, R.DISCOUNT, _at(1, 0, 0), -1000, DISCOUNT, "话费优惠"),),
}


class WalkBackend(StubBackend):
    """Every read the screens make; mutations answer like the reference backend."""

    def __init__(self) -> None:
        self.plan_part = PlanBackend()
        self.line_part = LineBackend()
        self.services_part = ServicesBackend()
        self.care_part = SpamBackend()

    def close(self) -> None:
        return None

    def end_session(self) -> None:
        return None

    def overview(self) -> m.AccountOverview:
        # post-paid 全球通: ¥96.30 of this month so far is due, ¥103.70 of ¥200 credit left
        return m.AccountOverview(
            month=month_of(TODAY),
            phone_masked="138****8000",
            name_masked="张*峰",
            brand="全球通",
            status=self.line_part.status,
            is_prepaid=False,
            balance_fen=-9630,
            credit_fen=20000,
            money=LineMoney(MoneyKind.POSTPAID, 10370, 9630, 20000),
            month_to_date_fen=9630,
            days_until_suspension=None,
            reminder_threshold_fen=5000,
            plan=PLAN,
            next_plan=None,
            usage=USAGE,
        )

    def bills(self) -> list[m.MonthBill]:
        return [_bill(month, 110 * i) for i, month in enumerate(MONTHS)]

    def bill(self, month: str) -> m.MonthBill:
        return next(b for b in self.bills() if b.month == month)

    def records(
        self,
        month: str,
        kind: m.RecordKind | None = None,
        cursor: str | None = None,
        limit: int = 100,
        *,
        with_fee_only: bool = False,
        roaming_only: bool = False,
    ) -> m.RecordPage:
        kinds = [kind] if kind is not None else list(RECORDS)
        rows = [r for k in kinds for r in RECORDS[k] if r.fee_fen > 0 or not with_fee_only]
        totals = m.RecordTotals(
            len(rows),
            sum(r.fee_fen for r in rows),
            sum(r.duration_s or 0 for r in rows),
            sum(r.volume_kb or 0 for r in rows),
        )
        return m.RecordPage(tuple(rows), None, totals)

    def plans(self) -> list[m.Plan]:
        return self.plan_part.plans()

    def agreement(self, topic: str) -> m.Agreement:
        if topic == "plan_change":
            return self.plan_part.agreement(topic)
        return self.services_part.agreement(topic)

    def services(self) -> m.ServiceList:
        return self.services_part.services()

    def order_service(
        self, service_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.OrderQuote:
        return self.services_part.order_service(service_code, agreement_version, idempotency_key)

    def invoices(self, month: str) -> list[m.Invoice]:
        return self.care_part.invoices(month)

    def create_payment(self, amount_fen: int, idempotency_key: str | None = None) -> m.PaymentOrder:
        now = dt.datetime.combine(TODAY, dt.time(10, 0), HALL_TZ)
        return m.PaymentOrder(
            "PAY20261125000001",
            amount_fen,
            "https://pay.example.cn/q/PAY20261125000001",
            m.PaymentStatus.PENDING,
            now,
            now + dt.timedelta(minutes=5),
            None,
            None,
        )

    def payment_status(self, order_id: str) -> m.PaymentOrder:
        return self.create_payment(5000)

    def send_sms_code(self, phone: str) -> m.SmsSent:
        return m.SmsSent(60, 300)
