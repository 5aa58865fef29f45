"""Feeds touches and device events into the pure :class:`IdleClock` and acts on its verdict."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from kiosk.idle import IdleClock, IdleState, Phase, ScreenKind

_ACTIVITY_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    """An application-wide event filter plus a ticking timer.

    ``warning(seconds_left)`` while the countdown runs (:attr:`state` says whether it is the
    screen's stillness or the session's maximum), ``active()`` when it is called off or held
    by a transaction in progress (``busy``), ``expired()`` once when time is up (the shell then
    wipes the session and goes home). The rules themselves live in :mod:`kiosk.idle`.
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
        self.state = IdleState(Phase.ACTIVE, 0)
        # Set by the shell: a transaction in progress (every countdown holds) and an outcome
        # unknown (the session maximum holds, stillness still counts): kiosk/idle.py rule 3.
        self.busy: Callable[[], bool] = lambda: False
        self.unsettled: Callable[[], bool] = lambda: False
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

    @property
    def identified(self) -> bool:
        """True while the session clock runs (a customer is identified)."""
        return self._clock.identified

    def can_extend(self) -> bool:
        return self._clock.can_extend(self._now())

    def session_started(self, expires_in_s: float | None = None) -> None:
        self._clock.session_started(self._now(), expires_in_s)
        self._evaluate()

    def session_extended(self, expires_in_s: float, extendable: bool) -> None:
        """The backend granted more time (or said the cap is reached)."""
        self._clock.session_extended(self._now(), expires_in_s, extendable)
        self._evaluate()

    def session_ended(self) -> None:
        self._clock.session_ended()
        self._evaluate()

    def stop(self) -> None:
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        self._evaluate()

    def _evaluate(self) -> None:
        state = self._clock.state(self._now(), busy=self.busy(), unsettled=self.unsettled())
        self.state = state
        previous, self._phase = self._phase, state.phase
        if state.phase is Phase.EXPIRED:
            if previous is not Phase.EXPIRED:
                self.expired.emit()
        elif state.phase is Phase.WARNING:
            self.warning.emit(state.seconds_left)
        elif state.phase is Phase.HELD:
            if previous is not Phase.HELD:
                self.active.emit()
        else:
            if previous is not Phase.ACTIVE:
                self.active.emit()
            self.tick.emit(state.seconds_left)
