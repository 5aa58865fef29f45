"""我的账单: the five closed months as a stacked chart with totals and the change against the
median; a tap on a bar (or a month button) opens that month's bill."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from common.money import format_fen
from kiosk import bills as kb
from kiosk.backend import models as m
from kiosk.backend.factors import Access
from kiosk.idle import ScreenKind
from ui.context import AppContext
from ui.screen import Screen
from ui.screens.bills.output import StatementOutput
from ui.screens.bills.params import DetailsParams, MonthParams
from ui.screens.bills.statement_job import SavedStatement, show_saved, statement_job
from ui.shared.customer import with_bills
from ui.widgets.bill_chart import BillChart
from ui.widgets.card import card

LEGEND_KEYS: dict[kb.ChartGroup, str] = {
    kb.ChartGroup.FIXED: "bills.group_fixed",
    kb.ChartGroup.VOICE: "bills.group_voice",
    kb.ChartGroup.DATA: "bills.group_data",
    kb.ChartGroup.MESSAGING: "bills.group_messaging",
    kb.ChartGroup.VAS: "bills.group_vas",
    kb.ChartGroup.SP: "bills.group_sp",
    kb.ChartGroup.DISCOUNT: "bills.group_discount",
}


def change_text(screen: Screen, change: kb.MonthChange) -> str:
    """ "比近5个月通常水平 ¥100.00 高 ¥12.00（+12%）" and its variants (plain words: no
    "中位数", no "-0%")."""
    if change.diff_fen == 0:
        return screen.tr("bills.change_same", median=format_fen(change.median_fen))
    up = change.diff_fen > 0
    pct = change.percent
    if not pct:  # under half a percent (or no median): never "-0%", just "slightly"
        key = "bills.change_up_slight" if up else "bills.change_down_slight"
    else:
        key = "bills.change_up" if up else "bills.change_down"
    return screen.tr(
        key,
        diff=format_fen(abs(change.diff_fen)),
        median=format_fen(change.median_fen),
        pct=abs(pct) if pct is not None else 0,
    )


class BillsScreen(Screen):
    """Five months at a glance."""

    screen_id = "bills"
    kind = ScreenKind.READING
    title_key = "bills.title"
    hint_key = "bills.hint"

    def __init__(self, ctx: AppContext, output: StatementOutput) -> None:
        super().__init__(ctx)
        self.output = output
        self.summary = self.label(role="value")
        self.change = self.label(role="caption")
        self.chart = BillChart()
        self.chart.month_tapped.connect(self._on_chart_month_tapped)
        self.details_button = QPushButton()
        self.details_button.setObjectName("detailsButton")
        self.details_button.clicked.connect(self._on_details_button_clicked)
        self.pdf_button = QPushButton()
        self.pdf_button.setObjectName("pdfButton")
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        # The actions sit beside the summary, so that the whole screen fits without scrolling
        # (the chart takes the height that is left).
        heading = QWidget()
        heading_row = QHBoxLayout(heading)
        heading_row.setContentsMargins(0, 0, 0, 0)
        heading_row.setSpacing(16)
        words = QWidget()
        words_column = QVBoxLayout(words)
        words_column.setContentsMargins(0, 0, 0, 0)
        words_column.setSpacing(8)
        words_column.addWidget(self.summary)
        words_column.addWidget(self.change)
        heading_row.addWidget(words, 1)
        heading_row.addWidget(self.details_button)
        heading_row.addWidget(self.pdf_button)
        self.layout_.addWidget(card(heading, self.chart), 1)
        self.month_row = QHBoxLayout()
        self.month_row.setSpacing(16)
        months = QWidget()
        months.setLayout(self.month_row)
        self.layout_.addWidget(months)
        self.month_buttons: dict[str, QPushButton] = {}
        self.bills: list[m.MonthBill] = []
        self.saved: SavedStatement | None = None

    def enter(self, params: Any) -> None:
        self.saved = None  # an old visit's "PDF saved" is not news on this one
        self.clear_messages()
        self.retranslate()
        with_bills(self, self._show)

    def reset(self) -> None:
        self.bills = []
        self.saved = None
        self.chart.clear()
        self.summary.clear()
        self.change.clear()
        self._clear_months()
        self.clear_messages()

    def retranslate(self) -> None:
        super().retranslate()
        self.details_button.setText(self.tr("bills.open_details"))
        self.pdf_button.setText(self.tr("bills.save_pdf"))
        if self.bills:
            self._show(self.bills)
        if self.saved is not None:  # else the status may be a fetch's busy text: left alone
            show_saved(self, self.saved)

    # Rendering -----------------------------------------------------------------------------
    def _show(self, bills: list[m.MonthBill]) -> None:
        self.bills = bills
        if not bills:
            self.summary.setText(self.tr("bills.none"))
            return
        newest = max(bills, key=lambda b: b.month)
        change = kb.change_against_median(newest, bills)
        self.summary.setText(
            self.tr("bills.summary", month=newest.month, total=format_fen(newest.total_fen))
        )
        self.change.setText(change_text(self, change))
        legend = {g: self.tr(k) for g, k in LEGEND_KEYS.items()}
        self.chart.set_data(
            kb.chart_bars(bills),
            change.median_fen,
            legend,
            self.tr("bills.median", median=format_fen(change.median_fen)),
        )
        self._clear_months()
        for bill in sorted(bills, key=lambda b: b.month):
            button = QPushButton(
                self.tr("bills.month_button", month=bill.month, total=format_fen(bill.total_fen))
            )
            button.setProperty("kind", "month")
            button.clicked.connect(lambda _=False, mo=bill.month: self.open_month(mo))
            self.month_buttons[bill.month] = button
            self.month_row.addWidget(button)

    def _clear_months(self) -> None:
        for button in self.month_buttons.values():
            self.month_row.removeWidget(button)
            button.deleteLater()
        self.month_buttons = {}

    # Actions -------------------------------------------------------------------------------
    def open_month(self, month: str) -> None:
        self.open("bill", MonthParams(month))

    def _on_chart_month_tapped(self, month: str) -> None:
        self.open_month(month)

    def _on_details_button_clicked(self) -> None:
        newest = max((b.month for b in self.bills), default=None)
        self.open("details", DetailsParams(newest), Access.DETAILS)

    def _on_pdf_button_clicked(self) -> None:
        if not self.bills:
            return
        job = statement_job(self.ctx, self.output, self.bills, None, True)
        self.fetch(job, self._saved, busy_key="bills.saving_pdf", context="print")

    def _saved(self, saved: SavedStatement) -> None:
        self.saved = saved
        show_saved(self, saved)
