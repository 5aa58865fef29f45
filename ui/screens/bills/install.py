"""我的账单, 详单查询 and 费用申诉 (PRODUCT functions 2, 3 and 7)."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature, lazy_screen
from ui.screens.bills.output import default_output


def features(ctx: AppContext) -> tuple[Feature, ...]:
    """Bills at the summary level; details and disputes at the details level. The bill and
    details screens share one statement folder (the tour points it elsewhere)."""
    output = default_output(ctx.config)
    return (
        Feature(
            key="bills",
            icon="bill.svg",
            entry_screen="bills",
            level=Access.SUMMARY,
            screens=(
                ("bills", lazy_screen("ui.screens.bills.overview:BillsScreen", output)),
                ("bill", lazy_screen("ui.screens.bills.month:MonthBillScreen")),
            ),
            order=20,
        ),
        Feature(
            key="details",
            icon="details.svg",
            entry_screen="details",
            level=Access.DETAILS,
            screens=(("details", lazy_screen("ui.screens.bills.details:DetailsScreen", output)),),
            order=30,
        ),
        Feature(
            key="dispute",
            icon="dispute.svg",
            entry_screen="dispute",
            level=Access.DETAILS,
            screens=(("dispute", lazy_screen("ui.screens.bills.dispute:DisputeScreen")),),
            order=70,
        ),
    )
