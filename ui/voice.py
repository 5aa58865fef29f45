"""Voice guidance in the window: which step is spoken when, and the header's mute button.

One place knows when a step begins, so screens need no voice code of their own: the navigator's
``changed`` (a screen's ``voice_prompt``), the shown screen's ``voice_step`` signal (steps
inside one screen, e.g. identification), the idle watcher's first warning tick and the printer's
``printed``. Speaking is :meth:`kiosk.voice.guide.VoiceGuide.speak`, which never blocks: the
guide plays on its own thread. A customer's mute lasts for their session only; the next
customer hears the kiosk again.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject

from kiosk.voice.guide import VoiceGuide
from kiosk.voice.prompts import Prompt
from ui.context import AppContext
from ui.idle_watcher import IdleWatcher
from ui.navigator import Navigator
from ui.screen import Screen
from ui.widgets.header import Header

log = logging.getLogger(__name__)


class VoiceHooks(QObject):
    """Connects the window's step signals to the voice guide."""

    def __init__(
        self,
        ctx: AppContext,
        guide: VoiceGuide,
        navigator: Navigator,
        watcher: IdleWatcher,
        header: Header,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.guide = guide
        self._header = header
        self._warned = False
        header.set_voice(not guide.muted)
        header.voice_toggled.connect(self.toggle)
        self._navigator = navigator
        self._watched: set[str] = set()
        navigator.changed.connect(self._on_navigator_changed)
        navigator.built.connect(self._watch)
        for screen in navigator.screens():
            self._watch(screen)
        watcher.warning.connect(self._on_watcher_warning)
        watcher.active.connect(self._on_watcher_active)
        if ctx.services.printer is not None:
            ctx.services.printer.printed.connect(lambda: self.say(Prompt.TAKE_RECEIPT))

    def say(self, prompt: Prompt) -> None:
        """Speak ``prompt`` in the screen's language (returns at once)."""
        self.guide.speak(prompt, self._ctx.translator.locale)

    def toggle(self) -> None:
        """The header button: mute, or speak again (and say so, so the customer knows)."""
        muted = not self.guide.muted
        self.guide.set_muted(muted)
        self._header.set_voice(not muted)
        log.info("voice guidance %s by the customer", "muted" if muted else "on")
        if not muted:
            self.say(Prompt.VOICE_ON)

    def session_ended(self) -> None:
        """The next customer starts with voice on, whatever the last one chose."""
        self._warned = False
        if self.guide.muted:
            self.guide.set_muted(False)
            self._header.set_voice(True)

    def _on_screen_step(self, screen: Screen, prompt: Prompt) -> None:
        # Only the screen the customer sees may speak: a late answer for a screen already
        # left says nothing.
        if screen is self._navigator.current:
            self.say(prompt)

    def _watch(self, screen: Any) -> None:
        """Listen to a screen's steps: built ones at once (their ``enter`` may speak before
        the navigator says they are shown), added ones when first shown."""
        assert isinstance(screen, Screen)
        if screen.screen_id not in self._watched:
            self._watched.add(screen.screen_id)
            screen.voice_step.connect(lambda prompt, s=screen: self._on_screen_step(s, prompt))

    def _on_navigator_changed(self, screen: Any) -> None:
        assert isinstance(screen, Screen)
        self._watch(screen)
        if screen.voice_prompt is not None:
            self.say(screen.voice_prompt)

    def _on_watcher_warning(self, _seconds_left: int) -> None:
        # The warning ticks every 250 ms; the customer is told once per warning.
        if not self._warned:
            self._warned = True
            self.say(Prompt.IDLE_WARNING)

    def _on_watcher_active(self) -> None:
        self._warned = False
