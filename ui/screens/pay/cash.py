"""现金缴费: banknotes into the acceptor, every note in the running total at once, credited once.

The screen only draws the Qt-free flow (``kiosk/cash/desk.CashDesk``): shown first are the
accepted notes and "no change is given"; the order is opened for the number (the customer's
own, or another one typed in: a parent's, say) and its masked name confirmed before the
acceptor opens; 完成 closes the acceptor, and the desk drains its events before crediting.
The desk's listener runs on its own threads; a queued signal brings each view here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from common.hall_time import hall_now
from common.money import format_fen
from kiosk.idle import ScreenKind
from kiosk.money import headline, money_lines
from printer.document import Document
from printer.receipts.payment import CASH, PaymentReceipt, build_payment_receipt
from printer.statement import Customer
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_terminal
from ui.widgets.card import card
from ui.widgets.keypad import Keypad
from ui.widgets.money import MoneyView, money_text
from ui.widgets.print_panel import PrintPanel

if TYPE_CHECKING:
    from kiosk.backend.cash import CashOrder
    from kiosk.cash.desk import CashDesk, CashView

PHONE_LENGTH = 11


class _Views(QObject):
    """Carries the desk's views (from its threads) to the GUI thread."""

    changed = Signal(object)


class CashPayScreen(Screen):
    """Intro (accepted notes) -> number -> name check -> notes -> 完成 -> credited."""

    screen_id = "pay_cash"
    kind = ScreenKind.ORDINARY
    title_key = "cash.title"
    hint_key = "cash.hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._views = _Views(self)
        self._views.changed.connect(self._on_view)
        self._desk: CashDesk | None = None
        self.view: CashView | None = None
        self.accepted = self.label(role="value")
        self.accepted.setWordWrap(True)
        self.start_button = QPushButton()
        self.start_button.setProperty("role", "submit")
        self.start_button.clicked.connect(self._on_start_clicked)
        self.other_button = QPushButton()
        self.other_button.clicked.connect(self._on_other_clicked)
        self.keypad = Keypad(ctx.translator, length=PHONE_LENGTH, secret=False)
        self.keypad.submitted.connect(self._begin)
        self.keypad.hide()
        self.text = self.label(role="value")
        self.text.setWordWrap(True)
        self.lines = self.label(role="caption")
        self.lines.setWordWrap(True)
        self.notice = self.label(role="notice")
        self.notice.setWordWrap(True)
        self.confirm_button = QPushButton()
        self.confirm_button.setProperty("role", "submit")
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.finish_button = QPushButton()
        self.finish_button.setProperty("role", "submit")
        self.finish_button.clicked.connect(self._on_finish_clicked)
        buttons = QHBoxLayout()
        for button in (
            self.start_button,
            self.other_button,
            self.confirm_button,
            self.cancel_button,
            self.finish_button,
        ):
            button.setMinimumHeight(96)
            buttons.addWidget(button)
        buttons.addStretch(1)
        holder = QWidget()
        box = QHBoxLayout(holder)
        box.addWidget(self.text, 1)
        self.layout_.addWidget(self.accepted)
        self.layout_.addWidget(card(holder))
        self.layout_.addWidget(self.lines)
        self.layout_.addWidget(self.notice)
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        # Once credited: the line's money as the backend gives it, in the overview's widget
        # (never the raw account sum: a post-paid line's is negative while a bill is owed).
        self.money_view = MoneyView(ctx.translator)
        self.money_view.hide()
        self.layout_.addWidget(self.money_view)
        self.print_panel = PrintPanel(ctx)
        self.layout_.addWidget(self.print_panel)
        self.layout_.addStretch(1)
        self._phone = ""
        self._masked_name = ""
        self._show_intro()

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: Any) -> None:
        self.retranslate()
        self._show_intro()
        self.fetch(self._get_desk, self._on_desk)

    def leave(self) -> None:
        self._close_if_open()

    def reset(self) -> None:
        self._close_if_open()
        self.print_panel.reset()
        self._phone = self._masked_name = ""
        if self._desk is not None:
            self._desk.reset()
        self.view = None
        self._show_intro()

    def retranslate(self) -> None:
        super().retranslate()
        self.start_button.setText(self.tr("cash.start"))
        self.other_button.setText(self.tr("cash.other"))
        self.confirm_button.setText(self.tr("cash.confirm_ok"))
        self.cancel_button.setText(self.tr("cash.cancel"))
        self.finish_button.setText(self.tr("cash.finish"))
        self.keypad.retranslate()
        self.print_panel.retranslate()
        if self.view is not None:
            self._render(self.view)

    # Steps --------------------------------------------------------------------------------
    def _get_desk(self) -> CashDesk:
        cash = self.ctx.services.cash
        if cash is None:
            raise RuntimeError("no banknote acceptor configured")
        return cash.get()  # built at start-up already; on a worker thread if not

    def _on_desk(self, desk: CashDesk) -> None:
        if self._desk is None:
            self._desk = desk
            desk.add_listener(self._views.changed.emit)
        self._refresh_intro(desk)

    def _refresh_intro(self, desk: CashDesk) -> None:
        """Accepted notes and whether cash can be taken now (the acceptor may still be
        starting, or jammed, full, uncertain: then QR payment is the way)."""
        view = desk.view
        values = self.tr("cash.separator").join(
            format_fen(v).replace(".00", "") for v in view.accepted_fen
        )
        self.accepted.setText(self.tr("cash.accepted", values=values))
        available = desk.available
        self.start_button.setEnabled(available)
        self.other_button.setEnabled(available)
        if self.keypad.isHidden():
            self.text.setText(self.tr("cash.ready" if available else "cash.unavailable"))

    def _show_intro(self) -> None:
        self.clear_messages()
        for widget in (
            self.confirm_button,
            self.cancel_button,
            self.finish_button,
            self.keypad,
            self.print_panel,
            self.money_view,
        ):
            widget.hide()
        self.money_view.show_money(None)
        self.start_button.show()
        self.other_button.show()
        self.start_button.setEnabled(False)  # until the desk says cash can be taken
        self.other_button.setEnabled(False)
        self.lines.setText("")
        self.notice.setText("")
        self.notice.hide()
        self.text.setText(self.tr("cash.ready"))

    def _on_start_clicked(self) -> None:
        customer = self.ctx.sessions.current.customer
        if customer is not None:
            self._begin(customer.phone)

    def _on_other_clicked(self) -> None:
        self.keypad.reset()
        self.keypad.show()
        self.text.setText(self.tr("cash.other_hint"))

    def _begin(self, phone: str) -> None:
        desk = self._desk
        if desk is None or len(phone) != PHONE_LENGTH:
            return
        self.keypad.hide()
        self.start_button.hide()
        self.other_button.hide()
        self._phone = phone
        self.fetch(lambda: desk.begin(phone), self._on_order, busy_key="cash.ordering")

    def _on_order(self, order: CashOrder) -> None:
        self._masked_name = order.masked_name
        self.text.setText(self.tr("cash.confirm", phone=order.masked_phone, name=order.masked_name))
        self.confirm_button.show()
        self.cancel_button.show()

    def _on_confirm_clicked(self) -> None:
        desk = self._desk
        if desk is None:
            return
        self.confirm_button.hide()
        self.fetch(desk.accept, lambda _none: None, busy_key="cash.opening")

    def _on_cancel_clicked(self) -> None:
        if self._desk is not None:
            self._desk.cancel()
        self.confirm_button.hide()
        self.cancel_button.hide()

    def _on_finish_clicked(self) -> None:
        if self._desk is not None:
            self._desk.finish()

    def _close_if_open(self) -> None:
        from kiosk.cash.desk import CashState

        desk = self._desk
        if desk is not None and desk.view.state in (CashState.CONFIRM, CashState.ACCEPTING):
            desk.finish()  # never leave the acceptor open behind the customer's back

    # Views from the desk ------------------------------------------------------------------
    def transaction_in_progress(self) -> bool:
        """Notes may be going in, or the order is being closed: no countdown cuts the session
        then (kiosk/idle.py rule 3), whatever the session maximum says."""
        from kiosk.cash.desk import CashState

        busy = (CashState.ORDERING, CashState.ACCEPTING, CashState.CLOSING, CashState.RECOVERING)
        view = self.view
        return (view is not None and view.state in busy) or super().transaction_in_progress()

    def _on_view(self, view: CashView) -> None:
        previous, self.view = self.view, view
        if previous is not None and view.note_count > previous.note_count:
            # A note going in is the customer's activity, like a card on the reader: the
            # idle clock restarts when a screen (re)states its kind.
            self.kind_changed.emit(self.kind)
        self._render(view)

    def _render(self, view: CashView) -> None:
        from kiosk.cash.desk import CashState

        if view.state is CashState.IDLE:
            if self._desk is not None and not self.start_button.isHidden():
                self._refresh_intro(self._desk)
            return

        lines = "\n".join(
            self.tr("cash.line", value=format_fen(value), count=count)
            for value, count in view.notes
        )
        self.lines.setText(lines)
        self.notice.setText(self.tr(f"cash.notice.{view.notice.value}") if view.notice else "")
        self.notice.setVisible(view.notice is not None)  # no empty banner
        total = format_fen(view.total_fen)
        if view.state is CashState.ACCEPTING:
            self.cancel_button.hide()
            self.finish_button.show()
            self.text.setText(self.tr("cash.inserting", total=total))
        elif view.state is CashState.CLOSING:
            self.finish_button.hide()
            self.cancel_button.hide()
            self.text.setText(self.tr("cash.closing", total=total))
        elif view.state is CashState.DONE and view.credited_fen is not None:
            self.finish_button.hide()
            self.cancel_button.hide()
            credited = view.credited_fen
            if credited == 0:
                self.text.setText(self.tr("cash.nothing"))
                return
            amount = format_fen(credited)
            capitals = self.ctx.translator.amount_in_words(credited)
            if view.money is not None:
                said = money_text(self.ctx.translator, headline(view.money))
                self.text.setText(
                    self.tr("cash.done", amount=amount, capitals=capitals, money=said)
                )
            else:  # an order closed before the backend gave its figure: say only the credit
                self.text.setText(self.tr("cash.done_plain", amount=amount, capitals=capitals))
            self.money_view.show_money(view.money)
            self.money_view.setVisible(view.money is not None)
            if self.print_panel.isHidden():
                self._offer_receipt(view)
            self.finish()
        elif view.state is CashState.PENDING:
            self.finish_button.hide()
            self.text.setText(self.tr("cash.pending", total=total))
            self.finish()

    def receipt(self, view: CashView, time: dt.datetime) -> PaymentReceipt:
        """The 自助缴费凭据 of a credited ``view``: the notes per value, the amount (in 大写 by
        the builder) and the line's money lines as the screen shows them (kiosk.money)."""
        order_id = view.order_id or ""
        zh = self.ctx.translator.catalogue("zh_CN")  # receipts are printed in Chinese
        money = (
            tuple((zh[line.label.key], line.fen) for line in money_lines(view.money))
            if view.money is not None
            else ()
        )
        return PaymentReceipt(
            terminal=doc_terminal(self.ctx),
            customer=Customer(name=self._masked_name, phone=self._phone),
            terminal_serial=order_id[-6:],
            transaction_no=view.transaction_id or order_id,
            time=time,
            amount_fen=view.credited_fen or 0,
            method=CASH,
            notes=view.notes,
            money=money,
        )

    def _offer_receipt(self, view: CashView) -> None:
        """Offer the receipt (kept for staff when it cannot be printed)."""
        now = hall_now()
        receipt = self.receipt(view, now)  # built here: the screen's state changes later

        def build() -> Document:
            return build_payment_receipt(receipt, now)

        self.print_panel.show()
        self.print_panel.offer(build, None, keep_copy=True)
