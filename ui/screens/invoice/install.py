"""发票打印与垃圾短信举报 (PRODUCT functions 9 and 10)."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, lazy_screen


def features(ctx: AppContext) -> tuple[Feature, ...]:
    """Function 9 (monthly invoice, summary level: the backend's matrix) and function 10
    (spam report: the backend accepts any one factor; the kiosk's smallest level is SUMMARY)."""
    return (
        Feature(
            key="invoice",
            icon="invoice.svg",
            entry_screen="invoice",
            level=Access.SUMMARY,
            screens=(("invoice", lazy_screen("ui.screens.invoice.invoice:InvoiceScreen")),),
            order=80,
            needs_paper=True,  # issued once, printed in the same session: no paper, no invoice
        ),
        Feature(
            key="spam",
            icon="spam.svg",
            entry_screen="spam",
            level=Access.SUMMARY,
            screens=(("spam", lazy_screen("ui.screens.invoice.spam:SpamScreen")),),
            order=90,
        ),
    )
