"""增值业务 (PRODUCT function 6).

The home tiles and screens this feature adds.
Screen modules are imported inside their factories: start-up loads only the home screen.
"""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, FeatureRegistry
from ui.screens.base import Screen


def _services(ctx: AppContext) -> Screen:
    from ui.screens.services.services import ServicesScreen

    return ServicesScreen(ctx)


def install_services(registry: FeatureRegistry, ctx: AppContext) -> None:
    """我的业务: subscriptions and their monthly fees, one-tap unsubscribe, ordering.

    The tile asks for the summary level, as the backend does for the list and for
    unsubscribing (PRODUCT: unsubscribe in one tap, so no ID card for it). Ordering is
    sensitive (ID card + SMS code): the screen asks for the missing factors when the customer
    taps 订购, and comes back to that service's confirmation.
    """
    if ctx.services.backend is None:
        return
    registry.add(
        Feature(
            key="services",
            icon="services.svg",
            entry_screen="services",
            level=Access.SUMMARY,
            screens=(("services", _services),),
            order=60,
        )
    )
