"""套餐变更 (PRODUCT function 5).

The home tiles and screens this feature adds.
Screen modules are imported inside their factories: start-up loads only the home screen.
"""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, FeatureRegistry
from ui.screens.base import Screen


def _plans(ctx: AppContext) -> Screen:
    from ui.screens.plan.plans import PlansScreen

    return PlansScreen(ctx)


def _compare(ctx: AppContext) -> Screen:
    from ui.screens.plan.compare import PlanCompareScreen

    return PlanCompareScreen(ctx)


def install_plan(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Plan change from next month, compared against the customer's own usage.

    A plan change is a sensitive transaction: ID card + SMS code (the backend demands the
    same level for POST /v1/plan-change; the plan list itself needs only the summary level).
    """
    if ctx.services.backend is None:
        return
    registry.add(
        Feature(
            key="plan",
            icon="plan.svg",
            entry_screen="plans",
            level=Access.SENSITIVE,
            screens=(("plans", _plans), ("plan_compare", _compare)),
            order=40,
        )
    )
