"""Feeds touches and device events into the pure :class:`IdleClock` and acts on its verdict."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from kiosk.idle import IdleClock, Phase, ScreenKind

_ACTIVITY_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    """An application-wide event filter plus a ticking timer.

    ``warning(seconds_left)`` while the countdown runs, ``active()`` when it is called off,
    ``expired()`` once when time is up (the shell then wipes the session and goes home).
    """

    warning = Signal(int)
    active = Signal()
    expired = Signal()
    tick = Signal(int)  # seconds left on screens that show their own countdown

    def __init__(
        self,
        clock: IdleClock,
        now: Callable[[], float],
        interval_ms: int = 250,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._now = now
        self._phase = Phase.ACTIVE
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS:
            self.activity()
        return False

    def activity(self) -> None:
        """Anything the customer did, including a card on the reader or a printer event."""
        self._clock.activity(self._now())
        if self._phase is Phase.WARNING:
            self._evaluate()

    def screen_changed(self, kind: ScreenKind) -> None:
        self._clock.screen_changed(kind, self._now())
        self._evaluate()

    def session_started(self) -> None:
        self._clock.session_started(self._now())

    def session_ended(self) -> None:
        self._clock.session_ended()
        self._evaluate()

    def stop(self) -> None:
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        self._evaluate()

    def _evaluate(self) -> None:
        state = self._clock.state(self._now())
        previous, self._phase = self._phase, state.phase
        if state.phase is Phase.EXPIRED:
            if previous is not Phase.EXPIRED:
                self.expired.emit()
        elif state.phase is Phase.WARNING:
            self.warning.emit(state.seconds_left)
        else:
            if previous is not Phase.ACTIVE:
                self.active.emit()
            self.tick.emit(state.seconds_left)
