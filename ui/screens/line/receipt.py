"""What both line screens share: the result card and its 业务受理单 (receipt)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from common.hall_time import hall_now
from kiosk.backend import models as m
from kiosk.line import line_receipt
from printer.document import Document
from printer.receipts import build_transaction_receipt
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal
from ui.widgets.card import card
from ui.widgets.print_panel import PrintPanel


class ResultCard:
    """The outcome line, its small print and the 打印受理单 button, in one card."""

    def __init__(self, screen: Screen, on_receipt: Callable[[], None]) -> None:
        self.text = screen.label(role="value")
        self.note = screen.label(role="caption")
        self.receipt_button = QPushButton()
        self.receipt_button.setObjectName("lineReceipt")
        self.receipt_button.setProperty("kind", "primary")
        self.receipt_button.clicked.connect(on_receipt)
        row = QHBoxLayout()
        row.setContentsMargins(0, 8, 0, 0)
        row.addWidget(self.receipt_button)
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        self.frame = card(self.text, self.note, holder)
        self.frame.hide()

    def show(self, text: str, note: str) -> None:
        self.text.setText(text)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.frame.show()

    def clear(self) -> None:
        self.text.clear()
        self.note.clear()
        self.frame.hide()


def offer_receipt(ctx: AppContext, panel: PrintPanel, result: m.TransactionResult) -> None:
    """Build the 业务受理单 on a worker and offer it; staff may reprint it (masked data only)."""
    receipt = line_receipt(result, doc_terminal(ctx), doc_customer(ctx))

    def build() -> Document:
        return build_transaction_receipt(receipt, hall_now())

    panel.offer(build, None, keep_copy=True)
