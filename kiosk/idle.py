"""The session rules (pure): when to warn, when to wait, when to give up and wipe the session.

The rules, written once (docs/session.md says the same in words):

1. **Idle on every screen while a customer is identified.** Each screen kind has a limit of
   stillness (ordinary 60 s, code entry 30 s, reading 120 s); after it a warning counts down
   ``timeouts.warning`` seconds and the session ends when it runs out. The home screen is no
   exception once a customer is identified: only an *empty* home screen never times out.
2. **Session maximum.** A session lasts ``timeouts.session_max`` from identification; the last
   ``timeouts.warning`` seconds are a warning. "我需要更多时间" there asks the backend for an
   extension (``POST /v1/sessions/current/extend``); the backend answers the new expiry, never
   beyond ``timeouts.session_hard_max`` from identification, and says whether another extension
   is possible. The kiosk never extends on its own.
3. **A transaction in progress is never cut.** While a request is out (sending), cash is being
   inserted or a receipt prints, every countdown is held (:attr:`Phase.HELD`). While an
   outcome is unknown (the confirmation waits for the customer to send it again with the same
   key) the session maximum cannot end the session; stillness still does (a customer who
   walked away is wiped; the journal keeps the unknown entry for the settlement). When either
   ends the customer gets at least one full warning period, even past the session maximum.
4. **At the end:** the session is wiped, and the language and text size go back to the
   configured defaults for the next customer (the shell does this, ``Shell.end_session``).

The UI feeds touches and ticks from a monotonic clock; this module never reads the clock
itself, so tests drive it with plain numbers.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from kiosk.config import TimeoutsConfig


class ScreenKind(enum.Enum):
    """How long a customer may reasonably stay still on a screen."""

    HOME = "home"  # no timeout while nobody is identified; the ordinary one while someone is
    ORDINARY = "ordinary"
    ENTRY = "entry"  # password / code entry
    READING = "reading"  # bills and itemised details
    FINISHED = "finished"  # after a transaction: back home soon


class Phase(enum.Enum):
    ACTIVE = "active"
    WARNING = "warning"
    HELD = "held"  # a transaction is in progress: no countdown, no expiry
    EXPIRED = "expired"


class Cause(enum.Enum):
    """What the countdown is about: stillness on the screen, or the session's maximum."""

    IDLE = "idle"
    SESSION_MAX = "session_max"


@dataclass(frozen=True)
class IdleState:
    """What the screen should show now."""

    phase: Phase
    seconds_left: int  # whole seconds until expiry, for the countdown
    cause: Cause = Cause.IDLE
    # For a SESSION_MAX warning: whether "more time" may still ask the backend for more.
    extendable: bool = False


class IdleClock:
    """Tracks the last activity and the session's deadline against :class:`TimeoutsConfig`."""

    def __init__(self, timeouts: TimeoutsConfig) -> None:
        self._timeouts = timeouts
        self._kind = ScreenKind.HOME
        self._last_activity = 0.0
        self._session_started: float | None = None
        self._deadline: float | None = None
        self._extendable = True
        self._held = False

    @property
    def identified(self) -> bool:
        return self._session_started is not None

    def limit(self, kind: ScreenKind) -> float | None:
        """Seconds of stillness allowed on a screen of this kind (None = unlimited)."""
        t = self._timeouts
        if kind is ScreenKind.HOME:
            return t.idle if self.identified else None
        return {
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

    def session_started(self, now: float, expires_in_s: float | None = None) -> None:
        """A customer was identified; ``expires_in_s`` is the backend's word when known."""
        self._session_started = now
        self._last_activity = now
        self._extendable = True
        left = self._timeouts.session_max if expires_in_s is None else expires_in_s
        self._deadline = now + min(left, self._timeouts.session_hard_max)

    def session_extended(self, now: float, expires_in_s: float, extendable: bool) -> None:
        """The backend's answer to an extension: the new expiry and whether more is possible.

        Never beyond ``session_hard_max`` from identification, whatever the answer says."""
        if self._session_started is None:
            return
        cap = self._session_started + self._timeouts.session_hard_max
        self._deadline = min(now + expires_in_s, cap)
        self._extendable = extendable and self._deadline < cap
        self._last_activity = now

    def session_ended(self) -> None:
        self._session_started = None
        self._deadline = None
        self._extendable = True
        self._held = False

    def can_extend(self, now: float) -> bool:
        """True while asking the backend for more time makes sense."""
        if self._session_started is None or not self._extendable:
            return False
        return now < self._session_started + self._timeouts.session_hard_max

    def state(self, now: float, *, busy: bool = False, unsettled: bool = False) -> IdleState:
        """ACTIVE, WARNING (with the countdown), HELD or EXPIRED.

        The warning appears after the screen's limit of stillness and counts down
        ``timeouts.warning`` seconds; the session's maximum warns the same way before it runs
        out. Finishing screens simply count down to home. ``busy`` (a transaction in progress)
        holds every countdown; ``unsettled`` (an outcome unknown) holds the session's maximum
        only. When a hold clears, it counts as activity and leaves at least one warning period
        before the session's deadline.
        """
        if busy:
            self._held = True
            return IdleState(Phase.HELD, 0)
        if self._held and not unsettled:
            self._held = False
            self._last_activity = now
            if self._deadline is not None:
                self._deadline = max(self._deadline, now + self._timeouts.warning)
        states = [self._screen_state(now)]
        if unsettled:
            self._held = True  # the maximum waits; stillness still counts
        elif self._deadline is not None:
            states.append(
                self._countdown(
                    self._deadline - now,
                    self._timeouts.warning,
                    Cause.SESSION_MAX,
                    self.can_extend(now),
                )
            )
        return min(states, key=_urgency)

    def _screen_state(self, now: float) -> IdleState:
        limit = self.limit(self._kind)
        if limit is None:
            return IdleState(Phase.ACTIVE, 0)
        elapsed = now - self._last_activity
        if self._kind is ScreenKind.FINISHED:
            return self._countdown(limit - elapsed, 0.0, Cause.IDLE)
        return self._countdown(
            limit + self._timeouts.warning - elapsed, self._timeouts.warning, Cause.IDLE
        )

    @staticmethod
    def _countdown(
        left: float, warning: float, cause: Cause, extendable: bool = False
    ) -> IdleState:
        if left <= 0:
            return IdleState(Phase.EXPIRED, 0, cause, extendable)
        seconds = math.ceil(left)
        phase = Phase.WARNING if left <= warning else Phase.ACTIVE
        return IdleState(phase, seconds, cause, extendable)


def _urgency(state: IdleState) -> tuple[int, int, int]:
    order = {Phase.EXPIRED: 0, Phase.WARNING: 1, Phase.HELD: 2, Phase.ACTIVE: 3}
    big = 10**9 if state.seconds_left == 0 and state.phase is Phase.ACTIVE else state.seconds_left
    # On a tie the session maximum wins: its "more time" is the one that must reach the backend.
    return order[state.phase], big, 0 if state.cause is Cause.SESSION_MAX else 1
