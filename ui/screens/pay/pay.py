"""缴费充值: pick an amount, scan the QR code with a phone, get a receipt.

The order is journaled before it is sent (amount, idempotency key, masked number). While the
customer pays, the screen polls the order; a lost answer never creates a second order because
a retry reuses the same key. At most one poll is in flight: the next one is timed from the
return of the last, so a slow backend slows polling down instead of piling polls up on the
worker pool (where print preparation would wait behind them).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from common.hall_time import hall_now, to_hall
from common.money import format_fen
from kiosk.backend import models as m
from kiosk.flows.declared import PAYMENT
from kiosk.idle import ScreenKind
from kiosk.money import headline, money_lines
from kiosk.voice.prompts import Prompt
from printer.document import Document
from printer.escpos.status import PrinterStatus
from printer.receipts.payment import PaymentReceipt, build_payment_receipt
from ui.cash_status import cash_off, cash_off_text
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal
from ui.widgets.card import card
from ui.widgets.money import MoneyView, money_text
from ui.widgets.print_panel import PrintPanel
from ui.widgets.qr_code import QrCode, load_encoder
from ui.widgets.transaction import TransactionView
from ui.widgets.waiting_dots import WaitingDots

if TYPE_CHECKING:
    from kiosk.cash.desk import CashBlocker, CashDesk

log = logging.getLogger(__name__)

AMOUNTS_FEN = (2000, 3000, 5000, 10000, 20000, 30000)
POLL_MS = 2000


class _CashChanged(QObject):
    """Carries "the desk's view changed" (from its threads) to the GUI thread."""

    changed = Signal()


class PayScreen(Screen):
    """Amount -> QR code -> paid (receipt) or expired (order again)."""

    screen_id = "pay"
    kind = ScreenKind.ORDINARY
    title_key = "pay.title"
    hint_key = "pay.hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        # The line's money as the backend gives it (kiosk.money, the overview's widget): before
        # an amount is picked, what is due or left now; after payment, what it is then.
        self.money_view = MoneyView(ctx.translator)
        self.money_view.hide()
        self.layout_.addWidget(self.money_view)
        self.money_reads = 0  # a read answered after a newer one (or after payment) is dropped
        self.amount_buttons: dict[int, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(20)
        for index, fen in enumerate(AMOUNTS_FEN):
            button = QPushButton(format_fen(fen).replace(".00", ""))
            button.setMinimumHeight(120)
            button.clicked.connect(lambda _=False, f=fen: self._on_amount_clicked(f))
            grid.addWidget(button, index // 3, index % 3)
            self.amount_buttons[fen] = button
        self.amounts = QWidget()
        self.amounts.setLayout(grid)
        self.layout_.addWidget(self.amounts)
        # 现金缴费 beside QR, only where the terminal has a banknote acceptor.
        self.cash_button = QPushButton()
        self.cash_button.setMinimumHeight(96)
        self.cash_button.clicked.connect(lambda: self.open("pay_cash"))
        self.cash_button.setVisible(ctx.services.cash is not None)
        self.layout_.addWidget(self.cash_button)
        # While cash is off (jammed, box full, ...) the button is disabled and says why here:
        # the customer is not sent to a screen that can only say so (ui/cash_status.py).
        self.cash_notice = self.label("cashOff", role="notice")
        self.cash_notice.hide()
        self.layout_.addWidget(self.cash_notice)
        self.cash_blockers: tuple[CashBlocker, ...] = ()
        self._cash_desk: CashDesk | None = None
        self._cash_checking = self._cash_again = False
        self._cash_changed = _CashChanged(self)
        self._cash_changed.changed.connect(self._on_cash_changed)
        self.qr = QrCode(360)
        self.order_text = self.label(role="value")
        self.order_hint = self.label(role="caption")
        self.again_button = QPushButton()
        self.again_button.clicked.connect(self._show_amounts)
        side = QVBoxLayout()
        side.addWidget(self.order_text)
        side.addWidget(self.order_hint)
        self.waiting = WaitingDots()  # the customer's phone has not paid yet: still waiting
        side.addWidget(self.waiting)
        side.addStretch(1)
        side.addWidget(self.again_button, 0, Qt.AlignmentFlag.AlignLeft)
        row = QHBoxLayout()
        row.setSpacing(40)
        row.addWidget(self.qr)
        row.addLayout(side, 1)
        holder = QWidget()
        holder.setLayout(row)
        self.order_card = card(holder)
        self.layout_.addWidget(self.order_card)
        self.print_panel = PrintPanel(ctx)
        if ctx.services.printer is not None:
            ctx.services.printer.status_changed.connect(self._on_printer_status_changed)
        self.layout_.addWidget(self.print_panel)
        self.layout_.addStretch(1)
        self.order: m.PaymentOrder | None = None
        self._poll = QTimer(self)
        self._poll.setSingleShot(True)  # restarted when a poll returns, never while one is out
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._on_poll_timeout)
        self.polls_in_flight = 0
        # The order is the declared PAYMENT (no second question: the customer still has to
        # pay it); a retry of the same amount after a lost answer reuses its key: one order,
        # not two. The QR encoder is loaded on the worker, before the order's code is drawn.
        self.payment = TransactionView(
            self, PAYMENT, None, self._on_order_created, prepare=load_encoder
        )
        self._show_amounts()

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: Any) -> None:
        self.retranslate()
        self._show_amounts()
        self.check_cash()
        self.read_money()

    def leave(self) -> None:
        self._poll.stop()
        self.waiting.stop()

    def reset(self) -> None:
        self._poll.stop()
        self.polls_in_flight = 0  # the old session's polls are dropped by its guard
        self.order = None
        self.qr.set_payload("")
        self.money_view.show_money(None)
        self.print_panel.reset()
        self._show_amounts()

    def retranslate(self) -> None:
        super().retranslate()
        self._show_hint()
        self.again_button.setText(self.tr("pay.again"))
        self.cash_button.setText(self.tr("pay.cash"))
        self.cash_notice.setText(cash_off_text(self.ctx.translator, self.cash_blockers))
        self.money_view.retranslate()
        self.print_panel.retranslate()
        if self.order is not None:
            self._show_order(self.order)

    def receipt_possible(self, status: PrinterStatus | None = None) -> bool:
        """True unless the printer is missing or said it cannot print (paper out...): the
        given ``status``, else the last one the printer gave."""
        adapter = self.ctx.services.printer
        if adapter is None:
            return False
        status = status or adapter.last_status
        return status is None or status.ready

    def _show_hint(self, status: PrinterStatus | None = None) -> None:
        # Never promise a receipt the printer cannot give (issue 13 major 5).
        possible = self.receipt_possible(status)
        self.hint.setText(self.tr("pay.hint" if possible else "pay.hint_no_receipt"))

    def _on_printer_status_changed(self, status: PrinterStatus) -> None:
        self._show_hint(status)  # (emitted before the adapter's last_status is updated)

    # The money before paying ---------------------------------------------------------------
    def read_money(self) -> None:
        """Read the line's money now (the overview's figure) on a worker, quietly: the amounts
        stay usable while it is out, and a failed read only leaves the figure off."""
        self.money_reads += 1
        ticket, ctx = self.money_reads, self.ctx

        def read() -> m.AccountOverview:
            return ctx.backend.overview()

        def shown(overview: m.AccountOverview) -> None:
            if ticket == self.money_reads and self.order is None:
                self.money_view.show_money(overview.money)
                self.money_view.show()

        def failed(exc: Exception) -> None:
            log.info("money before paying not read: %s", type(exc).__name__)

        ctx.runner.run(read, shown, failed, ctx.sessions.guard())

    # Cash availability --------------------------------------------------------------------
    def check_cash(self) -> None:
        """Read the desk's blockers on a worker (its journal is on disk); one read at a time,
        one more after it when the desk changed meanwhile. Once the desk is known it is read
        directly: ``services.cash.get()`` after the kiosk closed it would build a new one."""
        cash, desk = self.ctx.services.cash, self._cash_desk
        if cash is None or (desk is not None and not desk.running):
            return
        if self._cash_checking:
            self._cash_again = True
            return
        self._cash_checking = True

        def read() -> tuple[CashDesk, tuple[CashBlocker, ...]]:
            known = desk if desk is not None else cash.get()
            return known, known.blockers()

        self.ctx.runner.run(read, self._on_cash_read, self._on_cash_read_failed)

    def _on_cash_read(self, result: tuple[CashDesk, tuple[CashBlocker, ...]]) -> None:
        desk, blockers = result
        self._cash_checking = False
        if self._cash_desk is None:
            self._cash_desk = desk
            desk.add_listener(lambda _view: self._cash_changed.changed.emit())
        self._show_cash(blockers)
        if self._cash_again:
            self._cash_again = False
            self.check_cash()

    def _on_cash_read_failed(self, exc: Exception) -> None:
        # Not a fault of its own (the desk may be stopping): the next entry reads again.
        log.info("cash state not read: %s", type(exc).__name__)
        self._cash_checking = False

    def _on_cash_changed(self) -> None:
        if self.isVisible():  # read again when shown (enter) otherwise
            self.check_cash()

    def _show_cash(self, blockers: tuple[CashBlocker, ...]) -> None:
        self.cash_blockers = cash_off(blockers)
        off = bool(self.cash_blockers)
        self.cash_button.setEnabled(not off)
        self.cash_notice.setText(cash_off_text(self.ctx.translator, self.cash_blockers))
        self.cash_notice.setVisible(off and not self.cash_button.isHidden())

    # Steps --------------------------------------------------------------------------------
    def _show_amounts(self) -> None:
        self._poll.stop()
        self.waiting.stop()
        self.order = None
        self.clear_messages()
        self.amounts.show()
        self.cash_button.setVisible(self.ctx.services.cash is not None)
        self.cash_notice.setVisible(bool(self.cash_blockers) and not self.cash_button.isHidden())
        self.order_card.hide()
        self.money_view.setVisible(self.money_view.money is not None)  # (read again on entry)
        self.print_panel.hide()

    def _on_amount_clicked(self, fen: int) -> None:
        if self.ctx.sessions.current.customer is None:
            return
        self.payment.send(fen)

    def _on_order_created(self, _fen: int, order: m.PaymentOrder) -> None:
        self._show_order(order)

    def _show_order(self, order: m.PaymentOrder) -> None:
        self.order = order
        self.money_reads += 1  # the figure before paying is not shown beside an order
        self.amounts.hide()
        self.cash_button.hide()
        self.cash_notice.hide()
        self.order_card.show()
        amount = format_fen(order.amount_fen)
        self.waiting.stop()
        if order.status is m.PaymentStatus.PAID:
            self._poll.stop()
            self.qr.hide()
            self.order_text.setText(self.tr("pay.paid", amount=amount))
            self.order_hint.setText(
                self.tr(
                    "pay.money_now", money=money_text(self.ctx.translator, headline(order.money))
                )
                if order.money is not None
                else ""
            )
            self.money_view.show_money(order.money)
            self.money_view.setVisible(order.money is not None)
            self.again_button.hide()
            self._offer_receipt(order)
            self.finish()
        elif order.status is m.PaymentStatus.EXPIRED:
            self._poll.stop()
            self.qr.hide()
            self.order_text.setText(self.tr("pay.expired"))
            self.order_hint.setText(self.tr("pay.expired_hint"))
            self.again_button.show()
        else:
            self.money_view.hide()
            self.qr.set_payload(order.qr_payload)
            self.qr.show()
            self.order_text.setText(self.tr("pay.scan", amount=amount))
            self.order_hint.setText(
                self.tr(
                    "pay.scan_hint",
                    capitals=self.ctx.translator.amount_in_words(order.amount_fen),
                    time=to_hall(order.expires_at).strftime("%H:%M"),
                )
            )
            self.again_button.show()
            self.waiting.start(self.tr("pay.waiting"))
            self._schedule_poll()

    def _schedule_poll(self) -> None:
        """Time the next poll, unless one is out (its return schedules the next)."""
        if self.polls_in_flight == 0 and not self._poll.isActive():
            self._poll.start()

    def _on_poll_timeout(self) -> None:
        order = self.order
        if order is None or order.status is not m.PaymentStatus.PENDING:
            return
        if self.loading:  # the order is being (re)created: look again later
            self._schedule_poll()
            return
        ctx, order_id = self.ctx, order.order_id

        def poll() -> m.PaymentOrder:
            return ctx.backend.payment_status(order_id)

        # Polling is not the customer's doing: no busy line, and a failed poll just waits
        # for the next one. A result dropped by the session guard schedules nothing: the
        # session (and with it the order) is gone.
        self.polls_in_flight += 1
        self.ctx.runner.run(poll, self._on_polled, self._on_poll_failed, self.ctx.sessions.guard())

    def _on_poll_failed(self, _exc: Exception) -> None:
        self.polls_in_flight -= 1
        self._keep_polling()

    def _on_polled(self, order: m.PaymentOrder) -> None:
        self.polls_in_flight -= 1
        current = self.order
        same = current is not None and order.order_id == current.order_id
        if same and current is not None and order.status is not current.status:
            self._show_order(order)
            if order.status is m.PaymentStatus.PAID:
                self.voice_step.emit(Prompt.PAYMENT_DONE)
        else:
            self._keep_polling()

    def _keep_polling(self) -> None:
        order = self.order
        if order is not None and order.status is m.PaymentStatus.PENDING and self.isVisible():
            self._schedule_poll()

    def receipt(self, order: m.PaymentOrder) -> PaymentReceipt:
        """The paid order's receipt: its money lines are the ones on screen (kiosk.money)."""
        zh = self.ctx.translator.catalogue("zh_CN")  # receipts are printed in Chinese
        money = (
            tuple((zh[line.label.key], line.fen) for line in money_lines(order.money))
            if order.money is not None
            else ()
        )
        return PaymentReceipt(
            terminal=doc_terminal(self.ctx),
            customer=doc_customer(self.ctx),
            terminal_serial=order.order_id[-6:],
            transaction_no=order.order_id,
            time=to_hall(order.paid_at or hall_now()),
            amount_fen=order.amount_fen,
            money=money,
        )

    def _offer_receipt(self, order: m.PaymentOrder) -> None:
        receipt = self.receipt(order)

        def build() -> Document:
            return build_payment_receipt(receipt, hall_now())

        self.print_panel.offer(build, None, keep_copy=True)
