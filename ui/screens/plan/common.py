"""What the plan screens share: loading the options, and the texts of plans and usage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from common.money import format_fen
from kiosk import plans as kp
from kiosk.backend import models as m
from ui.screen import Screen
from ui.shared.customer import cached_bills, keep_bills

COMPARE = "plan_compare"  # the comparison screen's id


@dataclass(frozen=True)
class CompareParams:
    """The comparison screen's parameters: the customer's options and the plan chosen."""

    options: kp.PlanOptions
    code: str


def load_options(screen: Screen, on_done: Callable[[kp.PlanOptions], None]) -> None:
    """Overview, the brand's plans and the closed bills (cached for the session) on a worker."""
    ctx = screen.ctx
    cached = cached_bills(ctx)

    def job() -> tuple[kp.PlanOptions, list[m.MonthBill]]:
        backend = ctx.backend
        overview = backend.overview()
        plans = backend.plans()
        bills = cached if cached is not None else backend.bills()
        return kp.plan_options(overview, plans, bills), bills

    def done(result: tuple[kp.PlanOptions, list[m.MonthBill]]) -> None:
        options, bills = result
        if cached is None:
            keep_bills(ctx, bills)
        on_done(options)

    screen.fetch(job, done)


def allowance_text(screen: Screen, plan: m.Plan) -> str:
    """E.g. 国内主叫 700 分钟 · 短信 300 条 · 流量 40GB."""
    return screen.tr(
        "plan.allowance",
        minutes=plan.included_minutes,
        sms=plan.included_sms,
        data=kp.format_mb(plan.included_data_mb),
    )


def usage_text(screen: Screen, usage: kp.AverageUsage | None) -> str:
    """The customer's average month in one sentence (or why there is none)."""
    if usage is None:
        return screen.tr("plan.no_usage")
    return screen.tr(
        "plan.usage",
        months=usage.months,
        minutes=usage.minutes,
        sms=usage.sms,
        data=kp.format_mb(usage.data_mb),
    )


def advice_text(screen: Screen, options: kp.PlanOptions) -> str:
    """按您近5个月平均用量，… 预计每月约¥xx，比现在省¥yy."""
    advice = options.advice
    if advice.kind is kp.AdviceKind.NO_USAGE or advice.plan is None:
        return screen.tr("plan.advice_none")
    key = "plan.advice_save" if advice.kind is kp.AdviceKind.SAVE else "plan.advice_keep"
    return screen.tr(
        key,
        months=advice.months,
        plan=screen.term(advice.plan.name),
        estimate=format_fen(advice.estimate_fen),
        saving=format_fen(advice.saving_fen),
    )


def difference_text(screen: Screen, options: kp.PlanOptions, code: str) -> str:
    """What the chosen plan would change per month against the current one."""
    if options.usage is None:  # no usage to estimate from: compare the monthly fees
        diff = options.estimate(code).plan.monthly_fee_fen - options.current.plan.monthly_fee_fen
        keys = ("plan.fee_less", "plan.fee_more", "plan.fee_same")
    else:
        diff = options.difference_fen(code)
        keys = ("plan.diff_less", "plan.diff_more", "plan.diff_same")
    if diff < 0:
        return screen.tr(keys[0], amount=format_fen(-diff))
    if diff > 0:
        return screen.tr(keys[1], amount=format_fen(diff))
    return screen.tr(keys[2])
