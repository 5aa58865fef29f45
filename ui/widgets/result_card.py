"""A transaction's outcome on screen and its 业务受理单 (receipt) offer, for every feature."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from common.hall_time import hall_now
from printer.document import Document
from printer.receipts import build_transaction_receipt
from printer.receipts.transaction import TransactionReceipt
from ui.screen import Screen
from ui.widgets.card import card
from ui.widgets.print_panel import PrintPanel


class ReceiptOffer:
    """The 打印受理单 button of a done transaction and the print panel it opens.

    ``receipt`` builds the receipt of the transaction done (None: nothing to print yet). The
    button shows once the screen says the transaction is done (:meth:`ready`), steps aside
    while the panel asks or prints, and comes back when the panel closes: another copy is one
    tap away. The same on every screen that offers a receipt.
    """

    def __init__(
        self,
        button: QPushButton,
        panel: PrintPanel,
        receipt: Callable[[], TransactionReceipt | None],
    ) -> None:
        self.button = button
        self.panel = panel
        self._receipt = receipt
        self._ready = False
        button.clicked.connect(self._on_button_clicked)
        panel.closed.connect(self._on_panel_closed)
        button.hide()

    def ready(self) -> None:
        """The transaction is done: offer its receipt (unless the panel is already asking)."""
        self._ready = True
        self.button.setVisible(self.panel.isHidden())

    def offer(self) -> None:
        """Build the receipt on a worker and ask to print it now."""
        receipt = self._receipt()
        if receipt is None or self.panel.printing:
            return
        self.button.hide()  # the print panel asks now
        offer_receipt(self.panel, receipt)

    def clear(self) -> None:
        self._ready = False
        self.button.hide()

    def _on_button_clicked(self) -> None:
        self.offer()

    def _on_panel_closed(self) -> None:
        self.button.setVisible(self._ready)


class ResultCard:
    """The outcome line, its small print (and any rows of the screen's own), the 打印受理单
    button and any further buttons of the screen, in one card."""

    def __init__(
        self,
        screen: Screen,
        panel: PrintPanel,
        receipt: Callable[[], TransactionReceipt | None],
        *,
        body: Sequence[QWidget] = (),
        buttons: Sequence[QPushButton] = (),
        receipt_name: str = "lineReceipt",
        note_role: str = "caption",
    ) -> None:
        self.text = screen.label(role="value")
        self.note = screen.label(role=note_role)
        self.receipt_button = QPushButton()
        self.receipt_button.setObjectName(receipt_name)
        self.receipt_button.setProperty("kind", "primary")
        self.receipt = ReceiptOffer(self.receipt_button, panel, receipt)
        row = QHBoxLayout()
        row.setContentsMargins(0, 8, 0, 0)
        row.addWidget(self.receipt_button)
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        self.frame = card(self.text, *body, self.note, holder)
        self.frame.hide()

    def show(self, text: str, note: str) -> None:
        self.text.setText(text)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.frame.show()
        self.receipt.ready()

    def clear(self) -> None:
        self.text.clear()
        self.note.clear()
        self.receipt.clear()
        self.frame.hide()


def offer_receipt(panel: PrintPanel, receipt: TransactionReceipt) -> None:
    """Build the 业务受理单 on a worker and offer it; staff may reprint it (masked data only)."""

    def build() -> Document:
        return build_transaction_receipt(receipt, hall_now())

    panel.offer(build, None, keep_copy=True)
