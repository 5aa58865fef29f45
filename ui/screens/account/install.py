"""余额查询 (PRODUCT function 1): balance, account overview and the reminder threshold."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, lazy_screen


def features(ctx: AppContext) -> tuple[Feature, ...]:
    return (
        Feature(
            key="overview",
            icon="balance.svg",
            entry_screen="overview",
            level=Access.SUMMARY,
            screens=(("overview", lazy_screen("ui.screens.account.overview:OverviewScreen")),),
            order=10,
        ),
    )
