"""Feature installers: each adds its tile and screens to the registry (no dead tiles).

Screen modules are imported inside their factories, so start-up loads only the home screen.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, FeatureRegistry
from ui.screens.base import Screen
from ui.screens.invoice.install import install_invoice
from ui.screens.line.install import install_line
from ui.screens.plan.install import install_plan
from ui.screens.services.install import install_services


def _overview(ctx: AppContext) -> Screen:
    from ui.screens.account.overview import OverviewScreen

    return OverviewScreen(ctx)


def install_account(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Function 1: balance, account overview and the reminder threshold."""
    if ctx.services.backend is None:
        return
    registry.add(
        Feature(
            key="overview",
            icon="balance.svg",
            entry_screen="overview",
            level=Access.SUMMARY,
            screens=(("overview", _overview),),
            order=10,
        )
    )


def install_bills(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Functions 2, 3 and 7: bills of 5 closed months, itemised details, disputes."""
    if ctx.services.backend is None:
        return
    from ui.screens.bills.factories import bills_features

    for feature in bills_features(ctx):
        registry.add(feature)


def _pay(ctx: AppContext) -> Screen:
    from ui.screens.pay.pay import PayScreen

    return PayScreen(ctx)


def _pay_cash(ctx: AppContext) -> Screen:
    from ui.screens.pay.cash import CashPayScreen

    return CashPayScreen(ctx)


def install_pay(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Function 4: pay / top up by QR code, with a payment receipt (and in cash where the
    terminal has a banknote acceptor)."""
    if ctx.services.backend is None:
        return
    screens: tuple[tuple[str, Callable[[AppContext], Screen]], ...] = (("pay", _pay),)
    if ctx.services.cash is not None:
        screens += (("pay_cash", _pay_cash),)
    registry.add(
        Feature(
            key="pay",
            icon="pay.svg",
            entry_screen="pay",
            level=Access.SUMMARY,
            screens=screens,
            order=15,
        )
    )


ALL_INSTALLERS = (
    install_account,
    install_pay,
    install_bills,
    install_plan,
    install_services,
    install_line,
    install_invoice,
)
