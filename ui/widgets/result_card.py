"""A transaction's outcome on screen and its 业务受理单 (receipt) offer, for every feature."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from common.hall_time import hall_now
from printer.document import Document
from printer.receipts import build_transaction_receipt
from printer.receipts.transaction import TransactionReceipt
from ui.screen import Screen
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


def offer_receipt(panel: PrintPanel, receipt: TransactionReceipt) -> None:
    """Build the 业务受理单 on a worker and offer it; staff may reprint it (masked data only)."""

    def build() -> Document:
        return build_transaction_receipt(receipt, hall_now())

    panel.offer(build, None, keep_copy=True)
