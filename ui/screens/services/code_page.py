"""Step 2 of an order (二次确认): the backend's confirmation text and the SMS code it sent."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from common.hall_time import to_hall
from common.masking import mask_phone
from common.money import format_fen
from kiosk.backend import models as m
from kiosk.i18n import DEFAULT_LOCALE, Translator
from ui.widgets.keypad import Keypad


def _label(role: str) -> QLabel:
    lab = QLabel()
    if role:
        lab.setProperty("role", role)
    lab.setWordWrap(True)
    return lab


class CodePage(QWidget):
    """Left: what is being ordered, in the backend's words; right: the keypad for the code."""

    code_entered = Signal(str)
    stopped = Signal()  # the customer does not want to order after all

    def __init__(self, translator: Translator) -> None:
        super().__init__()
        self._tr = translator
        self.prompt = _label("")
        self.prompt.setObjectName("screenHint")
        self.text = _label("value")
        self.starts = _label("amount")
        self.valid = _label("caption")
        self.stop_button = QPushButton()
        self.stop_button.setObjectName("servicesStopOrder")
        self.stop_button.clicked.connect(self.stopped.emit)
        self.keypad = Keypad(translator, length=6, secret=False)
        self.keypad.submitted.connect(self.code_entered.emit)
        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(self.prompt)
        left.addWidget(self.text)
        left.addWidget(self.starts)
        left.addWidget(self.valid)
        left.addStretch(1)
        left.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignLeft)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(48)
        row.addLayout(left, 1)
        row.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignTop)
        self.quote: m.OrderQuote | None = None
        self._phone = ""
        self.hide()

    def start(self, quote: m.OrderQuote, phone: str) -> None:
        self.quote = quote
        self._phone = phone
        self.keypad.reset()
        self.retranslate()
        self.show()

    def clear(self) -> None:
        self.quote = None
        self._phone = ""
        self.keypad.reset()
        self.hide()

    def retranslate(self) -> None:
        self.keypad.retranslate()
        self.stop_button.setText(self._tr.tr("services.stop_order"))
        quote = self.quote
        if quote is None:
            return
        self.prompt.setText(self._tr.tr("services.code_prompt", phone=mask_phone(self._phone)))
        # The backend's own confirmation text is what the customer confirms (Chinese, as
        # sent); in another language the catalogue's words for the same order.
        if self._tr.locale == DEFAULT_LOCALE:
            self.text.setText(quote.confirmation_text)
        else:
            self.text.setText(
                self._tr.tr(
                    "services.confirm_title",
                    name=self._tr.term(quote.service.name),
                    fee=format_fen(quote.price_fen),
                )
            )
        self.starts.setText(
            self._tr.tr(
                "services.starts",
                fee=format_fen(quote.price_fen),
                date=quote.starts_on.isoformat(),
            )
        )
        self.valid.setText(
            self._tr.tr("services.code_valid", time=to_hall(quote.expires_at).strftime("%H:%M"))
        )
