"""缴费充值 (PRODUCT function 4): pay / top up by QR code, with a payment receipt."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, lazy_screen


def features(ctx: AppContext) -> tuple[Feature, ...]:
    return (
        Feature(
            key="pay",
            icon="pay.svg",
            entry_screen="pay",
            level=Access.SUMMARY,
            screens=(("pay", lazy_screen("ui.screens.pay.pay:PayScreen")),),
            order=15,
        ),
    )
