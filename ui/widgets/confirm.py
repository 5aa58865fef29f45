"""The second confirmation of a transaction (双重确认).

The customer first chooses (a plan, a service, 报停 ...); this panel then says plainly what
will happen, what it costs and when it takes effect, and asks once more: 确认办理 / 取消.
Nothing is sent to the backend before ``confirmed``.

Transactions bound by the operator's 入网协议 (plan change, service order) pass the agreement:
its title, its text in a scrollable box of a few lines (the panel stays within the screen in
both text sizes), and one big 我已阅读并同意 button. 确认办理 stays off until that button is
checked; every new question starts unchecked.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
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

from kiosk.backend.models import Agreement
from kiosk.i18n import Translator
from ui.widgets.touch_scroll import enable_touch_scroll

# Lines of agreement text visible at once (the rest scrolls under the finger): five in the
# standard text size, three in large-text mode, where the panel must still fit 1080 px.
AGREEMENT_LINES = 5
AGREEMENT_LINES_LARGE = 3
LARGE_LINE_PX = 35  # line spacing between the two sizes (about 30 and 40 px with the kiosk font)


class ConfirmPanel(QFrame):
    """Hidden until ``ask``; emits ``confirmed`` or ``cancelled`` once per question."""

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self, translator: Translator) -> None:
        super().__init__()
        self.setObjectName("confirmPanel")
        self._tr = translator
        self.heading = QLabel()
        self.heading.setProperty("role", "caption")
        self.title = QLabel()
        self.title.setProperty("role", "value")
        self.title.setWordWrap(True)
        self._rows = QGridLayout()
        self._rows.setHorizontalSpacing(28)
        self._rows.setVerticalSpacing(6)
        self._rows.setColumnStretch(1, 1)
        self._rows.setColumnStretch(3, 1)
        self.note = QLabel()
        self.note.setProperty("role", "caption")
        self.note.setWordWrap(True)
        self.agreement_title = QLabel()
        self.agreement_title.setProperty("role", "totals")
        self.agreement_title.setWordWrap(True)
        self.agreement_text = QLabel()
        self.agreement_text.setObjectName("agreementBody")
        self.agreement_text.setProperty("role", "explanation")
        self.agreement_text.setWordWrap(True)
        self.agreement_text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.agreement_scroll = QScrollArea()
        self.agreement_scroll.setObjectName("agreementText")
        self.agreement_scroll.setWidgetResizable(True)
        self.agreement_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.agreement_scroll.setWidget(self.agreement_text)
        enable_touch_scroll(self.agreement_scroll)
        self.consent_button = QPushButton()
        self.consent_button.setObjectName("agreementConsent")
        self.consent_button.setCheckable(True)
        self.consent_button.toggled.connect(self._on_consent_toggled)
        self.agreement_part = QWidget()
        part = QVBoxLayout(self.agreement_part)
        part.setContentsMargins(0, 4, 0, 0)
        part.setSpacing(8)
        part.addWidget(self.agreement_title)
        # The consent button beside the text it answers (one row: the panel stays short).
        reading = QHBoxLayout()
        reading.setSpacing(24)
        reading.addWidget(self.agreement_scroll, 1)
        reading.addWidget(self.consent_button)  # as wide as its words (English, large text)
        part.addLayout(reading)
        self.agreement: Agreement | None = None
        self.confirm_button = QPushButton()
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.setProperty("kind", "primary")
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(self.confirm_button, 2)
        buttons.addWidget(self.cancel_button, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(32, 24, 32, 24)
        box.setSpacing(12)
        box.addWidget(self.heading)
        box.addWidget(self.title)
        box.addLayout(self._rows)
        box.addWidget(self.note)
        box.addWidget(self.agreement_part)
        box.addLayout(buttons)
        self._confirm_key = "confirm.confirm"
        self.rows: list[tuple[str, str]] = []
        self.agreement_part.hide()
        self.retranslate()
        self.hide()

    def ask(
        self,
        title: str,
        rows: Sequence[tuple[str, str]] = (),
        note: str = "",
        confirm_key: str = "confirm.confirm",
        agreement: Agreement | None = None,
    ) -> None:
        """Show the question: ``rows`` are (label, value) lines, ``note`` the small print.

        With ``agreement`` the customer must check 我已阅读并同意 before 确认办理 works; each
        call asks afresh (unchecked).
        """
        self.title.setText(title)
        self.rows = list(rows)
        self.agreement = agreement
        self._fill_rows()
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._confirm_key = confirm_key
        self.agreement_part.setVisible(agreement is not None)
        if agreement is not None:
            title, text = agreement.in_locale(self._tr.locale)
            self.agreement_title.setText(title)
            self.agreement_text.setText(text)
            self.agreement_scroll.verticalScrollBar().setValue(0)
        self.consent_button.blockSignals(True)
        self.consent_button.setChecked(False)
        self.consent_button.blockSignals(False)
        self.retranslate()
        self.confirm_button.setEnabled(agreement is None)
        self._size_agreement()
        self.show()

    @property
    def consented(self) -> bool:
        """True once the customer checked 我已阅读并同意 for the agreement asked about."""
        return self.agreement is not None and self.consent_button.isChecked()

    def reopen(self) -> None:
        """The answer to the confirmed question was lost: ask the same question again (the
        consent given stays), so confirming resends it (kiosk/flows/transaction.py)."""
        self.confirm_button.setEnabled(self.agreement is None or self.consent_button.isChecked())
        self.show()

    def close_question(self) -> None:
        self.hide()
        self.rows = []
        self._fill_rows()
        self.agreement = None
        self.agreement_part.hide()
        self.consent_button.setChecked(False)

    def retranslate(self) -> None:
        self.heading.setText(self._tr.tr("confirm.heading"))
        self.confirm_button.setText(self._tr.tr(self._confirm_key))
        self.cancel_button.setText(self._tr.tr("confirm.cancel"))
        agreed = self.consent_button.isChecked()
        self.consent_button.setText(self._tr.tr("confirm.agreed" if agreed else "confirm.agree"))

    def _fill_rows(self) -> None:
        while self._rows.count():
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        # With an agreement to read, the facts take two pairs a line (the panel stays short).
        pairs = 2 if self.agreement is not None else 1
        for index, (label, value) in enumerate(self.rows):
            name = QLabel(label)
            name.setProperty("role", "caption")
            text = QLabel(value)
            text.setProperty("role", "amount")
            text.setWordWrap(True)
            row, column = divmod(index, pairs)
            self._rows.addWidget(name, row, 2 * column)
            self._rows.addWidget(text, row, 2 * column + 1)

    def _size_agreement(self) -> None:
        """A few lines of text in the current text size; the rest scrolls."""
        self.agreement_text.ensurePolished()
        line = self.agreement_text.fontMetrics().lineSpacing()
        lines = AGREEMENT_LINES_LARGE if line >= LARGE_LINE_PX else AGREEMENT_LINES
        frame = 2 * self.agreement_scroll.frameWidth()
        self.agreement_scroll.setFixedHeight(lines * line + frame + 12)

    def _on_consent_toggled(self, checked: bool) -> None:
        self.retranslate()
        self.confirm_button.setEnabled(checked or self.agreement is None)

    def _on_confirm_clicked(self) -> None:
        if self.agreement is not None and not self.consent_button.isChecked():
            return  # not agreed yet: nothing is sent
        # One tap, one request: the button stays off until the next question.
        self.confirm_button.setEnabled(False)
        self.confirmed.emit()

    def _on_cancel_clicked(self) -> None:
        self.close_question()
        self.cancelled.emit()
