"""The second confirmation of a transaction (双重确认).

The customer first chooses (a plan, a service, 报停 ...); this panel then says plainly what
will happen, what it costs and when it takes effect, and asks once more: 确认办理 / 取消.
Nothing is sent to the backend before ``confirmed``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kiosk.i18n import Translator


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
        self.note = QLabel()
        self.note.setProperty("role", "caption")
        self.note.setWordWrap(True)
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
        box.addLayout(buttons)
        self._confirm_key = "confirm.confirm"
        self.rows: list[tuple[str, str]] = []
        self.retranslate()
        self.hide()

    def ask(
        self,
        title: str,
        rows: Sequence[tuple[str, str]] = (),
        note: str = "",
        confirm_key: str = "confirm.confirm",
    ) -> None:
        """Show the question: ``rows`` are (label, value) lines, ``note`` the small print."""
        self.title.setText(title)
        self.rows = list(rows)
        self._fill_rows()
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._confirm_key = confirm_key
        self.retranslate()
        self.confirm_button.setEnabled(True)
        self.show()

    def close_question(self) -> None:
        self.hide()
        self.rows = []
        self._fill_rows()

    def retranslate(self) -> None:
        self.heading.setText(self._tr.tr("confirm.heading"))
        self.confirm_button.setText(self._tr.tr(self._confirm_key))
        self.cancel_button.setText(self._tr.tr("confirm.cancel"))

    def _fill_rows(self) -> None:
        while self._rows.count():
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for row, (label, value) in enumerate(self.rows):
            name = QLabel(label)
            name.setProperty("role", "caption")
            text = QLabel(value)
            text.setProperty("role", "amount")
            text.setWordWrap(True)
            self._rows.addWidget(name, row, 0)
            self._rows.addWidget(text, row, 1)

    def _on_confirm_clicked(self) -> None:
        # One tap, one request: the button stays off until the next question.
        self.confirm_button.setEnabled(False)
        self.confirmed.emit()

    def _on_cancel_clicked(self) -> None:
        self.close_question()
        self.cancelled.emit()
