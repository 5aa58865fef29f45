"""The small pages of the identification screen (number, choice, password, SMS code)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from common.masking import mask_phone
from kiosk.backend.models import Factor
from kiosk.flows.identify import is_valid_phone
from kiosk.i18n import Translator
from ui.widgets.keypad import Keypad


def _label(object_name: str = "", role: str = "") -> QLabel:
    lab = QLabel()
    lab.setWordWrap(True)
    if object_name:
        lab.setObjectName(object_name)
    if role:
        lab.setProperty("role", role)
    return lab


class Page(QWidget):
    """A page with a prompt, an error line and a busy line."""

    def __init__(self, translator: Translator) -> None:
        super().__init__()
        self.tr_ = translator
        self.prompt = _label("screenHint")
        self.error = _label(role="error")
        self.error.hide()
        self.busy = _label(role="notice")
        self.busy.hide()
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(12)
        self.box.addWidget(self.prompt)
        self.box.addWidget(self.error)
        self.box.addWidget(self.busy)
        self._phone = ""  # the number being identified (raw), for the masked prompt

    def forget(self) -> None:
        """Session end: drop the customer's number (``clear`` keeps it for a retry)."""
        self._phone = ""
        self.prompt.clear()

    def show_error(self, text: str) -> None:
        self.busy.hide()
        self.error.setText(text)
        self.error.show()
        self.setEnabled(True)

    def set_busy(self, text: str) -> None:
        self.error.hide()
        self.busy.setText(text)
        self.busy.setVisible(bool(text))

    def clear(self) -> None:
        self.error.hide()
        self.busy.hide()

    def retranslate(self) -> None:
        """Refresh texts; subclasses extend."""


class PhonePage(Page):
    """11-digit number on a plain (not shuffled) keypad."""

    phone_entered = Signal(str)

    def __init__(self, translator: Translator) -> None:
        super().__init__(translator)
        self.keypad = Keypad(translator, length=11, secret=False)
        self.keypad.submitted.connect(self._on_keypad_submitted)
        self.box.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.box.addStretch(1)

    def clear(self) -> None:
        super().clear()
        self.keypad.reset()

    def retranslate(self) -> None:
        self.prompt.setText(self.tr_.tr("identify.phone_prompt"))
        self.keypad.retranslate()

    def _on_keypad_submitted(self, phone: str) -> None:
        if not is_valid_phone(phone):
            self.show_error(self.tr_.tr("identify.phone_invalid"))
            return
        self.phone_entered.emit(phone)


COMBO_KEYS = {
    (Factor.PASSWORD,): "identify.by_password",
    (Factor.SMS,): "identify.by_sms",
    (Factor.ID_CARD,): "identify.by_card",
    (Factor.PASSWORD, Factor.SMS): "identify.by_password_sms",
    (Factor.ID_CARD, Factor.SMS): "identify.by_card_sms",
}


class ChoicePage(Page):
    """One big button per way of proving identity that the function accepts."""

    chosen = Signal(tuple)

    def __init__(self, translator: Translator) -> None:
        super().__init__(translator)
        self._buttons = QVBoxLayout()
        self._buttons.setSpacing(20)
        self.box.addLayout(self._buttons)
        self.box.addStretch(1)
        self.buttons: dict[tuple[Factor, ...], QPushButton] = {}

    def set_options(self, combos: list[tuple[Factor, ...]]) -> None:
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons = {}
        for combo in combos:
            button = QPushButton()
            button.setProperty("kind", "primary" if not self.buttons else "")
            button.setMinimumHeight(110)
            button.clicked.connect(lambda _=False, c=combo: self.chosen.emit(c))
            self._buttons.addWidget(button)
            self.buttons[combo] = button
        self.retranslate()

    def retranslate(self) -> None:
        self.prompt.setText(self.tr_.tr("identify.choose_prompt"))
        for combo, button in self.buttons.items():
            key = COMBO_KEYS.get(combo) or COMBO_KEYS.get(tuple(sorted(combo, key=str)), "")
            button.setText(self.tr_.tr(key) if key else " + ".join(f.value for f in combo))


class PasswordPage(Page):
    """6-digit service password on a shuffled keypad; the digits are never shown."""

    password_entered = Signal(str)

    def __init__(self, translator: Translator) -> None:
        super().__init__(translator)
        self.keypad = Keypad(translator, length=6, secret=True)
        self.keypad.submitted.connect(self.password_entered.emit)
        self.box.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.box.addStretch(1)
        self._phone = ""

    def start(self, phone: str) -> None:
        self._phone = phone
        self.clear()
        self.retranslate()

    def clear(self) -> None:
        super().clear()
        self.keypad.reset()

    def retranslate(self) -> None:
        self.prompt.setText(self.tr_.tr("identify.password_prompt", phone=mask_phone(self._phone)))
        self.keypad.retranslate()


class SmsPage(Page):
    """The code sent to the phone; resend allowed after the server's wait (60 s)."""

    code_entered = Signal(str)
    resend_requested = Signal()

    def __init__(self, translator: Translator) -> None:
        super().__init__(translator)
        self.keypad = Keypad(translator, length=6, secret=False)
        self.keypad.submitted.connect(self.code_entered.emit)
        self.resend = QPushButton()
        self.resend.clicked.connect(self.resend_requested.emit)
        # The resend button sits beside the keypad: below it the page would outgrow the screen.
        row = QHBoxLayout()
        row.setSpacing(32)
        row.addStretch(1)
        row.addWidget(self.keypad)
        row.addWidget(self.resend, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        self.box.addLayout(row)
        self.box.addStretch(1)
        self._phone = ""
        self._wait = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self, phone: str) -> None:
        self._phone = phone
        self.clear()
        self._wait = 0
        self.retranslate()

    def code_sent(self, resend_after_s: int) -> None:
        self._wait = resend_after_s
        self._timer.start()
        self.set_busy("")
        self.retranslate()

    def clear(self) -> None:
        super().clear()
        self.keypad.reset()
        self._timer.stop()

    def retranslate(self) -> None:
        self.prompt.setText(self.tr_.tr("identify.sms_prompt", phone=mask_phone(self._phone)))
        self.keypad.retranslate()
        if self._wait > 0:
            self.resend.setText(self.tr_.tr("identify.resend_wait", seconds=self._wait))
        else:
            self.resend.setText(self.tr_.tr("identify.resend"))
        self.resend.setEnabled(self._wait <= 0)

    def _on_timer_timeout(self) -> None:
        self._wait -= 1
        if self._wait <= 0:
            self._timer.stop()
        self.retranslate()
