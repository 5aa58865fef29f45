"""The small pages of the identification screen (number, choice, password, SMS code)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from common.masking import mask_phone
from kiosk.backend.models import CardNumber, Factor
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


SIDE_WIDTH = 420  # the column either side of a keypad: the SMS page's resend button, in English
# large text too ("Send the code again"), fits in it
MESSAGE_LINES = 2  # the message slot keeps room for two lines, said or not


class Page(QWidget):
    """A page with a prompt, one message slot (error or busy line) and its content.

    Every page has the same skeleton so that nothing jumps: the prompt keeps room for a line
    and the message slot for two, whether or not they say anything (a banner never pushes the
    keypad down), and a keypad always sits in :meth:`add_keypad`'s centred row (the same
    place on every page)."""

    def __init__(self, translator: Translator) -> None:
        super().__init__()
        self.tr_ = translator
        self.prompt = _label("screenHint")
        self.error = _label(role="error")
        self.error.hide()
        self.busy = _label(role="notice")
        self.busy.hide()
        self.messages = QWidget()
        slot = QVBoxLayout(self.messages)
        slot.setContentsMargins(0, 0, 0, 0)
        slot.setSpacing(0)
        slot.addWidget(self.error)
        slot.addWidget(self.busy)
        slot.addStretch(1)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        # Tight: the message slot's own padding separates the prompt from the keypad, and a
        # large-text page must still fit 1080 px with the slot's two lines reserved.
        self.box.setSpacing(2)
        self.box.addWidget(self.prompt)
        self.box.addWidget(self.messages)
        self._phone = ""  # the number being identified (raw), for the masked prompt
        self._keypad: QWidget | None = None
        self._reserve_lines()

    def add_keypad(self, keypad: QWidget, side: QWidget | None = None) -> None:
        """The keypad centred between two equal columns; ``side`` goes in the right one."""
        self._keypad = keypad
        row = QHBoxLayout()
        row.setSpacing(32)
        row.addStretch(1)
        left = QWidget()
        left.setFixedWidth(SIDE_WIDTH)
        row.addWidget(left)
        row.addWidget(keypad)
        right = QWidget()
        right.setFixedWidth(SIDE_WIDTH)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addStretch(1)
        if side is not None:
            column.addWidget(side)
        row.addWidget(right)
        row.addStretch(1)
        self.box.addLayout(row)
        self.box.addStretch(1)

    def changeEvent(self, event: QEvent) -> None:
        # Text size changes arrive as style changes: keep two lines of room at the new size.
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._reserve_lines()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self._reserve_lines()
        super().showEvent(event)
        QTimer.singleShot(0, self, self._keypad_into_view)

    def _reserve_lines(self) -> None:
        self.prompt.ensurePolished()
        self.error.ensurePolished()
        self.busy.ensurePolished()
        self.prompt.setMinimumHeight(self.prompt.fontMetrics().lineSpacing())
        # Two lines of the banner's type plus its padding (QSS padding is its contents margin).
        self.messages.setMinimumHeight(
            max(
                MESSAGE_LINES * label.fontMetrics().lineSpacing()
                + label.contentsMargins().top()
                + label.contentsMargins().bottom()
                for label in (self.error, self.busy)
            )
        )

    def forget(self) -> None:
        """Session end: drop the customer's number (``clear`` keeps it for a retry)."""
        self._phone = ""
        self.prompt.clear()

    def show_error(self, text: str) -> None:
        self.busy.hide()
        self.error.setText(text)
        self.error.show()
        self.setEnabled(True)
        # A long message in large text can make the page taller than the screen: the keypad
        # (its OK key) must stay in view, not below the fold (the screen's body scrolls).
        QTimer.singleShot(0, self, self._keypad_into_view)

    def _keypad_into_view(self) -> None:
        keypad = self._keypad
        if keypad is None or not self.isVisible():
            return
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is None:
            return
        inner = area.widget()
        layout = inner.layout() if inner is not None else None
        if layout is not None:
            layout.activate()  # the banner's new height first
        area.ensureWidgetVisible(keypad, 0, 0)

    def set_busy(self, text: str) -> None:
        self.error.hide()
        self.busy.setText(text)
        self.busy.setVisible(bool(text))

    def clear(self) -> None:
        self.error.hide()
        self.busy.hide()

    def lock(self, text: str) -> None:
        """The number is locked: say so, and take no more entry (subclasses disable input)."""
        self.show_error(text)

    def retranslate(self) -> None:
        """Refresh texts; subclasses extend."""


class PhonePage(Page):
    """11-digit number on a plain (not shuffled) keypad."""

    phone_entered = Signal(str)

    def __init__(self, translator: Translator) -> None:
        super().__init__(translator)
        self.keypad = Keypad(translator, length=11, secret=False)
        self.keypad.submitted.connect(self._on_keypad_submitted)
        self.add_keypad(self.keypad)

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
        self.add_keypad(self.keypad)
        self._phone = ""

    def start(self, phone: str) -> None:
        self._phone = phone
        self.clear()
        self.keypad.setEnabled(True)
        self.retranslate()

    def lock(self, text: str) -> None:
        super().lock(text)
        self.keypad.reset()
        self.keypad.setEnabled(False)

    def clear(self) -> None:
        super().clear()
        self.keypad.reset()

    def retranslate(self) -> None:
        self.prompt.setText(self.tr_.tr("identify.password_prompt", phone=mask_phone(self._phone)))
        self.keypad.retranslate()


