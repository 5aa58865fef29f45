"""The customer session: owns everything personal and is dropped as a whole at the end.

Nothing personal lives outside a :class:`Session`. Screens read from it; when the session
ends (customer taps 结束, idle timeout, maximum length) :meth:`SessionManager.end` wipes it,
bumps the generation so late background results are dropped, and notifies listeners.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from common.masking import mask_phone
from kiosk.backend.factors import Factor

log = logging.getLogger(__name__)


class EndReason(enum.Enum):
    CUSTOMER = "customer"
    IDLE = "idle"
    MAX_LENGTH = "max_length"
    ADMIN = "admin"


@dataclass
class Customer:
    """Who is at the terminal. ``phone`` is raw (the backend needs it); the name arrives
    already masked from the backend; nothing else personal is kept."""

    phone: str
    masked_name: str = ""
    brand: str = ""
    factors: set[Factor] = field(default_factory=set)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Session:
    """One customer's visit: identity, cached results and once-per-session flags."""

    def __init__(self, generation: int, started_at: float) -> None:
        self.generation = generation
        self.started_at = started_at
        self.customer: Customer | None = None
        # The backend's own word on how long its session lasts (None: not told, the kiosk's
        # timeouts.session_max applies); the countdown the customer sees follows it.
        self.expires_in_s: int | None = None
        self.cache: dict[str, Any] = {}
        self.detail_slip_printed = False
        self.show_full_numbers = False

    @property
    def identified(self) -> bool:
        return self.customer is not None

    def has(self, *factors: Factor) -> bool:
        return self.customer is not None and all(f in self.customer.factors for f in factors)

    def wipe(self) -> None:
        """Forget everything personal; the object stays usable as an empty shell."""
        if self.customer is not None:
            self.customer.phone = ""
            self.customer.masked_name = ""
            self.customer.factors.clear()
        self.customer = None
        self.cache.clear()
        self.detail_slip_printed = False
        self.show_full_numbers = False


class SessionManager:
    """Starts and ends sessions; ``on_end`` hooks (e.g. the backend client's logout) run at end."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._generation = 0
        self._current = Session(self._generation, clock())
        self._end_hooks: list[Callable[[EndReason], None]] = []
        self._identify_hooks: list[Callable[[Session], None]] = []

    @property
    def current(self) -> Session:
        return self._current

    def add_end_hook(self, hook: Callable[[EndReason], None]) -> None:
        self._end_hooks.append(hook)

    def add_identify_hook(self, hook: Callable[[Session], None]) -> None:
        self._identify_hooks.append(hook)

    def is_current(self, generation: int) -> bool:
        return generation == self._generation

    def guard(self) -> Callable[[], bool]:
        """A callable that stays True only while the session it was made in is current."""
        generation = self._generation
        return lambda: self.is_current(generation)

    def identify(self, customer: Customer, expires_in_s: int | None = None) -> Session:
        """Attach an identified customer to the current session (starting its clock);
        ``expires_in_s`` is the backend session's lifetime from its answer, when known."""
        if self._current.customer is None:
            self._current.started_at = self._clock()
            self._current.expires_in_s = expires_in_s
        self._current.customer = customer
        log.info("customer identified with %d factor(s)", len(customer.factors))
        for hook in list(self._identify_hooks):
            hook(self._current)
        return self._current

    def end(self, reason: EndReason) -> None:
        """Wipe the session and start a fresh, empty one."""
        had_customer = self._current.identified
        self._current.wipe()
        self._generation += 1
        self._current = Session(self._generation, self._clock())
        log.info("session ended (%s)%s", reason.value, "" if had_customer else ", no customer")
        for hook in list(self._end_hooks):
            try:
                hook(reason)
            except Exception:
                log.exception("session end hook failed")
