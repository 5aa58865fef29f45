"""Hall staff's screens behind the hidden gesture: PIN entry, then the admin panel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from kiosk.idle import ScreenKind
from ui.context import AppContext
from ui.screens.base import Screen
from ui.widgets.keypad import Keypad


class AdminPinScreen(Screen):
    """Shuffled keypad for the admin PIN; three wrong PINs send the terminal back home."""

    unlocked = Signal()

    screen_id = "admin_pin"
    kind = ScreenKind.ENTRY
    title_key = "admin.pin_title"
    hint_key = "admin.pin_hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.keypad = Keypad(ctx.translator, length=8, min_length=4, secret=True)
        self.keypad.submitted.connect(self._on_keypad_submitted)
        self.error = self.label(role="error")
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.layout_.addStretch(1)
        self._failures = 0

    def enter(self, params: Any) -> None:
        self.keypad.reset()
        self.error.hide()
        self.retranslate()

    def _on_keypad_submitted(self, pin: str) -> None:
        if self.ctx.config.admin.check_pin(pin):
            self._failures = 0
            self.unlocked.emit()
            self.navigate.emit("admin", None)
            return
        self._failures += 1
        self.keypad.reset()
        if self._failures >= 3:
            self._failures = 0
            self.go_home.emit()
            return
        self.error.setText(self.tr("admin.pin_wrong"))
        self.error.show()


class AdminScreen(Screen):
    """Terminal facts and the one way out of the kiosk."""

    exit_requested = Signal()

    screen_id = "admin"
    kind = ScreenKind.ORDINARY
    title_key = "admin.title"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.info = self.label(role="notice")
        self.layout_.addWidget(self.info)
        self.layout_.addStretch(1)
        row = QHBoxLayout()
        self.exit_button = QPushButton()
        self.exit_button.setProperty("kind", "danger")
        self.exit_button.clicked.connect(self.exit_requested.emit)
        row.addStretch(1)
        row.addWidget(self.exit_button)
        self.layout_.addLayout(row)

    def enter(self, params: Any) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        cfg = self.ctx.config
        self.info.setText(
            self.tr(
                "admin.info",
                terminal=cfg.terminal.id,
                hall=cfg.terminal.hall_name,
                backend=cfg.backend.url,
            )
        )
        self.exit_button.setText(self.tr("admin.exit"))