class SmsPage(Page):
    """The code sent to the phone; resend allowed after the server's wait (60 s).

    The prompt says a code was sent only once the backend said so; a locked number (no code
    sent) gets the lock message, and the keypad and resend take nothing more."""

    code_entered = Signal(str)
    resend_requested = Signal()

    def __init__(self, translator: Translator) -> None:
        super().__init__(translator)
        self.keypad = Keypad(translator, length=6, secret=False)
        self.keypad.submitted.connect(self.code_entered.emit)
        self.resend = QPushButton()
        self.resend.clicked.connect(self.resend_requested.emit)
        self.add_keypad(self.keypad, self.resend)
        self._phone = ""
        self._wait = 0
        self._sent = False
        self._locked = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def locked(self) -> bool:
        return self._locked

    def sent_to(self, phone: str) -> bool:
        """True when a code was sent to ``phone`` for this page (it is still the one to type)."""
        return self._sent and not self._locked and self._phone == phone

    def start(self, phone: str) -> None:
        self._phone = phone
        self.clear()
        self._wait = 0
        self._sent = False
        self._locked = False
        self.keypad.setEnabled(True)
        self.retranslate()

    def code_sent(self, resend_after_s: int) -> None:
        self._wait = resend_after_s
        self._sent = True
        self._timer.start()
        self.set_busy("")
        self.retranslate()

    def lock(self, text: str) -> None:
        super().lock(text)
        self._locked = True
        self._timer.stop()
        self.keypad.reset()
        self.keypad.setEnabled(False)
        self.retranslate()

    def clear(self) -> None:
        super().clear()
        self.keypad.reset()
        self._timer.stop()

    def retranslate(self) -> None:
        phone = mask_phone(self._phone)
        if self._locked:
            self.prompt.setText(self.tr_.tr("identify.sms_not_sent", phone=phone))
        elif self._sent:
            self.prompt.setText(self.tr_.tr("identify.sms_prompt", phone=phone))
        else:
            self.prompt.setText(self.tr_.tr("identify.sms_prompt_sending", phone=phone))
        self.keypad.retranslate()
        if self._wait > 0:
            self.resend.setText(self.tr_.tr("identify.resend_wait", seconds=self._wait))
        else:
            self.resend.setText(self.tr_.tr("identify.resend"))
        self.resend.setEnabled(self._wait <= 0 and not self._locked)

    def _on_timer_timeout(self) -> None:
        self._wait -= 1
        if self._wait <= 0:
            self._timer.stop()
        self.retranslate()


class NumberPage(Page):
    """Card first: the numbers registered to the card on the reader, masked; one big button
    each. ``picked`` carries the chosen number's index (the backend's ``pick``)."""

    picked = Signal(int)

    def __init__(self, translator: Translator) -> None:
        super().__init__(translator)
        self._buttons = QVBoxLayout()
        self._buttons.setSpacing(20)
        self.box.addLayout(self._buttons)
        self.box.addStretch(1)
        self.buttons: list[QPushButton] = []
        self._numbers: list[CardNumber] = []
        self._name = ""
        self._last_pick: int | None = None
        self.picked.connect(self._remember_pick)

    def set_numbers(self, numbers: list[CardNumber], masked_name: str) -> None:
        self.forget_numbers()
        self._numbers = list(numbers)
        self._name = masked_name
        for number in self._numbers:
            button = QPushButton()
            button.setProperty("kind", "primary" if not self.buttons else "")
            button.setMinimumHeight(110)
            button.clicked.connect(lambda _=False, pick=number.pick: self.picked.emit(pick))
            self._buttons.addWidget(button)
            self.buttons.append(button)
        self.retranslate()

    def lock(self, text: str) -> None:
        """The number just picked is locked: it takes no more taps (the card's other numbers
        still may be picked)."""
        super().lock(text)
        for number, button in zip(self._numbers, self.buttons, strict=True):
            if number.pick == self._last_pick:
                button.setEnabled(False)

    def _remember_pick(self, pick: int) -> None:
        self._last_pick = pick

    def forget_numbers(self) -> None:
        for button in self.buttons:
            self._buttons.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        self._numbers = []
        self._name = ""
        self._last_pick = None

    def forget(self) -> None:
        super().forget()
        self.forget_numbers()

    def retranslate(self) -> None:
        self.prompt.setText(self.tr_.tr("identify.pick_prompt", name=self._name))
        for number, button in zip(self._numbers, self.buttons, strict=True):
            button.setText(
                self.tr_.tr("identify.pick_number", phone=number.phone_masked, brand=number.brand)
            )
