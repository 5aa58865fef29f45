"""套餐变更 (plan change): what each plan of the brand would cost at the customer's own usage.

From the closed months' bills (their usage lines: 国内主叫 minutes, sent SMS, data MB, as the
backend counted them against the plan) this module averages the monthly usage and estimates,
for every plan, the monthly fee plus the overage at that plan's rates. Estimates cover what a
plan changes: roaming calls, MMS, value-added and third-party charges do not depend on the plan
and are left out (the screens say so).

Pure functions of :mod:`kiosk.backend.models` values; no Qt, no I/O; money in integer fen.
The receipt texts are domain data in Chinese (like the bill itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from common.money import format_fen
from kiosk.agreements import consent_note
from kiosk.backend import models as m
from kiosk.bills import usage_of
from printer import statement as st
from printer.receipts.transaction import TransactionReceipt

MB_PER_GB = 1024


class UsageKind(Enum):
    """The usage lines of a bill (``UsageItem.kind``) a plan includes an allowance for."""

    VOICE = "voice"  # 国内主叫, minutes
    SMS = "sms"  # sent SMS
    DATA = "data"  # 国内流量, MB


@dataclass(frozen=True)
class AverageUsage:
    """Average monthly usage over ``months`` closed months (rounded half up)."""

    months: int
    minutes: int
    sms: int
    data_mb: int

    def of(self, kind: UsageKind) -> int:
        return {
            UsageKind.VOICE: self.minutes,
            UsageKind.SMS: self.sms,
            UsageKind.DATA: self.data_mb,
        }[kind]


@dataclass(frozen=True)
class Overage:
    """Usage beyond a plan's allowance at its rate: ``quantity × unit price = amount``."""

    kind: UsageKind
    quantity: int
    unit_price_fen: int

    @property
    def amount_fen(self) -> int:
        return self.quantity * self.unit_price_fen


@dataclass(frozen=True)
class PlanEstimate:
    """A plan's estimated monthly cost at the average usage (fee only when usage is unknown)."""

    plan: m.Plan
    overages: tuple[Overage, ...]
    is_current: bool = False
    is_booked: bool = False  # the change already booked for next month

    @property
    def overage_fen(self) -> int:
        return sum(o.amount_fen for o in self.overages)

    @property
    def total_fen(self) -> int:
        return self.plan.monthly_fee_fen + self.overage_fen


class AdviceKind(Enum):
    """What the plan list says first."""

    SAVE = "save"  # another plan costs less at the customer's usage
    KEEP = "keep"  # the current plan is already the cheapest
    NO_USAGE = "no_usage"  # no closed month to estimate from


@dataclass(frozen=True)
class Advice:
    """The plain answer: which plan fits, what it would cost a month, what it saves."""

    kind: AdviceKind
    months: int = 0
    plan: m.Plan | None = None
    estimate_fen: int = 0
    saving_fen: int = 0


@dataclass(frozen=True)
class PlanOptions:
    """Everything the plan screens show: the brand's plans ranked, the current one, advice."""

    usage: AverageUsage | None
    estimates: tuple[PlanEstimate, ...]  # cheapest estimate first
    current: PlanEstimate
    advice: Advice
    effective_on: dt.date  # the 1st of the month after the backend's open month

    def estimate(self, code: str) -> PlanEstimate:
        return next(e for e in self.estimates if e.plan.code == code)

    def difference_fen(self, code: str) -> int:
        """Chosen minus current per month (negative: the customer saves)."""
        return self.estimate(code).total_fen - self.current.total_fen


# -- arithmetic ------------------------------------------------------------------------------


def _round_div(total: int, count: int) -> int:
    """``total / count`` rounded half up (non-negative integers)."""
    return (2 * total + count) // (2 * count)


def average_usage(bills: Sequence[m.MonthBill]) -> AverageUsage | None:
    """The monthly average of the bills' usage lines; None without a bill carrying usage."""
    with_usage = [b for b in bills if b.usage]
    if not with_usage:
        return None
    averages: dict[UsageKind, int] = {}
    for kind in UsageKind:
        used = [u.used for b in with_usage if (u := usage_of(b, kind.value)) is not None]
        averages[kind] = _round_div(sum(used), len(used)) if used else 0
    return AverageUsage(
        len(with_usage),
        averages[UsageKind.VOICE],
        averages[UsageKind.SMS],
        averages[UsageKind.DATA],
    )


def _allowance(plan: m.Plan, kind: UsageKind) -> tuple[int, int]:
    """(included amount, price per unit beyond it)."""
    if kind is UsageKind.VOICE:
        return plan.included_minutes, plan.overage_minute_fen
    if kind is UsageKind.SMS:
        return plan.included_sms, plan.overage_sms_fen
    return plan.included_data_mb, plan.overage_data_fen_per_mb


