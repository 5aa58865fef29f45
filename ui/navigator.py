"""A stack of screens with home/back history; screens are built on first use.

Only the home screen exists when the kiosk first paints. Every other screen is registered as a
factory and built either when first shown or, ahead of time, one per event-loop turn after
start-up (:meth:`Navigator.build_next`), so no tap ever waits for a build.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from ui.screen import Screen
from ui.screen_ids import HOME

if TYPE_CHECKING:
    from ui.navigation import Destination

__all__ = ["HOME", "Navigator", "ScreenFactory"]

log = logging.getLogger(__name__)

ScreenFactory = Callable[[], Screen]


class Navigator(QObject):
    """Owns the screens by id and the back history; emits ``changed`` on every move."""

    changed = Signal(object)  # the Screen now shown
    built = Signal(object)  # a Screen just created from its factory
    current_kind_changed = Signal(object)  # ScreenKind of the shown screen changed in place

    def __init__(self, stack: QStackedWidget) -> None:
        super().__init__(stack)
        self._stack = stack
        self._screens: dict[str, Screen] = {}
        self._factories: dict[str, ScreenFactory] = {}
        self._history: list[str] = []
        # Where a Destination leads; the shell sets the level check (ui.navigation.route).
        self.route: Callable[[Destination], tuple[str, object]] = lambda d: (d.target, d.params)

    def add(self, screen: Screen) -> None:
        """Add a screen that already exists."""
        if screen.screen_id in self._screens or screen.screen_id in self._factories:
            raise ValueError(f"duplicate screen id {screen.screen_id}")
        self._attach(screen)

    def register(self, screen_id: str, factory: ScreenFactory) -> None:
        """Add a screen to be built on first use."""
        if screen_id in self._screens or screen_id in self._factories:
            raise ValueError(f"duplicate screen id {screen_id}")
        self._factories[screen_id] = factory

    def knows(self, screen_id: str) -> bool:
        return screen_id in self._screens or screen_id in self._factories

    def screen(self, screen_id: str) -> Screen:
        """The screen, built now if it was not yet."""
        if screen_id not in self._screens:
            factory = self._factories.pop(screen_id)
            screen = factory()
            if screen.screen_id != screen_id:
                raise ValueError(f"factory for {screen_id} built {screen.screen_id}")
            self._attach(screen)
            screen.retranslate()
            self.built.emit(screen)
        return self._screens[screen_id]

    def screens(self) -> list[Screen]:
        """The screens built so far (unbuilt ones hold nothing to reset or translate)."""
        return list(self._screens.values())

    def pending(self) -> int:
        return len(self._factories)

    def build_next(self) -> bool:
        """Build one pending screen; False when none is left."""
        if not self._factories:
            return False
        self.screen(next(iter(self._factories)))
        return True

    @property
    def current(self) -> Screen | None:
        widget = self._stack.currentWidget()
        return widget if isinstance(widget, Screen) else None

    def go(self, screen_id: str, params: Any = None) -> None:
        """Show a screen, remembering the current one for "back" (a screen opening itself
        with new parameters, as services does for the order step-up, is not a step back)."""
        if not self.knows(screen_id):
            log.error("no screen %s", screen_id)
            return
        current = self.current
        if current is not None and current.screen_id != screen_id:
            self._history.append(current.screen_id)
        self._show(screen_id, params)

    def open(self, destination: object) -> None:
        """Go where a screen asked (:meth:`Screen.open`), through the shell's ``route``."""
        from ui.navigation import Destination  # on the first tap, not before the first frame

        assert isinstance(destination, Destination)
        self.go(*self.route(destination))

    def replace(self, screen_id: str, params: Any = None) -> None:
        """Show a screen without adding the current one to the history."""
        self._show(screen_id, params)

    def back(self) -> None:
        if not self._history:
            self.home()
            return
        self._show(self._history.pop(), None)

    def home(self) -> None:
        self._history.clear()
        self._show(HOME, None)

    def can_go_back(self) -> bool:
        return bool(self._history)

    def _attach(self, screen: Screen) -> None:
        self._screens[screen.screen_id] = screen
        self._stack.addWidget(screen)
        screen.navigate.connect(self.open)
        screen.replace.connect(self.replace)
        screen.go_home.connect(self.home)
        screen.go_back.connect(self.back)
        screen.kind_changed.connect(lambda kind, s=screen: self._on_screen_kind_changed(s, kind))

    def _on_screen_kind_changed(self, screen: Screen, kind: object) -> None:
        if screen is self.current:
            self.current_kind_changed.emit(kind)

    def _show(self, screen_id: str, params: Any) -> None:
        current = self.current
        if current is not None:
            current.leave()
        screen = self.screen(screen_id)
        self._stack.setCurrentWidget(screen)
        screen.restore_kind()
        screen.enter(params)
        self.changed.emit(screen)
