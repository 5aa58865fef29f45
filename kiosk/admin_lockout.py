"""Wrong admin PINs, counted in a file that outlives the process.

Why a file: the hall staff's PIN is the way out of the lock-down, and a passer-by who could
reset the count by pulling the plug (or waiting for a crash) would have unlimited guesses at
a 4-8 digit PIN. The count and the lock's end are written before the answer is shown, with a
rename so a power cut leaves the old state or the new one, never half a file.

Policy: three wrong PINs in a row lock the PIN screen for 5 minutes; each further run of three
doubles it, up to an hour. A right PIN clears everything. The lock's end is wall-clock time
(a restart loses monotonic time); a clock turned back cannot stretch a lock beyond its length,
because the remaining time is capped at the longest lock.

A state file that cannot be read is treated as one lock period (fail closed), never as a fresh
start.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

log = logging.getLogger(__name__)

STATE_FILE = "admin-pin-lockout.json"


class PinOutcome(Enum):
    """What one PIN entry led to."""

    ACCEPTED = "accepted"
    WRONG = "wrong"  # wrong, attempts remain before the lock
    LOCKED = "locked"  # this entry started a lock, or one was already running (not checked)


@dataclass(frozen=True)
class LockoutPolicy:
    """How many wrong PINs before a lock, and how long the locks are (seconds)."""

    attempts: int = 3
    first_lock_s: float = 300.0
    longest_lock_s: float = 3600.0

    def lock_length(self, locks_so_far: int) -> float:
        """The length of the next lock after ``locks_so_far`` earlier ones."""
        return float(min(self.first_lock_s * 2 ** min(locks_so_far, 16), self.longest_lock_s))


@dataclass(frozen=True)
class PinResult:
    """The outcome and, when locked, how many seconds remain."""

    outcome: PinOutcome
    locked_for_s: float = 0.0


@dataclass(frozen=True)
class _State:
    failures: int = 0  # wrong PINs since the last lock or success
    locks: int = 0  # locks since the last success
    locked_until: float = 0.0  # wall-clock seconds


class AdminPinGuard:
    """Checks PINs through ``check`` and keeps the lock-out in ``state_path``."""

    def __init__(
        self,
        check: Callable[[str], bool],
        state_path: Path,
        *,
        policy: LockoutPolicy | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._check = check
        self._path = state_path
        self._policy = policy or LockoutPolicy()
        self._now = wall_clock
        # A lock that could not be written (disk full, read-only) still holds in this process.
        self._unsaved_until = 0.0
        self._lock = threading.Lock()  # one check at a time: the count is read-modify-write

    def locked_for(self) -> float:
        """Seconds until a PIN is checked again (0 when not locked)."""
        state = self._load()
        left = max(state.locked_until, self._unsaved_until) - self._now()
        return max(0.0, min(left, self._policy.longest_lock_s))

    def try_pin(self, pin: str) -> PinResult:
        """Check ``pin`` unless locked; every wrong one is on disk before this returns."""
        with self._lock:
            return self._try(pin)

    def _try(self, pin: str) -> PinResult:
        remaining = self.locked_for()
        if remaining > 0:
            return PinResult(PinOutcome.LOCKED, remaining)
        if self._check(pin):
            self._save(_State())
            self._unsaved_until = 0.0
            return PinResult(PinOutcome.ACCEPTED)
        state = self._load()
        failures = state.failures + 1
        if failures < self._policy.attempts and self._save(_State(failures, state.locks, 0.0)):
            return PinResult(PinOutcome.WRONG)
        # A count that cannot be kept is a lock (fail closed): guesses must not go uncounted.
        length = self._policy.lock_length(state.locks)
        until = self._now() + length
        if not self._save(_State(0, state.locks + 1, until)):
            self._unsaved_until = until
        log.warning("admin PIN locked for %d s after %d wrong entries", length, failures)
        return PinResult(PinOutcome.LOCKED, length)

    def _load(self) -> _State:
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
            return _State(int(raw["failures"]), int(raw["locks"]), float(raw["locked_until"]))
        except FileNotFoundError:
            return _State()
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("admin PIN lock-out state unreadable; locking once to be safe")
            state = _State(0, 1, self._now() + self._policy.first_lock_s)
            self._save(state)
            return state

    def _save(self, state: _State) -> bool:
        """Write ``state`` atomically; False (logged) when the disk refuses."""
        try:
            self._write(state)
        except OSError as exc:
            log.error("admin PIN lock-out state not written: %s", type(exc).__name__)
            return False
        return True

    def _write(self, state: _State) -> None:
        text = json.dumps(
            {"failures": state.failures, "locks": state.locks, "locked_until": state.locked_until}
        )
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=f".{self._path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def state_path_for(journal_path: str) -> Path:
    """The lock-out file lives beside the journal: the kiosk's one local state directory."""
    return Path(journal_path).expanduser().parent / STATE_FILE
