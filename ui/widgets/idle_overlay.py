"""The "are you still there?" cover with a visible countdown and a big "more time" button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.i18n import Translator
from ui.props import align


class IdleOverlay(QFrame):
    """Covers its parent; the customer taps "我需要更多时间" to stay.

    Two warnings share it (kiosk/idle.py): stillness on a screen (a tap is enough), and the
    session's maximum (the shell asks the backend for more time; at the hard cap the button
    goes and the text says the session ends)."""

    more_time_requested = Signal()

    def __init__(self, translator: Translator, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idleOverlay")
        self._tr = translator
        card = QFrame(self)
        card.setObjectName("idleCard")
        card.setFixedWidth(860)
        self._title = QLabel()
        self._title.setObjectName("idleTitle")
        align(self._title, "AlignCenter")
        self._hint = QLabel()
        self._hint.setObjectName("screenHint")
        self._hint.setWordWrap(True)
        align(self._hint, "AlignCenter")
        self._countdown = QLabel()
        self._countdown.setObjectName("idleCountdown")
        align(self._countdown, "AlignCenter")
        self.more_time = QPushButton()
        self.more_time.setProperty("kind", "primary")
        self.more_time.setMinimumHeight(120)
        self.more_time.clicked.connect(self.more_time_requested.emit)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(48, 40, 48, 40)
        inner.setSpacing(20)
        inner.addWidget(self._title)
        inner.addWidget(self._countdown)
        inner.addWidget(self._hint)
        inner.addWidget(self.more_time)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self._seconds = 0
        self._at_max = False
        self._extendable = True
        self._extending = False  # a request for more time is out: one tap only
        self.retranslate()
        self.hide()

    def show_countdown(
        self, seconds_left: int, *, at_max: bool = False, extendable: bool = True
    ) -> None:
        self._seconds = seconds_left
        self._at_max = at_max
        self._extendable = extendable
        self._countdown.setText(str(seconds_left))
        self.more_time.setVisible(extendable or not at_max)
        self.more_time.setEnabled(not self._extending)
        self.retranslate()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        if not self.isVisible():
            self.show()
            self.raise_()

    def countdown_text(self) -> str:
        return self._countdown.text()

    def hint_text(self) -> str:
        return self._hint.text()

    @property
    def at_max(self) -> bool:
        """True while the warning is the session's maximum (more time asks the backend)."""
        return self._at_max

    def set_extending(self, extending: bool) -> None:
        """The request for more time is out (True) or answered (False): one tap only, and
        the countdown's ticks do not bring the button back meanwhile."""
        self._extending = extending
        self.more_time.setEnabled(not extending)
        self.retranslate()

    def hideEvent(self, event: QHideEvent) -> None:
        self._extending = False
        super().hideEvent(event)

    def retranslate(self) -> None:
        seconds = self._seconds
        if self._extending:
            self._title.setText(self._tr.tr("idle.max_title"))
            self._hint.setText(self._tr.tr("idle.extending"))
        elif not self._at_max:
            self._title.setText(self._tr.tr("idle.title"))
            self._hint.setText(self._tr.tr("idle.hint", seconds=seconds))
        elif self._extendable:
            self._title.setText(self._tr.tr("idle.max_title"))
            self._hint.setText(self._tr.tr("idle.max_hint", seconds=seconds))
        else:
            self._title.setText(self._tr.tr("idle.max_title"))
            self._hint.setText(self._tr.tr("idle.max_cap", seconds=seconds))
        self.more_time.setText(self._tr.tr("idle.more_time"))
