"""套餐变更 (PRODUCT function 5)."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, lazy_screen


def features(ctx: AppContext) -> tuple[Feature, ...]:
    """Plan change from next month, compared against the customer's own usage.

    A plan change is a sensitive transaction: ID card + SMS code (the backend demands the
    same level for POST /v1/plan-change; the plan list itself needs only the summary level).
    """
    return (
        Feature(
            key="plan",
            icon="plan.svg",
            entry_screen="plans",
            level=Access.SENSITIVE,
            screens=(
                ("plans", lazy_screen("ui.screens.plan.plans:PlansScreen")),
                ("plan_compare", lazy_screen("ui.screens.plan.compare:PlanCompareScreen")),
            ),
            order=40,
        ),
    )
