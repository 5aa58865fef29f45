"""Keeps the customer inside the kiosk: no Alt+F4, Esc, task switching or window close.

Hall staff leave through a hidden gesture (five taps on the header's top-left corner within
four seconds) and the admin PIN.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QKeyEvent

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

log = logging.getLogger(__name__)


@cache
def _blocked_keys() -> tuple[frozenset[int], frozenset[int]]:
    """(always blocked, blocked with Ctrl). Built on the first key, not at import: the ``Qt``
    namespace is kept off the path to the first frame (see ui/props.py)."""
    from PySide6.QtCore import Qt

    k = Qt.Key
    always = {k.Key_Escape, k.Key_F4, k.Key_Tab, k.Key_Backtab, k.Key_Meta, k.Key_Super_L}
    always |= {k.Key_Super_R, k.Key_Menu, k.Key_F11, k.Key_Close}
    with_ctrl = {k.Key_Q, k.Key_W, k.Key_Escape}
    return frozenset(int(key.value) for key in always), frozenset(
        int(key.value) for key in with_ctrl
    )


def is_blocked_key(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """True for keys that would leave, close or switch away from the kiosk."""
    from PySide6.QtCore import Qt

    always, with_ctrl = _blocked_keys()
    if key in always:
        return True
    if modifiers & Qt.KeyboardModifier.AltModifier:
        return True  # Alt+anything: Alt+F4, Alt+Tab, window menus
    if modifiers & Qt.KeyboardModifier.MetaModifier:
        return True
    return bool(modifiers & Qt.KeyboardModifier.ControlModifier and key in with_ctrl)


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
