"""The bill features and their lazily built screens (imports stay light until first use)."""

from __future__ import annotations

from kiosk.backend.factors import Access
from ui.context import AppContext
from ui.features import Feature
from ui.screens.base import Screen
from ui.screens.bills.output import StatementOutput, default_output


def _svg(name: str) -> str:
    return f"{name}.svg"


def bills_features(ctx: AppContext) -> list[Feature]:
    """我的账单 (summary level), 详单查询 and 费用申诉 (details level)."""
    output = default_output(ctx.config)

    def bills(c: AppContext) -> Screen:
        from ui.screens.bills.overview import BillsScreen

        return BillsScreen(c, output)

    def month(c: AppContext) -> Screen:
        from ui.screens.bills.month import MonthBillScreen

        return MonthBillScreen(c)

    def details(c: AppContext) -> Screen:
        from ui.screens.bills.details import DetailsScreen

        return DetailsScreen(c, output)

    def dispute(c: AppContext) -> Screen:
        from ui.screens.bills.dispute import DisputeScreen

        return DisputeScreen(c)

    return [
        Feature(
            key="bills",
            icon=_svg("bill"),
            entry_screen="bills",
            level=Access.SUMMARY,
            screens=(("bills", bills), ("bill", month)),
            order=20,
        ),
        Feature(
            key="details",
            icon=_svg("details"),
            entry_screen="details",
            level=Access.DETAILS,
            screens=(("details", details),),
            order=30,
        ),
        Feature(
            key="dispute",
            icon=_svg("dispute"),
            entry_screen="dispute",
            level=Access.DETAILS,
            screens=(("dispute", dispute),),
            order=70,
        ),
    ]


__all__ = ["StatementOutput", "bills_features"]
