"""A stack of screens with home/back history."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from ui.screens.base import Screen

log = logging.getLogger(__name__)

HOME = "home"


class Navigator(QObject):
    """Owns the screens by id and the back history; emits ``changed`` on every move."""

    changed = Signal(object)  # the Screen now shown

    def __init__(self, stack: QStackedWidget) -> None:
        super().__init__(stack)
        self._stack = stack
        self._screens: dict[str, Screen] = {}
        self._history: list[tuple[str, Any]] = []

    def add(self, screen: Screen) -> None:
        if screen.screen_id in self._screens:
            raise ValueError(f"duplicate screen id {screen.screen_id}")
        self._screens[screen.screen_id] = screen
        self._stack.addWidget(screen)
        screen.navigate.connect(self.go)
        screen.replace.connect(self.replace)
        screen.go_home.connect(self.home)
        screen.go_back.connect(self.back)

    def screen(self, screen_id: str) -> Screen:
        return self._screens[screen_id]

    def screens(self) -> list[Screen]:
        return list(self._screens.values())

    @property
    def current(self) -> Screen | None:
        widget = self._stack.currentWidget()
        return widget if isinstance(widget, Screen) else None

    def go(self, screen_id: str, params: Any = None) -> None:
        """Show a screen, remembering the current one for "back"."""
        if screen_id not in self._screens:
            log.error("no screen %s", screen_id)
            return
        current = self.current
        if current is not None:
            self._history.append((current.screen_id, None))
        self._show(screen_id, params)

    def replace(self, screen_id: str, params: Any = None) -> None:
        """Show a screen without adding the current one to the history."""
        self._show(screen_id, params)

    def back(self) -> None:
        if not self._history:
            self.home()
            return
        screen_id, params = self._history.pop()
        self._show(screen_id, params, entering_back=True)

    def home(self) -> None:
        self._history.clear()
        self._show(HOME, None)

    def can_go_back(self) -> bool:
        return bool(self._history)

    def _show(self, screen_id: str, params: Any, entering_back: bool = False) -> None:
        current = self.current
        if current is not None:
            current.leave()
        screen = self._screens[screen_id]
        self._stack.setCurrentWidget(screen)
        screen.enter(params)
        self.changed.emit(screen)
