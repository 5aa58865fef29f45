"""Keeps the customer inside the kiosk: no Alt+F4, Esc, task switching or window close.

Hall staff leave through a hidden gesture (five taps on the header's top-left corner within
four seconds) and the admin PIN.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent

log = logging.getLogger(__name__)

_BLOCKED_KEYS = {
    Qt.Key.Key_Escape,
    Qt.Key.Key_F4,
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
    Qt.Key.Key_Meta,
    Qt.Key.Key_Super_L,
    Qt.Key.Key_Super_R,
    Qt.Key.Key_Menu,
    Qt.Key.Key_F11,
    Qt.Key.Key_Close,
}
_BLOCKED_WITH_CTRL = {Qt.Key.Key_Q, Qt.Key.Key_W, Qt.Key.Key_Escape}


def is_blocked_key(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """True for keys that would leave, close or switch away from the kiosk."""
    if key in _BLOCKED_KEYS:
        return True
    if modifiers & Qt.KeyboardModifier.AltModifier:
        return True  # Alt+anything: Alt+F4, Alt+Tab, window menus
    if modifiers & Qt.KeyboardModifier.MetaModifier:
        return True
    return bool(modifiers & Qt.KeyboardModifier.ControlModifier and key in _BLOCKED_WITH_CTRL)


class Lockdown(QObject):
    """Application-wide event filter; ``allow_exit()`` is the only way to let a close through."""

    admin_gesture = Signal()

    TAPS = 5
    WINDOW_S = 4.0

    def __init__(self, now: Callable[[], float], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._taps: list[float] = []
        self._exit_allowed = False
        self.blocked_count = 0

    @property
    def exit_allowed(self) -> bool:
        return self._exit_allowed

    def allow_exit(self) -> None:
        log.info("admin unlocked the kiosk for exit")
        self._exit_allowed = True

    def corner_tapped(self) -> None:
        """Count a tap on the hidden corner; five within four seconds opens the PIN screen."""
        now = self._now()
        self._taps = [t for t in self._taps if now - t <= self.WINDOW_S] + [now]
        if len(self._taps) >= self.TAPS:
            self._taps.clear()
            self.admin_gesture.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            assert isinstance(event, QKeyEvent)
            if not self._exit_allowed and is_blocked_key(event.key(), event.modifiers()):
                if event.type() == QEvent.Type.KeyPress:
                    self.blocked_count += 1
                    log.debug("blocked key %s", event.key())
                event.accept()
                return True
        return False
