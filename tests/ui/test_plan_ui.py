"""套餐变更 screens with an in-memory backend: ranked list with estimates, side-by-side
comparison, nothing sent before the second confirmation, the result, a calm refusal,
language switch and the wipe at session end."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from common.months import closed_months, month_end, month_of, month_start, next_month_start
from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.backend.factors import Factor
from kiosk.config import Config
from kiosk.money import LineMoney, MoneyKind
from kiosk.session import Customer, EndReason
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Services
from ui.screens.plan.compare import PlanCompareScreen
from ui.screens.plan.install import features as install_plan
from ui.screens.plan.plans import PlansScreen
from ui.shell import Shell

PHONE = "13800138000"
TODAY = dt.date(2026, 11, 25)  # pinned; every month below is counted from it
CLOSED = closed_months(TODAY)  # newest first
NEXT = next_month_start(month_of(TODAY))  # a booked plan takes effect then
SMALL = m.Plan("QQT58", "全球通畅享套餐58元", "全球通", 5800, 200, 100, 10240, 19, 10, 3, "58")
MIDDLE = m.Plan("QQT88", "全球通畅享套餐88元", "全球通", 8800, 400, 200, 20480, 19, 10, 3, "88")
TERMS = m.Agreement(
    "plan_change",
    "2026.11",
    "《中国移动客户入网服务协议》套餐变更条款",
    "一、新套餐自下月1日起生效。\n二、生效前可改回原套餐。\n三、如有疑问请拨打10086。",
)
LARGE = m.Plan("QQT128", "全球通畅享套餐128元", "全球通", 12800, 700, 300, 40960, 15, 10, 3, "128")


def _bill(month: str, minutes: int, sms: int, mb: int) -> m.MonthBill:
    usage = (
        m.UsageItem("voice", "国内主叫", "分钟", 700, minutes),
        m.UsageItem("sms", "短信", "条", 300, sms),
        m.UsageItem("data", "国内流量", "MB", 40960, mb),
    )
    account = m.BillAccount(0, 0, 0, 12800, 0)
    start, end = month_start(month), month_end(month)
    return m.MonthBill(month, start, end, 12800, (), account, usage, LARGE, (), 0)


class FakeBackend(StubBackend):
    """The three reads and the one mutation of the plan screens, answering like the backend."""

    def __init__(self) -> None:
        self.plan = LARGE
        self.booked: m.Plan | None = None
        self.calls: list[tuple[str, str]] = []  # (plan code, idempotency key) as received
        self.refuse: be.BackendError | None = None
        self.terms = TERMS  # the agreement in force (the operator may update it)
        self.consents: list[str] = []  # versions accepted with a booked change

    def overview(self) -> m.AccountOverview:
        return m.AccountOverview(
            month_of(TODAY), "138****8000", "张*峰", "全球通", m.LineStatus.NORMAL, False,
            0, 20000, LineMoney(MoneyKind.POSTPAID, 20000, 0, 20000), 5000, None, None,
            self.plan, self.booked, (),
        )  # fmt: skip

    def plans(self) -> list[m.Plan]:
        return [SMALL, MIDDLE, LARGE]

    def bills(self) -> list[m.MonthBill]:
        # Average: 449 minutes, 67 SMS, 18713 MB (see tests/kiosk/test_plans.py).
        return [
            _bill(CLOSED[0], 449, 69, 17778),
            _bill(CLOSED[1], 443, 64, 17749),
            _bill(CLOSED[2], 419, 75, 19078),
            _bill(CLOSED[3], 421, 64, 19608),
            _bill(CLOSED[4], 512, 62, 19354),
        ]

    def agreement(self, topic: str) -> m.Agreement:
        assert topic == "plan_change"
        return self.terms

    def change_plan(
        self, plan_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.PlanChange:
        self.calls.append((plan_code, idempotency_key or ""))
        if self.refuse is not None:
            raise self.refuse
        if agreement_version != self.terms.version:
            raise be.AgreementOutdated("协议已更新，请重新阅读并确认")
        self.consents.append(agreement_version)
        to = next(p for p in self.plans() if p.code == plan_code)
        self.booked = to
        return m.PlanChange("T20261125000042", self.plan, to, NEXT, ("来电显示", "手机报"), (), ())

    def end_session(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def fake() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def plan_shell(
    app: QApplication, config: Config, clock: ManualClock, fake: FakeBackend
) -> Iterator[Shell]:
    services = Services(backend=BackendHandle(lambda: fake))
    options = ShellOptions(
        runner=SyncRunner(), clock=clock, installers=[install_plan], services=services
    )
    shell = build_shell(config, app, options)
    show_painted(shell)
    shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS}))
    yield shell
    teardown(shell)
    QApplication.processEvents()


def _plans(shell: Shell) -> PlansScreen:
    shell.open_feature("plan")
    screen = shell.navigator.current
    assert isinstance(screen, PlansScreen)
    return screen


def _compare(shell: Shell, code: str) -> PlanCompareScreen:
    plans = _plans(shell)
    QApplication.processEvents()
    plans.row(code).choose_button.click()
    screen = shell.navigator.current
    assert isinstance(screen, PlanCompareScreen)
    return screen


def test_the_list_ranks_plans_by_estimate_and_says_which_fits(plan_shell: Shell) -> None:
    screen = _plans(plan_shell)
    assert [r.estimate.plan.code for r in screen.rows] == ["QQT88", "QQT128", "QQT58"]
    assert screen.advice.text() == (
        "按您近5个月平均用量，全球通畅享套餐88元预计每月约¥97.31，比现在省¥30.69。"
    )
    assert screen.usage.text() == "您近5个月平均每月：通话449分钟，短信67条，流量18.3GB。"
    middle, large, small = screen.rows
    assert middle.best_mark.isVisible() and not middle.current_mark.isVisible()
    assert large.current_mark.isVisible() and large.current_mark.text() == "当前套餐"
    assert middle.terms.text() == "月费¥88.00 · 国内主叫400分钟 · 短信200条 · 流量20GB"
    assert (middle.cost_caption.text(), middle.cost.text()) == ("按您的用量，预计每月", "¥97.31")
    assert small.cost.text() == "¥359.50"


def test_comparison_then_confirm_books_the_change(plan_shell: Shell, fake: FakeBackend) -> None:
    screen = _compare(plan_shell, "QQT88")
    assert (screen.name_current.text(), screen.name_chosen.text()) == (
        "全球通畅享套餐128元",
        "全球通畅享套餐88元",
    )
    assert [u.text() for u in screen.usage_cells] == ["", "449分钟", "67条", "18.3GB", "", ""]
    cells = [(a.text(), b.text()) for a, b in screen.cells]
    assert cells == [
        ("¥128.00/月", "¥88.00/月"),
        ("700分钟", "400分钟"),
        ("300条", "200条"),
        ("40GB", "20GB"),
        ("¥0.00", "¥9.31（超出49分钟）"),
        ("¥128.00", "¥97.31"),
    ]
    assert screen.difference.text() == "换成这个套餐，预计每月省¥30.69。"
    qt_click(screen.change_button)
    assert fake.calls == []  # nothing is sent before the second confirmation
    assert screen.confirm.isVisible() and not screen.comparison.isVisible()
    assert screen.confirm.rows == [
        ("现在的套餐", "全球通畅享套餐128元"),
        ("新套餐", "全球通畅享套餐88元"),
        ("新套餐月费", "¥88.00/月"),
        ("生效日期", NEXT.isoformat()),
    ]
    assert NEXT.isoformat() in screen.confirm.note.text()
    # The agreement is shown; 确认办理 works only after 我已阅读并同意.
    assert screen.confirm.agreement_title.text() == TERMS.title
    assert screen.confirm.agreement_text.text() == TERMS.text
    assert not screen.confirm.confirm_button.isEnabled()
    qt_click(screen.confirm.consent_button)
    qt_click(screen.confirm.confirm_button)
    assert [code for code, _key in fake.calls] == ["QQT88"]
    assert fake.consents == ["2026.11"]
    assert fake.calls[0][1]  # an idempotency key went with it
    assert screen.result_title.text() == "套餐变更已受理"
    result = zip(screen.result_labels, screen.result_values, strict=True)
    assert [(a.text(), b.text()) for a, b in result] == [
        ("新套餐", "全球通畅享套餐88元"),
        ("生效日期", NEXT.isoformat()),
        ("业务流水号", "T20261125000042"),
    ]
    assert screen.services.text() == "您已订购的业务保持不变：来电显示、手机报"
    assert screen.receipt_button.isVisible()
    assert not screen.change_button.isVisible() and not screen.confirm.isVisible()
    from kiosk.idle import ScreenKind

    assert screen.kind is ScreenKind.FINISHED  # home after 20 s
    qt_click(screen.receipt_button)  # no printer in this shell: said calmly
    assert screen.print_panel.isVisible()
    assert screen.consented == TERMS  # named on the 业务受理单


def test_an_updated_agreement_is_read_and_agreed_again(
    plan_shell: Shell, fake: FakeBackend
) -> None:
    screen = _compare(plan_shell, "QQT88")
    qt_click(screen.change_button)
    qt_click(screen.confirm.consent_button)
    fake.terms = dataclasses.replace(TERMS, version="2026.12", text="一、新的条款。")
    qt_click(screen.confirm.confirm_button)  # refused: the text changed meanwhile
    assert fake.booked is None and screen.change is None
    assert screen.error.text() == "协议已更新，请重新阅读并确认。您的业务还没有办理。"
    assert screen.confirm.isVisible() and screen.confirm.agreement_text.text() == "一、新的条款。"
    assert not screen.confirm.consent_button.isChecked()
    assert not screen.confirm.confirm_button.isEnabled()
    qt_click(screen.confirm.consent_button)
    qt_click(screen.confirm.confirm_button)
    assert fake.consents == ["2026.12"] and screen.result_title.text() == "套餐变更已受理"


def test_cancel_sends_nothing_and_shows_the_comparison_again(
    plan_shell: Shell, fake: FakeBackend
) -> None:
    screen = _compare(plan_shell, "QQT88")
    qt_click(screen.change_button)
    qt_click(screen.confirm.cancel_button)
    assert fake.calls == []
    assert screen.comparison.isVisible() and screen.change_button.isVisible()


def test_a_refusal_is_said_calmly_and_nothing_changes(plan_shell: Shell, fake: FakeBackend) -> None:
    screen = _compare(plan_shell, "QQT88")
    fake.refuse = be.Conflict("您已办理该套餐，下月1日起生效")
    qt_click(screen.change_button)
    qt_click(screen.confirm.consent_button)
    qt_click(screen.confirm.confirm_button)
    assert screen.error.isVisible()
    assert screen.error.text() == (
        "这次没有办理成功：您已办理该套餐，下月1日起生效。您的套餐没有变化。"
    )
    assert screen.change is None and not screen.result.isVisible()
    assert screen.comparison.isVisible()


def test_the_current_and_the_booked_plan_offer_no_change(
    plan_shell: Shell, fake: FakeBackend
) -> None:
    screen = _compare(plan_shell, "QQT128")
    assert not screen.change_button.isVisible()
    assert screen.same_note.text() == "这是您现在的套餐，无需办理。"
    fake.booked = MIDDLE
    plans = _plans(plan_shell)
    middle = plans.row("QQT88")
    assert middle.booked_mark.isVisible()
    assert middle.booked_mark.text() == f"已办理，{NEXT.isoformat()}起生效"
    screen = _compare(plan_shell, "QQT88")
    assert not screen.change_button.isVisible()
    assert "已办理此套餐" in screen.same_note.text()
    screen = _compare(plan_shell, "QQT128")  # staying on the plan undoes the booking
    assert screen.change_button.isVisible()


def test_english_and_the_wipe_at_session_end(plan_shell: Shell, fake: FakeBackend) -> None:
    screen = _compare(plan_shell, "QQT88")
    qt_click(screen.change_button)
    qt_click(plan_shell.window.header.language_button)
    assert screen.confirm.title.text() == "Change your plan to: GoTone Enjoy 88"
    assert screen.row_labels[0].text() == "Monthly fee"
    assert screen.confirm.consent_button.text() == "I have read and agree"
    qt_click(screen.confirm.consent_button)
    qt_click(plan_shell.window.header.language_button)  # and back: the consent stays
    assert screen.confirm.consent_button.text() == "✓ 我已阅读并同意"
    qt_click(screen.confirm.confirm_button)
    assert screen.result_title.text() == "套餐变更已受理"
    qt_click(plan_shell.window.header.language_button)
    assert screen.result_title.text() == "Your plan change is booked"
    assert screen.services.text() == "Your services stay as they are: Caller ID, Mobile News"
    plan_shell.end_session(EndReason.CUSTOMER)
    assert screen.options is None and screen.change is None
    assert not screen.name_current.text() and not screen.result.isVisible()
    plans = plan_shell.navigator.screen("plans")
    assert isinstance(plans, PlansScreen)
    assert plans.options is None and not plans.rows


def qt_click(widget: object) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget) and widget.isVisible() and widget.isEnabled()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def test_without_bills_plans_are_compared_by_fee(
    plan_shell: Shell, fake: FakeBackend, qtbot: QtBot
) -> None:
    fake.bills = lambda: []  # type: ignore[method-assign]
    screen = _plans(plan_shell)
    assert screen.advice.text() == "暂无已出账单，无法按用量估算，以下按月费列出。"
    assert [r.estimate.plan.code for r in screen.rows] == ["QQT58", "QQT88", "QQT128"]
    assert not screen.rows[0].cost_box.isVisible()
    compare = _compare(plan_shell, "QQT58")
    assert compare.difference.text() == "这个套餐的月费比现在少¥70.00。"
    assert compare.cells[-1][1].text() == "无法估算"


def test_the_plan_estimates_and_the_bill_screens_share_one_fetch_of_the_bills(
    plan_shell: Shell, fake: FakeBackend
) -> None:
    from ui.shared.customer import with_bills

    fetched: list[int] = []
    real = fake.bills

    def counted() -> list[m.MonthBill]:
        fetched.append(1)
        return real()

    fake.bills = counted  # type: ignore[method-assign]
    screen = _plans(plan_shell)
    _plans(plan_shell)  # again: from the session's cache
    got: list[list[m.MonthBill]] = []
    with_bills(screen, got.append)  # what the bill, invoice and dispute screens call
    assert len(fetched) == 1 and [b.month for b in got[0]] == CLOSED[:5]
    plan_shell.end_session(EndReason.CUSTOMER)
    factors = {Factor.ID_CARD, Factor.SMS}
    plan_shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", factors))
    with_bills(screen, got.append)  # a new session fetches its own
    _plans(plan_shell)
    assert len(fetched) == 2
