"""发票打印: pick a closed month, see whether its invoice was issued, issue it once (with a
second confirmation) and print it on the receipt printer.

The backend issues one invoice per month and refuses a second one (reprints at the counter),
so the kiosk prints an invoice only in the session that issued it; one issued earlier is
shown with its number, and staff reprint it from the kept copy.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from common.hall_time import hall_now, to_hall
from common.money import format_fen
from kiosk import invoices as ki
from kiosk.backend import models as m
from kiosk.backend.errors import Conflict
from kiosk.devices.printer.slips import PrintState
from kiosk.flows.declared import INVOICE
from kiosk.idle import ScreenKind
from printer.document import Document
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal, with_bills
from ui.widgets.card import card
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.print_panel import PrintPanel
from ui.widgets.transaction import TransactionView

MONTH_BUTTON_HEIGHT = 120
ROW_KEYS = {
    "number": "invoice.row_number",
    "title": "invoice.row_title",
    "amount": "invoice.row_amount",
    "date": "invoice.row_date",
}
ROWS = tuple(ROW_KEYS)


class InvoiceScreen(Screen):
    """Month -> invoice state -> issue (confirmed) -> print once (needs Access.SUMMARY)."""

    screen_id = "invoice"
    kind = ScreenKind.ORDINARY
    title_key = "invoice.title"
    hint_key = "invoice.hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.month_row = QHBoxLayout()
        self.month_row.setSpacing(16)
        months = QWidget()
        months.setLayout(self.month_row)
        self.layout_.addWidget(months)
        self.month_group = QButtonGroup(self)
        self.month_buttons: dict[str, QPushButton] = {}
        # The invoice card: heading, label/value rows in two columns, what happens now, and
        # the one action at the right (the screen must stay short with a confirmation).
        self.heading = self.label(role="value")
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.row_names = {key: self.label(role="caption") for key in ROWS}
        self.row_values = {key: self.label(role="amount") for key in ROWS}
        for index, key in enumerate(ROWS):
            grid.addWidget(self.row_names[key], index // 2, (index % 2) * 2)
            grid.addWidget(self.row_values[key], index // 2, (index % 2) * 2 + 1)
        rows = QWidget()
        rows.setLayout(grid)
        self.state_line = self.label(role="notice")
        self.issue_button = QPushButton()
        self.issue_button.setObjectName("invoiceIssue")
        self.issue_button.setProperty("kind", "primary")
        self.issue_button.clicked.connect(self._on_issue_button_clicked)
        self.print_button = QPushButton()
        self.print_button.setObjectName("invoicePrint")
        self.print_button.setProperty("kind", "primary")
        self.print_button.clicked.connect(self._on_print_button_clicked)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(8)
        for widget in (self.heading, rows, self.state_line):
            text.addWidget(widget)
        actions = QVBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.issue_button)
        actions.addWidget(self.print_button)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(32)
        body.addLayout(text, 1)
        body.addLayout(actions)
        holder = QWidget()
        holder.setLayout(body)
        self.invoice_card = card(holder)
        self.layout_.addWidget(self.invoice_card)
        self.confirm = ConfirmPanel(ctx.translator)
        self.layout_.addWidget(self.confirm)
        # One key per month: a retry after a lost answer cannot issue a second invoice.
        self.view = TransactionView(
            self,
            INVOICE,
            self.confirm,
            self._on_issued,
            on_refused=self._on_refused,
            on_cancelled=self._show_state,
        )
        self.print_panel = PrintPanel(ctx)
        self.print_panel.closed.connect(self._on_print_panel_closed)
        self.layout_.addWidget(self.print_panel)
        self.layout_.addStretch(1)
        self.months: list[ki.InvoiceMonth] = []
        self.month: str | None = None
        self.known: dict[str, m.Invoice | None] = {}  # month -> issued invoice (None: not yet)
        self.issued_here: dict[str, m.Invoice] = {}  # issued in this session: printable
        self.printed: set[str] = set()
        self._clear()

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        self._clear()
        self.retranslate()
        with_bills(self, self._show_months)

    def reset(self) -> None:
        self._clear()

    def retranslate(self) -> None:
        super().retranslate()
        self.issue_button.setText(self.tr("invoice.issue"))
        self.print_button.setText(self.tr("invoice.print"))
        for key in ROWS:
            self.row_names[key].setText(self.tr(ROW_KEYS[key]))
        self.confirm.retranslate()
        asking = self.view.asking
        if asking is not None:
            self._ask(asking)
        self.print_panel.retranslate()
        self._label_months()
        self._show_state()

    # Months -------------------------------------------------------------------------------
    def _clear(self) -> None:
        self.view.reset()
        self.months = []
        self.month = None
        self.known = {}
        self.issued_here = {}
        self.printed = set()
        self._clear_months()
        self.invoice_card.hide()
        self.print_panel.reset()
        self.clear_messages()

    def _clear_months(self) -> None:
        for button in self.month_buttons.values():
            self.month_group.removeButton(button)
            button.hide()
            button.deleteLater()
        self.month_buttons = {}
        while self.month_row.count():
            self.month_row.takeAt(0)

    def _show_months(self, bills: list[m.MonthBill]) -> None:
        self._clear_months()
        self.months = ki.invoice_months(bills)
        for item in self.months:
            button = QPushButton()
            button.setObjectName("monthButton")
            button.setCheckable(True)
            button.setMinimumHeight(MONTH_BUTTON_HEIGHT)
            button.clicked.connect(lambda _=False, mo=item.month: self.select_month(mo))
            self.month_group.addButton(button)
            self.month_buttons[item.month] = button
            self.month_row.addWidget(button, 1)
        self._label_months()

    def _label_months(self) -> None:
        for item in self.months:
            issued = self.known.get(item.month) is not None
            key = "invoice.month_issued" if issued else "invoice.month_button"
            self.month_buttons[item.month].setText(
                self.tr(key, month=item.month, amount=format_fen(item.amount_fen))
            )

    def select_month(self, month: str) -> None:
        """Show the month's invoice state, asking the backend once per month and session."""
        if self.loading or self.print_panel.printing:
            self.month_buttons[self.month or month].setChecked(True)
            return
        self.month = month
        self.month_buttons[month].setChecked(True)
        if self.kind is ScreenKind.FINISHED:
            self.restore_kind()  # another month: a new transaction, no countdown home
        self.view.close()
        self.print_panel.reset()
        self.clear_messages()
        if month in self.known:
            self._show_state()
            return
        ctx = self.ctx

        def store(invoices: list[m.Invoice]) -> None:
            self.known[month] = invoices[0] if invoices else None
            self._label_months()
            if self.month == month:
                self._show_state()

        self.invoice_card.hide()
        self.fetch(lambda: ctx.backend.invoices(month), store)

    # What the card says -------------------------------------------------------------------
    def _amount_of(self, month: str) -> int:
        return self._invoice_month(month).amount_fen

    def _invoice_month(self, month: str) -> ki.InvoiceMonth:
        return next((i for i in self.months if i.month == month), ki.InvoiceMonth(month, 0))

    def _show_state(self) -> None:
        month = self.month
        if month is None or month not in self.known:
            self.invoice_card.hide()
            return
        invoice = self.known[month]
        self.heading.setText(self.tr("invoice.heading", month=month))
        customer = self.ctx.sessions.current.customer
        if invoice is None:
            values = {
                "number": self.tr("invoice.not_issued"),
                "title": customer.masked_name if customer is not None else "",
                "amount": format_fen(self._amount_of(month)),
                "date": "",
            }
            state = self.tr("invoice.state_new")
        else:
            values = {
                "number": invoice.invoice_number,
                "title": invoice.title,
                "amount": format_fen(invoice.amount_fen),
                "date": f"{to_hall(invoice.issued_at):%Y-%m-%d}",
            }
            if month not in self.issued_here:
                state = self.tr("invoice.state_issued_before", date=values["date"])
            elif month in self.printed:
                state = self.tr("invoice.state_printed")
            else:
                state = self.tr("invoice.state_issued")
        for key in ROWS:
            self.row_values[key].setText(values[key])
            self.row_names[key].setVisible(bool(values[key]))
            self.row_values[key].setVisible(bool(values[key]))
        self.state_line.setText(state)
        asking = not self.confirm.isHidden()  # (isVisible is False while off screen)
        self.issue_button.setVisible(invoice is None and not asking)
        self.issue_button.setEnabled(not self.loading)
        printable = month in self.issued_here and month not in self.printed
        self.print_button.setVisible(
            printable and self.print_panel.state in (PrintState.IDLE, PrintState.FAILED)
        )
        # While the confirmation asks, it says all the card would (and the screen stays short).
        self.invoice_card.setVisible(not asking)

    # Issuing ------------------------------------------------------------------------------
    def _on_issue_button_clicked(self) -> None:
        month = self.month
        if month is None or self.known.get(month, False) is not None or self.loading:
            return
        self._ask(self._invoice_month(month))
        self._show_state()

    def _ask(self, month: ki.InvoiceMonth) -> None:
        customer = self.ctx.sessions.current.customer
        self.view.ask(
            month,
            self.tr("invoice.confirm_title", month=month.month),
            [
                (self.tr("invoice.row_title"), customer.masked_name if customer else ""),
                (self.tr("invoice.row_amount"), format_fen(month.amount_fen)),
            ],
            note=self.tr("invoice.confirm_note"),
            confirm_key="invoice.confirm",
        )

    def _on_issued(self, chosen: ki.InvoiceMonth, invoice: m.Invoice) -> None:
        month = chosen.month
        self.known[month] = invoice
        self.issued_here[month] = invoice
        self._label_months()
        self._show_state()
        self._offer(month)

    def _on_refused(self, exc: Exception) -> None:
        month = self.month
        if isinstance(exc, Conflict) and month is not None:
            # Issued meanwhile (another terminal): ask the backend again and show it.
            self.known.pop(month, None)
            self.select_month(month)
            self.show_error(self.describe(exc))
            return
        self._show_state()

    # Printing -----------------------------------------------------------------------------
    def _on_print_button_clicked(self) -> None:
        if self.month is not None and self.month in self.issued_here:
            self._offer(self.month)

    def _on_print_panel_closed(self) -> None:
        self._show_state()  # cancelled or failed: the print button comes back

    def _offer(self, month: str) -> None:
        invoice = self.issued_here[month]
        if month in self.printed:
            return
        terminal, customer = doc_terminal(self.ctx), doc_customer(self.ctx)

        def build() -> Document:
            return ki.invoice_document(invoice, terminal, customer, hall_now())

        def printed() -> None:
            self.printed.add(month)
            self._show_state()
            self.finish()

        self.print_button.hide()
        # Kept for staff: the counter reprints an invoice from this copy.
        self.print_panel.offer(build, printed, keep_copy=True)
        if self.print_panel.state is PrintState.FAILED:  # no printer at all
            self._show_state()
