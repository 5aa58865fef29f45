"""Feature installers: each adds its tile and screens to the registry (no dead tiles).

A feature that needs the backend or a device is installed only when that service exists.
"""

from __future__ import annotations

from kiosk.backend.models import Access
from ui.context import AppContext
from ui.features import Feature, FeatureRegistry
from ui.screens.account.overview import OverviewScreen


def install_account(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Function 1: balance, account overview and the reminder threshold."""
    if ctx.services.backend is None:
        return
    registry.add(
        Feature(
            key="overview",
            title_key="feature.overview",
            subtitle_key="feature.overview_sub",
            icon="balance.svg",
            entry_screen=OverviewScreen.screen_id,
            level=Access.SUMMARY,
            screens=(OverviewScreen,),
            order=10,
        )
    )


ALL_INSTALLERS = (install_account,)
