"""Tour steps for 套餐变更 (PRODUCT function 5).

demo/tour_steps.py runs them after the dispute steps, while the session holds ID card + SMS
code (sensitive transactions are allowed). 张晓峰 (全球通 QQT128) books the plan the list
recommends for his usage from next month; nothing in the later steps depends on his plan."""

from __future__ import annotations

from demo.tour import Step, Tour, TourError
from ui.screens.plan.compare import PlanCompareScreen
from ui.screens.plan.plans import PlansScreen


def plan_list(t: Tour) -> None:
    t.go_home()
    t.tap(t.shell.home_screen.tiles["plan"])
    t.expect_screen("plans")  # ID card + SMS already held: no identification
    screen = t.screen(PlansScreen)
    t.wait_until("the plans with estimates", lambda: screen.options is not None)
    if not any(r.best_mark.isVisible() for r in screen.rows):
        raise TourError("no cheaper plan recommended for the demo customer's usage")


def plan_compare(t: Tour) -> None:
    screen = t.screen(PlansScreen)
    best = next(r for r in screen.rows if r.best_mark.isVisible())
    t.tap(best.choose_button)
    t.expect_screen("plan_compare")
    compare = t.screen(PlanCompareScreen)
    if not compare.change_button.isVisible():
        raise TourError("the recommended plan cannot be chosen")


def plan_agreement(t: Tour) -> None:
    screen = t.screen(PlanCompareScreen)
    t.tap(screen.change_button)
    t.wait_until("the second confirmation", screen.confirm.isVisible)
    if not screen.confirm.agreement_title.text():
        raise TourError("the plan change agreement (入网协议) is not shown")
    if screen.confirm.confirm_button.isEnabled():
        raise TourError("确认办理 works before the consent")
    t.tap(screen.confirm.consent_button)  # 我已阅读并同意


def plan_changed(t: Tour) -> None:
    screen = t.screen(PlanCompareScreen)
    t.tap(screen.confirm.confirm_button)
    t.wait_until("the booked change", lambda: screen.change is not None)
    t.tap(screen.receipt_button)
    panel = screen.print_panel
    t.print_slip(panel, "receipt")


def plan_home(t: Tour) -> None:
    t.go_home()


STEPS: list[Step] = [
    ("plan-list", "套餐变更：按近5个月用量估算每个套餐", plan_list),
    ("plan-compare", "套餐对比：现在的套餐与新套餐", plan_compare),
    ("plan-agreement", "再次确认：阅读入网协议套餐变更条款，点「我已阅读并同意」", plan_agreement),
    ("plan-changed", "确认办理，下月1日生效，打印业务受理单", plan_changed),
    ("plan-home", "返回首页", plan_home),
]
