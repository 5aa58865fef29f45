"""详单: itemised records of a closed month, by tab (calls, SMS/MMS, data, value-added and
third-party), with filters, totals per filter, printing once per session, PDF and disputes.

Rows come from :class:`ui.models.records_model.RecordsModel`, which pages from the backend as
the customer scrolls. A tap on a row selects the charge to dispute, so every row is a tap
target: as high as the theme's ``target`` (kiosk.qss sets the vertical header's default section
size from the token, so it follows the large-text switch), all rows the same height (no per-row
sizing over 10,000 rows), and the table scrolls kinetically by touch.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
)

from common.hall_time import hall_now
from common.money import format_fen
from kiosk import bills as kb
from kiosk import disputes as kd
from kiosk.backend import models as m
from kiosk.backend.factors import Access
from kiosk.idle import ScreenKind
from kiosk.records import DetailTab, RecordQuery, client_fetch, fetch_all, may_show_full_numbers
from printer.document import Document
from printer.receipts import DetailSlip, build_detail_slip
from printer.statement import format_volume
from ui.context import AppContext
from ui.models.records_model import RecordsModel
from ui.screen import Screen
from ui.screens.bills.output import StatementOutput
from ui.screens.bills.params import DetailsParams
from ui.screens.bills.statement_job import SavedStatement, show_saved, statement_job
from ui.shared.customer import (
    doc_customer,
    doc_terminal,
    with_bills,
)
from ui.widgets.columns import fit_columns
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.flow import FlowLayout
from ui.widgets.print_panel import PrintPanel
from ui.widgets.touch_scroll import enable_touch_scroll

TAB_KEYS = {
    DetailTab.CALLS: "details.tab_calls",
    DetailTab.MESSAGES: "details.tab_messages",
    DetailTab.DATA: "details.tab_data",
    DetailTab.SERVICES: "details.tab_services",
}


def _button(name: str, checkable: bool = False) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.setCheckable(checkable)
    return button


class DetailsScreen(Screen):
    """Itemised records (needs Access.DETAILS: the shell identifies first)."""

    Params = DetailsParams
    screen_id = "details"
    kind = ScreenKind.READING
    title_key = "details.title"

    def __init__(self, ctx: AppContext, output: StatementOutput) -> None:
        super().__init__(ctx)
        self.layout_.setSpacing(12)
        self.output = output
        self.month_row = QHBoxLayout()
        self.layout_.addLayout(self.month_row)
        self.month_buttons: dict[str, QPushButton] = {}
        self.month_group = QButtonGroup(self)
        self.month_group.setExclusive(True)
        tabs = FlowLayout()  # wraps: large text and English do not fit one line (issue 13)
        self.tab_group = QButtonGroup(self)
        self.tab_group.setExclusive(True)
        self.tab_buttons: dict[DetailTab, QPushButton] = {}
        for tab in DetailTab:
            button = _button("detailTab", checkable=True)
            button.clicked.connect(lambda _=False, t=tab: self.set_tab(t))
            self.tab_group.addButton(button)
            self.tab_buttons[tab] = button
            tabs.addWidget(button)
        filters = tabs  # one flow for tabs and filters: the table keeps the height
        self.fee_only = _button("filterButton", checkable=True)
        self.fee_only.toggled.connect(self._on_filter_toggled)
        self.roaming_only = _button("filterButton", checkable=True)
        self.roaming_only.toggled.connect(self._on_filter_toggled)
        self.numbers_button = _button("numbersButton", checkable=True)
        self.numbers_button.toggled.connect(self._on_numbers_button_toggled)
        for widget in (self.fee_only, self.roaming_only, self.numbers_button):
            filters.addWidget(widget)
        self.layout_.addLayout(tabs)
        self.totals = self.label(role="totals")
        # The actions sit beside the totals, above the table: below it they were half under the
        # bottom bar in standard text (the rows are tap-target high).
        totals_row = QHBoxLayout()
        totals_row.addWidget(self.totals, 1)
        self.print_button = _button("printDetailsButton")
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.pdf_button = _button("detailsPdfButton")
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.dispute_button = _button("disputeRecordButton")
        self.dispute_button.clicked.connect(self._on_dispute_button_clicked)
        for widget in (self.print_button, self.pdf_button, self.dispute_button):
            totals_row.addWidget(widget)
        self.layout_.addLayout(totals_row)
        self.model = RecordsModel(ctx)
        self.model.page_loaded.connect(self._on_model_page_loaded)
        self.model.failed.connect(self._on_model_failed)
        self.table = QTableView()
        self.table.setObjectName("recordsTable")
        # named before the model is set (setModel polishes the header): kiosk.qss sizes its rows
        self.table.verticalHeader().setObjectName("recordsRows")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows
        # the row height (defaultSectionSize) comes from kiosk.qss: the theme's tap target
        fit_columns(self.table.horizontalHeader())
        enable_touch_scroll(self.table)
        # the table's minimum height is kiosk.qss's records_min
        self.layout_.addWidget(self.table, 1)
        self.print_panel = PrintPanel(ctx)
        self.layout_.addWidget(self.print_panel)
        # Full other-party numbers go on paper only after this explicit question; otherwise
        # (and always in the PDF) they are masked.
        self.full_numbers_confirm = ConfirmPanel(ctx.translator)
        self.full_numbers_confirm.confirmed.connect(self._on_full_numbers_confirm_confirmed)
        self.full_numbers_confirm.cancelled.connect(self._on_full_numbers_confirm_cancelled)
        self.layout_.addWidget(self.full_numbers_confirm)
        self.bills: list[m.MonthBill] = []
        self.month = ""
        self.tab = DetailTab.CALLS
        self.saved: SavedStatement | None = None

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        if isinstance(params, DetailsParams):
            self.month = params.month or self.month
            self.tab = params.tab or self.tab
        self.print_panel.reset()
        self.full_numbers_confirm.close_question()
        self.saved = None  # an old visit's "PDF saved" is not news on this one
        self.clear_messages()
        self.retranslate()
        with_bills(self, self._got_bills)

    def reset(self) -> None:
        self.model.clear()
        self.bills = []
        self.month = ""
        self.tab = DetailTab.CALLS
        self.saved = None
        for button in (self.fee_only, self.roaming_only, self.numbers_button):
            button.blockSignals(True)
            button.setChecked(False)
            button.blockSignals(False)
        self._clear_months()
        self.totals.clear()
        self.print_panel.reset()
        self.full_numbers_confirm.close_question()
        self.clear_messages()

    def retranslate(self) -> None:
        super().retranslate()
        for tab, button in self.tab_buttons.items():
            button.setText(self.tr(TAB_KEYS[tab]))
        self.fee_only.setText(self.tr("details.fee_only"))
        self.roaming_only.setText(self.tr("details.roaming_only"))
        self.print_button.setText(self.tr("details.print"))
        self.pdf_button.setText(self.tr("details.save_pdf"))
        self.dispute_button.setText(self.tr("details.dispute"))
        self._update_numbers_button()
        self.model.retranslate()
        self.print_panel.retranslate()
        self._show_totals()
        if self.saved is not None:
            show_saved(self, self.saved)

    # State --------------------------------------------------------------------------------
    def query(self) -> RecordQuery:
        return RecordQuery(
            self.month,
            self.tab,
            with_fee_only=self.fee_only.isChecked(),
            only_roaming=self.roaming_only.isChecked(),
        )

    def set_month(self, month: str) -> None:
        self.month = month
        self._reload()

    def set_tab(self, tab: DetailTab) -> None:
        self.tab = tab
        self._reload()

    def _got_bills(self, bills: list[m.MonthBill]) -> None:
        self.bills = bills
        months = sorted(b.month for b in bills)
        if self.month not in months and months:
            self.month = months[-1]
        self._clear_months()
        for month in months:
            button = _button("monthButton", checkable=True)
            button.setText(month)
            button.clicked.connect(lambda _=False, mo=month: self.set_month(mo))
            self.month_group.addButton(button)
            self.month_buttons[month] = button
            self.month_row.addWidget(button)
        self.month_row.addStretch(1)
        self._reload()

    def _clear_months(self) -> None:
        while self.month_row.count():
            item = self.month_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                self.month_group.removeButton(widget)  # type: ignore[arg-type]
                widget.deleteLater()
        self.month_buttons = {}

    def _reload(self) -> None:
        if not self.month:
            return
        for month, button in self.month_buttons.items():
            button.setChecked(month == self.month)
        for tab, button in self.tab_buttons.items():
            button.setChecked(tab == self.tab)
        self.roaming_only.setVisible(self.tab is not DetailTab.SERVICES)
        self.clear_messages()
        self._update_mask()
        self.model.start(self.query())
        self._show_totals()
        self._update_print_button()

    def _show_totals(self) -> None:
        totals = self.model.totals()
        if totals is None:
            self.totals.clear()
            return
        extra = ""
        if self.tab is DetailTab.CALLS:
            extra = self.tr(
                "details.total_duration", duration=self.ctx.translator.duration(totals.duration_s)
            )
        elif self.tab is DetailTab.DATA:
            extra = self.tr("details.total_volume", volume=format_volume(totals.volume_kb))
        key = "details.totals" if totals.complete else "details.totals_partial"
        self.totals.setText(
            self.tr(key, count=totals.count, fee=format_fen(totals.fee_fen), extra=extra)
        )

    def _update_mask(self) -> None:
        self.model.set_mask(not self.ctx.sessions.current.show_full_numbers)

    def _update_numbers_button(self) -> None:
        session = self.ctx.sessions.current
        allowed = session.customer is not None and may_show_full_numbers(session.customer.factors)
        self.numbers_button.setVisible(allowed)
        self.numbers_button.setText(
            self.tr("details.hide_numbers")
            if session.show_full_numbers
            else self.tr("details.show_numbers")
        )

    def _update_print_button(self) -> None:
        self.print_button.setEnabled(not self.ctx.sessions.current.detail_slip_printed)

    # Slots --------------------------------------------------------------------------------
    def _on_filter_toggled(self, _checked: bool) -> None:
        self._reload()

    def _on_numbers_button_toggled(self, checked: bool) -> None:
        session = self.ctx.sessions.current
        session.show_full_numbers = (
            checked
            and session.customer is not None
            and (may_show_full_numbers(session.customer.factors))
        )
        self._update_numbers_button()
        self._update_mask()

    def _on_model_page_loaded(self, _rows: int) -> None:
        self._show_totals()

    def _on_model_failed(self, exc: Exception) -> None:
        from ui.errors import describe

        self.show_error(describe(exc, self.ctx.translator))

    def _on_print_button_clicked(self) -> None:
        session = self.ctx.sessions.current
        if session.detail_slip_printed:
            self.show_error(self.tr("details.already_printed"))
            return
        if session.show_full_numbers:
            # Shown in full on screen: printing them so needs its own, explicit yes.
            self.full_numbers_confirm.ask(
                self.tr("details.full_numbers_title"),
                note=self.tr("details.full_numbers_note"),
                confirm_key="details.print_full_numbers",
            )
            return
        self._print_slip(mask=True)

    def _on_full_numbers_confirm_confirmed(self) -> None:
        self.full_numbers_confirm.close_question()
        self._print_slip(mask=not self.ctx.sessions.current.show_full_numbers)

    def _on_full_numbers_confirm_cancelled(self) -> None:
        self.full_numbers_confirm.close_question()

    def _print_slip(self, *, mask: bool) -> None:
        adapter = self.ctx.services.printer
        columns = adapter.printer.profile.columns if adapter is not None else 48
        query = self.query()
        ctx = self.ctx
        terminal, customer = doc_terminal(ctx), doc_customer(ctx)

        def build() -> Document:
            records = fetch_all(query, client_fetch(ctx.backend.records))
            slip = DetailSlip(
                terminal,
                customer,
                (query.month,),
                [kb.to_detail_record(r) for r in records],
                hall_now(),
                mask_other_party=mask,
                only_with_fee=query.with_fee_only,
            )
            return build_detail_slip(slip, hall_now(), columns)

        def printed() -> None:
            ctx.sessions.current.detail_slip_printed = True
            self._update_print_button()

        self.print_panel.offer(build, printed)

    def _on_pdf_button_clicked(self) -> None:
        if not self.bills or not self.month:
            return
        if not self.print_panel.printing:
            self.print_panel.reset()  # one message at a time: the PDF's replaces the slip's
        # A file can be copied and kept: the statement PDF always masks other parties.
        job = statement_job(self.ctx, self.output, self.bills, self.month, True)
        self.fetch(job, self._saved, busy_key="bills.saving_pdf", context="print")

    def _saved(self, saved: SavedStatement) -> None:
        self.saved = saved
        show_saved(self, saved)

    def _on_dispute_button_clicked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.show_error(self.tr("details.pick_record"))
            return
        record = self.model.record(rows[0].row())
        if record.fee_fen <= 0:
            self.show_error(self.tr("details.free_record"))
            return
        target = kd.DisputeTarget(self.month, record.kind, record.sub_item, record)
        self.open("dispute", target, Access.DETAILS)
