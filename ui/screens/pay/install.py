"""缴费充值 (PRODUCT function 4): pay / top up by QR code, with a payment receipt, and in cash
where the terminal has a banknote acceptor."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, ScreenFactory, lazy_screen


def features(ctx: AppContext) -> tuple[Feature, ...]:
    screens: tuple[tuple[str, ScreenFactory], ...] = (
        ("pay", lazy_screen("ui.screens.pay.pay:PayScreen")),
    )
    if ctx.services.cash is not None:
        screens += (("pay_cash", lazy_screen("ui.screens.pay.cash:CashPayScreen")),)
    return (
        Feature(
            key="pay",
            icon="pay.svg",
            entry_screen="pay",
            level=Access.SUMMARY,
            screens=screens,
            order=15,
        ),
    )
