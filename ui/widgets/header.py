"""The header: operator and hall, the clock, language, large-text and voice switches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from common.hall_time import hall_now
from kiosk.config import Config
from kiosk.i18n import Translator
from ui.icons import TILE_ICON_SIZE, icon_pixmap
from ui.props import align, no_focus

VOICE_ICON_SIZE = 40


class Header(QFrame):
    """Top bar. The invisible top-left corner counts taps for the hidden admin gesture."""

    language_toggled = Signal()
    large_text_toggled = Signal()
    voice_toggled = Signal()
    corner_tapped = Signal()

    def __init__(
        self,
        config: Config,
        translator: Translator,
        now: Callable[[], dt.datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self._config = config
        self._tr = translator
        self._now = now or hall_now
        self._operator = QLabel()
        self._operator.setObjectName("operatorName")
        self._hall = QLabel(config.terminal.hall_name_in(translator.locale))
        self._hall.setObjectName("hallName")
        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self._operator)
        names.addWidget(self._hall)
        self.customer_badge = QLabel()
        self.customer_badge.setObjectName("customerBadge")
        self._clock = QLabel()
        self._clock.setObjectName("clock")
        align(self._clock, "AlignRight|AlignVCenter")
        self._date = QLabel()
        self._date.setObjectName("date")
        align(self._date, "AlignRight|AlignVCenter")
        clock = QVBoxLayout()
        clock.setSpacing(2)
        clock.addWidget(self._clock)
        clock.addWidget(self._date)
        self.language_button = QPushButton()
        no_focus(self.language_button)
        self.language_button.clicked.connect(self.language_toggled.emit)
        self.large_text_button = QPushButton()
        no_focus(self.large_text_button)
        self.large_text_button.clicked.connect(self.large_text_toggled.emit)
        # Voice guidance: icon + words, as big as its neighbours. Hidden until the shell has a
        # voice guide (staff may turn voice off: voice.enabled = false).
        self.voice_button = QPushButton()
        self.voice_button.setObjectName("voiceButton")
        no_focus(self.voice_button)
        self.voice_button.setIconSize(QSize(VOICE_ICON_SIZE, VOICE_ICON_SIZE))
        self.voice_button.clicked.connect(self.voice_toggled.emit)
        self.voice_button.setVisible(False)
        self._voice_on = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(32, 8, 32, 8)  # the buttons fill the bar (kiosk.qss)
        layout.setSpacing(24)
        layout.addLayout(names)
        layout.addStretch(1)
        layout.addWidget(self.customer_badge)
        layout.addSpacing(12)
        layout.addWidget(self.voice_button)
        layout.addWidget(self.large_text_button)
        layout.addWidget(self.language_button)
        layout.addSpacing(12)
        layout.addLayout(clock)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(1000)
        # Not yet polished: setting the property is enough (no re-polish at start-up).
        self.large_text_button.setProperty("active", "true" if config.ui.large_text else "false")
        self.retranslate()

    def set_large_text(self, on: bool) -> None:
        self.large_text_button.setProperty("active", "true" if on else "false")
        self.large_text_button.style().unpolish(self.large_text_button)
        self.large_text_button.style().polish(self.large_text_button)

    @property
    def voice_on(self) -> bool:
        return self._voice_on

    def set_voice(self, on: bool) -> None:
        """Show whether voice guidance speaks (the button names the current state)."""
        self._voice_on = on
        self._show_voice()

    def _show_voice(self) -> None:
        from PySide6.QtGui import QIcon  # the button is hidden in the first frame

        key = "header.voice_on" if self._voice_on else "header.voice_off"
        self.voice_button.setText(self._tr.tr(key))
        icon = "voice_on.svg" if self._voice_on else "voice_off.svg"
        self.voice_button.setIcon(QIcon(icon_pixmap(icon, TILE_ICON_SIZE)))

    def set_customer(self, masked: str) -> None:
        self.customer_badge.setText(masked)

    def retranslate(self) -> None:
        self._operator.setText(self._tr.tr("header.operator"))
        self._hall.setText(self._config.terminal.hall_name_in(self._tr.locale))
        self.language_button.setText(self._tr.tr("header.language"))
        self.large_text_button.setText(self._tr.tr("header.large_text"))
        if not self.voice_button.isHidden():  # set_voice words it when the guide comes
            self._show_voice()
        self._on_timer_timeout()

    def mousePressEvent(self, event: object) -> None:
        pos = event.position()  # type: ignore[attr-defined]
        if pos.x() < 120 and pos.y() < self.height():
            self.corner_tapped.emit()

    def _on_timer_timeout(self) -> None:
        now = self._now()
        self._clock.setText(now.strftime("%H:%M"))
        self._date.setText(self._tr.date(now.date()))
