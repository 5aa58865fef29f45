"""On-screen numeric keypad; digits are shuffled for passwords so onlookers learn nothing."""

from __future__ import annotations

import random
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.i18n import Translator

DIGITS = "1234567890"


def key_order(shuffle: bool, rng: random.Random | None = None) -> list[str]:
    """The ten digits in keypad order; shuffled with a system RNG for secret entry."""
    digits = list(DIGITS)
    if shuffle:
        (rng or random.SystemRandom()).shuffle(digits)
    return digits


class Keypad(QWidget):
    """A display plus 3×4 digit keys with 删除 (backspace) and 确定 (submit).

    ``secret`` shows dots instead of digits and shuffles the keys every time it is reset.
    """

    text_changed = Signal(str)
    submitted = Signal(str)

    def __init__(
        self,
        translator: Translator,
        *,
        length: int,
        secret: bool,
        min_length: int | None = None,
        rng: random.Random | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keypad")
        self._tr = translator
        self._length = length
        self._min_length = length if min_length is None else min_length
        self._secret = secret
        self._rng = rng
        self._text = ""
        self._display = QLabel()
        self._display.setObjectName("entryDisplay")
        self._display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._grid = QGridLayout()
        self._grid.setSpacing(10)
        self._digit_buttons: list[QPushButton] = []
        for index in range(10):
            button = QPushButton()
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, i=index: self._on_digit_clicked(i))
            self._digit_buttons.append(button)
        self._delete = QPushButton()
        self._delete.setProperty("role", "action")
        self._delete.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._delete.clicked.connect(self._on_delete_clicked)
        self._submit = QPushButton()
        self._submit.setProperty("role", "submit")
        self._submit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._submit.clicked.connect(self._on_submit_clicked)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(self._display)
        layout.addLayout(self._grid)
        self._place_keys(key_order(secret, rng))
        self.retranslate()
        self._refresh()

    # Public API --------------------------------------------------------------------------
    def text(self) -> str:
        return self._text

    def labels(self) -> list[str]:
        """Digit labels in grid order (for tests and the tour)."""
        return [b.text() for b in self._digit_buttons]

    def digit_button(self, digit: str) -> QPushButton:
        return next(b for b in self._digit_buttons if b.text() == digit)

    def submit_button(self) -> QPushButton:
        return self._submit

    def reset(self) -> None:
        """Clear the entry; secret keypads get a new key order."""
        self._text = ""
        if self._secret:
            self._place_keys(key_order(True, self._rng))
        self._refresh()
        self.text_changed.emit(self._text)

    def retranslate(self) -> None:
        self._delete.setText(self._tr.tr("keypad.delete"))
        self._submit.setText(self._tr.tr("keypad.submit"))

    # Internals ---------------------------------------------------------------------------
    def _place_keys(self, digits: Sequence[str]) -> None:
        for index, (button, digit) in enumerate(zip(self._digit_buttons, digits, strict=True)):
            button.setText(digit)
            if index < 9:
                self._grid.addWidget(button, index // 3, index % 3)
        self._grid.addWidget(self._delete, 3, 0)
        self._grid.addWidget(self._digit_buttons[9], 3, 1)
        self._grid.addWidget(self._submit, 3, 2)

    def _on_digit_clicked(self, index: int) -> None:
        if len(self._text) >= self._length:
            return
        self._text += self._digit_buttons[index].text()
        self._refresh()
        self.text_changed.emit(self._text)

    def _on_delete_clicked(self) -> None:
        self._text = self._text[:-1]
        self._refresh()
        self.text_changed.emit(self._text)

    def _on_submit_clicked(self) -> None:
        if len(self._text) >= self._min_length:
            self.submitted.emit(self._text)

    def _refresh(self) -> None:
        shown = "●" * len(self._text) if self._secret else self._text
        placeholder = "○" * (self._length - len(self._text)) if self._secret else ""
        self._display.setText((shown + placeholder) or " ")
        self._submit.setEnabled(len(self._text) >= self._min_length)