def overages(plan: m.Plan, usage: AverageUsage | None) -> tuple[Overage, ...]:
    """What ``usage`` would exceed of ``plan``'s allowances (charged lines only)."""
    if usage is None:
        return ()
    found: list[Overage] = []
    for kind in UsageKind:
        included, price = _allowance(plan, kind)
        over = max(0, usage.of(kind) - included)
        if over and price:
            found.append(Overage(kind, over, price))
    return tuple(found)


def estimate(
    plan: m.Plan, usage: AverageUsage | None, *, current: bool = False, booked: bool = False
) -> PlanEstimate:
    """The plan's monthly fee plus the overage at its rates."""
    return PlanEstimate(plan, overages(plan, usage), current, booked)


def _rank_key(e: PlanEstimate) -> tuple[int, int, str]:
    return (e.total_fen, e.plan.monthly_fee_fen, e.plan.code)


def rank(estimates: Sequence[PlanEstimate]) -> list[PlanEstimate]:
    """Cheapest estimate first; equal estimates: the smaller fee (less paid up front) first."""
    return sorted(estimates, key=_rank_key)


def advise(estimates: Sequence[PlanEstimate], usage: AverageUsage | None) -> Advice:
    """The cheapest plan at the average usage against the current one."""
    current = next((e for e in estimates if e.is_current), None)
    if usage is None or current is None or not estimates:
        return Advice(AdviceKind.NO_USAGE)
    best = min(estimates, key=_rank_key)
    saving = current.total_fen - best.total_fen
    if best.is_current or saving <= 0:
        return Advice(AdviceKind.KEEP, usage.months, current.plan, current.total_fen)
    return Advice(AdviceKind.SAVE, usage.months, best.plan, best.total_fen, saving)


def next_month_start(month: str) -> dt.date:
    """The 1st of the month after ``YYYY-MM`` (when a booked change takes effect)."""
    year, mon = (int(part) for part in month.split("-"))
    return dt.date(year + mon // 12, mon % 12 + 1, 1)


def plan_options(
    overview: m.AccountOverview, plans: Sequence[m.Plan], bills: Sequence[m.MonthBill]
) -> PlanOptions:
    """The brand's plans ranked by estimate at the customer's usage, with the advice."""
    usage = average_usage(bills)
    current_code = overview.plan.code
    booked_code = overview.next_plan.code if overview.next_plan is not None else None
    listed = list(plans)
    if all(p.code != current_code for p in listed):
        listed.append(overview.plan)  # always compare against what the customer has
    estimates = rank(
        [
            estimate(p, usage, current=p.code == current_code, booked=p.code == booked_code)
            for p in listed
        ]
    )
    current = next(e for e in estimates if e.is_current)
    return PlanOptions(
        usage,
        tuple(estimates),
        current,
        advise(estimates, usage),
        next_month_start(overview.month),
    )


def may_change_to(options: PlanOptions, code: str) -> bool:
    """Whether offering 办理 makes sense: not the plan the line keeps anyway.

    The backend still decides (a booking made elsewhere meanwhile is refused there)."""
    chosen = options.estimate(code)
    if chosen.is_booked:
        return False
    booked = any(e.is_booked for e in options.estimates)
    # The current plan again only undoes a booked change.
    return not chosen.is_current or booked


# -- display helpers -------------------------------------------------------------------------


def format_mb(mb: int) -> str:
    """Data amounts as customers read them: 500MB, 10GB, 17.4GB."""
    if mb < MB_PER_GB:
        return f"{mb}MB"
    tenths = _round_div(mb * 10, MB_PER_GB)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}GB" if tenth == 0 else f"{whole}.{tenth}GB"


# -- receipt ---------------------------------------------------------------------------------

PLAN_CHANGE_BUSINESS = "套餐变更"


def plan_change_receipt(
    change: m.PlanChange,
    terminal: st.Terminal,
    customer: st.Customer,
    time: dt.datetime,
    agreement: m.Agreement | None = None,
) -> TransactionReceipt:
    """The 业务受理单 a customer takes home after booking a plan change (with the agreement
    the customer accepted, when given)."""
    new = change.to_plan
    details: list[tuple[str, str]] = [
        ("原套餐", change.from_plan.name),
        ("新套餐", new.name),
        ("新套餐月费", format_fen(new.monthly_fee_fen)),
        ("套餐内容", new.description),
        ("生效日期", change.effective_on.isoformat()),
    ]
    if change.services_kept:
        details.append(("保留业务", "、".join(change.services_kept)))
    if change.services_cancelled:
        details.append(("取消业务", "、".join(change.services_cancelled)))
    if change.services_opened:
        details.append(("新开业务", "、".join(change.services_opened)))
    notes: tuple[str, ...] = (
        f"新套餐自{change.effective_on.year}年{change.effective_on.month}月"
        f"{change.effective_on.day}日起生效，本月按原套餐计费。",
    )
    if agreement is not None:
        notes = (*notes, consent_note(agreement))
    return TransactionReceipt(
        terminal=terminal,
        customer=customer,
        business=PLAN_CHANGE_BUSINESS,
        transaction_no=change.transaction_id,
        time=time,
        details=tuple(details),
        status="已受理",
        notes=notes,
    )
