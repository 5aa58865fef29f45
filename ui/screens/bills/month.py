"""月账单: one closed month, category by category, each with its arithmetic explanation,
highlights (new VAS/SP charge, roaming, spike) and a "this is wrong" button per charge."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from common.hall_time import hall_now
from common.money import format_fen
from kiosk import bills as kb
from kiosk import disputes as kd
from kiosk.backend import models as m
from kiosk.backend.factors import Access
from kiosk.idle import ScreenKind
from kiosk.money import MoneyKind
from printer.document import Document
from printer.receipts import BillSlip, build_bill_slip
from ui.context import AppContext
from ui.screen import Screen
from ui.screens.bills.overview import change_text
from ui.screens.bills.params import DetailsParams, MonthParams
from ui.shared.customer import (
    doc_customer,
    doc_terminal,
    with_bills,
)
from ui.widgets.card import card
from ui.widgets.print_panel import PrintPanel
from ui.widgets.touch_scroll import enable_touch_scroll

HIGHLIGHT_KEYS = {
    kb.HighlightKind.NEW_SERVICE: "bill.hl_new",
    kb.HighlightKind.ROAMING: "bill.hl_roaming",
    kb.HighlightKind.SPIKE: "bill.hl_spike",
}


class CategoryCard(QFrame):
    """A category: name and total, highlights, explanation, items with "有误" buttons."""

    def __init__(
        self, screen: MonthBillScreen, bill: m.MonthBill, category: m.BillCategory
    ) -> None:
        super().__init__()
        self.setObjectName("billCategory")
        self.category = category
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 18, 28, 18)
        box.setSpacing(10)
        head = QHBoxLayout()
        name = Screen.label(role="categoryName", text=screen.term(category.name))
        total = Screen.label(role="categoryTotal", text=format_fen(category.total_fen))
        head.addWidget(name, 1)
        head.addWidget(total)
        box.addLayout(head)
        self.highlights: list[QLabel] = []
        for hl in kb.highlights_of(bill, screen.bills, category.name):
            key = HIGHLIGHT_KEYS[hl.kind]
            if hl.kind is kb.HighlightKind.SPIKE and hl.median_fen == 0:
                key = "bill.hl_spike_from_zero"  # "1.5x of ¥0.00" would say nothing
            label = Screen.label(
                role="highlight",
                text=screen.tr(
                    key,
                    item=screen.term(hl.item or hl.category),
                    amount=format_fen(hl.amount_fen),
                    median=format_fen(hl.median_fen),
                ),
            )
            self.highlights.append(label)
            box.addWidget(label)
        self.explanation = Screen.label(
            role="explanation",
            text=kb.explanation_text(kb.explain(bill, category), screen.ctx.translator),
        )
        box.addWidget(self.explanation)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        self.dispute_buttons: dict[str, QPushButton] = {}
        for row, item in enumerate(category.items):
            grid.addWidget(QLabel(screen.term(item.name)), row, 0)
            amount = QLabel(format_fen(item.amount_fen))
            amount.setProperty("role", "amount")
            grid.addWidget(amount, row, 1)
            target = kd.dispute_target(bill.month, category.name, item.name)
            if target is not None and item.amount_fen > 0:
                button = QPushButton(screen.tr("bill.wrong"))
                button.setProperty("kind", "quiet")
                button.clicked.connect(lambda _=False, t=target: screen.dispute(t))
                self.dispute_buttons[item.name] = button
                grid.addWidget(button, row, 2)
        grid.setColumnStretch(0, 1)
        box.addLayout(grid)


class MonthBillScreen(Screen):
    """One month's bill, explained."""

    Params = MonthParams
    screen_id = "bill"
    kind = ScreenKind.READING
    title_key = "bill.title"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.heading = self.label(role="value")
        self.change = self.label(role="caption")
        self.account = self.label(role="caption")
        self.layout_.addWidget(card(self.heading, self.change, self.account))
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("billScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        enable_touch_scroll(self.scroll_area)
        self.layout_.addWidget(self.scroll_area, 1)
        self.print_panel = PrintPanel(ctx)
        self.layout_.addWidget(self.print_panel)
        actions = QHBoxLayout()
        self.print_button = QPushButton()
        self.print_button.setObjectName("printBillButton")
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.details_button = QPushButton()
        self.details_button.setObjectName("monthDetailsButton")
        self.details_button.clicked.connect(self._on_details_button_clicked)
        actions.addWidget(self.print_button)
        actions.addWidget(self.details_button)
        actions.addStretch(1)
        self.layout_.addLayout(actions)
        self.bills: list[m.MonthBill] = []
        self.bill: m.MonthBill | None = None
        self.cards: list[CategoryCard] = []
        self.month = ""

    def enter(self, params: object) -> None:
        if isinstance(params, MonthParams):
            self.month = params.month
        self.print_panel.reset()
        self.retranslate()
        with_bills(self, self._got_bills)

    def reset(self) -> None:
        self.bills = []
        self.bill = None
        self.month = ""
        self._clear()
        self.heading.clear()
        self.change.clear()
        self.account.clear()
        self.print_panel.reset()
        self.clear_messages()

    def retranslate(self) -> None:
        super().retranslate()
        self.print_button.setText(self.tr("bill.print"))
        self.details_button.setText(self.tr("bill.details"))
        self.print_panel.retranslate()
        if self.bill is not None:
            self._show(self.bill)

    # Rendering -----------------------------------------------------------------------------
    def _got_bills(self, bills: list[m.MonthBill]) -> None:
        self.bills = bills
        bill = next((b for b in bills if b.month == self.month), None)
        if bill is None and bills:
            bill = max(bills, key=lambda b: b.month)
        if bill is not None:
            self._show(bill)

    def _show(self, bill: m.MonthBill) -> None:
        self.bill = bill
        self.month = bill.month
        self.heading.setText(
            self.tr(
                "bill.heading",
                month=bill.month,
                start=f"{bill.period_start:%Y-%m-%d}",
                end=f"{bill.period_end:%Y-%m-%d}",
                total=format_fen(bill.total_fen),
            )
        )
        self.change.setText(change_text(self, kb.change_against_median(bill, self.bills)))
        a = bill.account
        # A post-paid bill is a bill: what it charged, what was paid, what it asks for; a
        # "balance" of -¥155.40 there only confused (issue 13).
        self.account.setText(
            self.tr(
                "bill.account",
                opening=format_fen(a.opening_balance_fen),
                topup=format_fen(a.topup_fen),
                total=format_fen(a.total_fen),
                closing=format_fen(a.closing_balance_fen),
            )
            if a.kind is MoneyKind.PREPAID
            else self.tr(
                "bill.account_postpaid",
                total=format_fen(a.total_fen),
                paid=format_fen(a.topup_fen),
                due=format_fen(a.due_fen),
            )
        )
        self._clear()
        holder = QWidget()
        holder.setObjectName("billCards")
        box = QVBoxLayout(holder)
        box.setSpacing(16)
        for category in bill.categories:
            category_card = CategoryCard(self, bill, category)
            self.cards.append(category_card)
            box.addWidget(category_card)
        box.addStretch(1)
        self.scroll_area.setWidget(holder)

    def _clear(self) -> None:
        self.cards = []
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()

    # Actions -------------------------------------------------------------------------------
    def dispute(self, target: kd.DisputeTarget) -> None:
        self.open("dispute", target, Access.DETAILS)

    def _on_details_button_clicked(self) -> None:
        self.open("details", DetailsParams(self.month), Access.DETAILS)

    def _on_print_button_clicked(self) -> None:
        bill = self.bill
        if bill is None:
            return
        slip = BillSlip(
            doc_terminal(self.ctx),
            doc_customer(self.ctx),
            kb.to_statement_month(bill, self.bills),
            hall_now(),
        )

        def build() -> Document:
            return build_bill_slip(slip, hall_now())

        self.print_panel.offer(build, None)
