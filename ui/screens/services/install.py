"""增值业务 (PRODUCT function 6)."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, lazy_screen


def features(ctx: AppContext) -> tuple[Feature, ...]:
    """我的业务: subscriptions and their monthly fees, one-tap unsubscribe, ordering.

    The tile asks for the summary level, as the backend does for the list and for
    unsubscribing (PRODUCT: unsubscribe in one tap, so no ID card for it). Ordering is
    sensitive (ID card + SMS code): the screen asks for the missing factors when the customer
    taps 订购, and comes back to that service's confirmation.
    """
    return (
        Feature(
            key="services",
            icon="services.svg",
            entry_screen="services",
            level=Access.SUMMARY,
            screens=(("services", lazy_screen("ui.screens.services.services:ServicesScreen")),),
            order=60,
        ),
    )
