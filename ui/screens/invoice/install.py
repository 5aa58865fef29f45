"""发票打印与垃圾短信举报 (PRODUCT functions 9 and 10).

The home tiles and screens this feature adds.
Screen modules are imported inside their factories: start-up loads only the home screen.
"""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, FeatureRegistry
from ui.screens.base import Screen


def _invoice(ctx: AppContext) -> Screen:
    from ui.screens.invoice.invoice import InvoiceScreen

    return InvoiceScreen(ctx)


def _spam(ctx: AppContext) -> Screen:
    from ui.screens.invoice.spam import SpamScreen

    return SpamScreen(ctx)


def install_invoice(registry: FeatureRegistry, ctx: AppContext) -> None:
    """Function 9 (monthly invoice, summary level: the backend's matrix) and function 10
    (spam report: the backend accepts any one factor; the kiosk's smallest level is SUMMARY)."""
    if ctx.services.backend is None:
        return
    registry.add(
        Feature(
            key="invoice",
            icon="invoice.svg",
            entry_screen="invoice",
            level=Access.SUMMARY,
            screens=(("invoice", _invoice),),
            order=80,
            needs_paper=True,  # issued once, printed in the same session: no paper, no invoice
        )
    )
    registry.add(
        Feature(
            key="spam",
            icon="spam.svg",
            entry_screen="spam",
            level=Access.SUMMARY,
            screens=(("spam", _spam),),
            order=90,
        )
    )
