"""Idle timeout policy (pure): when to warn, when to give up and wipe the session.

The UI feeds it touches and ticks from a monotonic clock; it never reads the clock itself,
so tests drive it with plain numbers.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from kiosk.config import TimeoutsConfig


class ScreenKind(enum.Enum):
    """How long a customer may reasonably stay still on a screen."""

    HOME = "home"  # nothing personal: no timeout
    ORDINARY = "ordinary"
    ENTRY = "entry"  # password / code entry
    READING = "reading"  # bills and itemised details
    FINISHED = "finished"  # after a transaction: back home soon


class Phase(enum.Enum):
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IdleState:
    """What the screen should show now."""

    phase: Phase
    seconds_left: int  # whole seconds until expiry, for the countdown


class IdleClock:
    """Tracks the last activity and the session start against :class:`TimeoutsConfig`."""

    def __init__(self, timeouts: TimeoutsConfig) -> None:
        self._timeouts = timeouts
        self._kind = ScreenKind.HOME
        self._last_activity = 0.0
        self._session_started: float | None = None

    def limit(self, kind: ScreenKind) -> float | None:
        """Seconds of stillness allowed on a screen of this kind (None = unlimited)."""
        t = self._timeouts
        return {
            ScreenKind.HOME: None,
            ScreenKind.ORDINARY: t.idle,
            ScreenKind.ENTRY: t.entry,
            ScreenKind.READING: t.reading,
            ScreenKind.FINISHED: t.after_transaction,
        }[kind]

    def screen_changed(self, kind: ScreenKind, now: float) -> None:
        self._kind = kind
        self._last_activity = now

    def activity(self, now: float) -> None:
        """A touch, a key, a card on the reader, a printer event."""
        self._last_activity = now

    def session_started(self, now: float) -> None:
        self._session_started = now

    def session_ended(self) -> None:
        self._session_started = None

    def state(self, now: float) -> IdleState:
        """ACTIVE, WARNING (with the countdown) or EXPIRED.

        The warning appears after the screen's limit of stillness and counts down
        ``timeouts.warning`` seconds; the session's maximum length warns the same way before
        it runs out. Finishing screens simply count down to home.
        """
        states = [self._screen_state(now)]
        if self._session_started is not None:
            left = self._session_started + self._timeouts.session_max - now
            states.append(self._countdown(left, self._timeouts.warning))
        return min(states, key=_urgency)

    def _screen_state(self, now: float) -> IdleState:
        limit = self.limit(self._kind)
        if limit is None:
            return IdleState(Phase.ACTIVE, 0)
        elapsed = now - self._last_activity
        if self._kind is ScreenKind.FINISHED:
            return self._countdown(limit - elapsed, 0.0)
        return self._countdown(limit + self._timeouts.warning - elapsed, self._timeouts.warning)

    @staticmethod
    def _countdown(left: float, warning: float) -> IdleState:
        if left <= 0:
            return IdleState(Phase.EXPIRED, 0)
        seconds = math.ceil(left)
        return IdleState(Phase.WARNING if left <= warning else Phase.ACTIVE, seconds)


def _urgency(state: IdleState) -> tuple[int, int]:
    order = {Phase.EXPIRED: 0, Phase.WARNING: 1, Phase.ACTIVE: 2}
    big = 10**9 if state.seconds_left == 0 and state.phase is Phase.ACTIVE else state.seconds_left
    return order[state.phase], big
