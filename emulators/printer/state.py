"""The simulated printer's condition and the ``DLE EOT n`` bytes it answers with."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, replace
from enum import Enum
from typing import Any


class Paper(Enum):
    """Paper roll condition."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


class Answering(Enum):
    """How the emulator answers status requests (faults for driver tests)."""

    NORMAL = "normal"
    SILENT = "silent"  # no answer at all (cable pulled on RX, printer off)
    GARBLED = "garbled"  # a byte not shaped 0xx1xx10


@dataclass(frozen=True)
class Condition:
    """A snapshot of everything the status bytes report."""

    paper: Paper = Paper.OK
    cover_open: bool = False
    offline: bool = False
    cutter_error: bool = False
    unrecoverable: bool = False
    answering: Answering = Answering.NORMAL

    @property
    def can_print(self) -> bool:
        """The mechanism runs only when nothing stops it."""
        return not (
            self.paper is Paper.OUT
            or self.cover_open
            or self.offline
            or self.cutter_error
            or self.unrecoverable
        )

    def status_byte(self, n: int) -> int:
        """The answer to ``DLE EOT n`` (fixed bits ``0xx1xx10`` plus the condition bits)."""
        value = 0x12
        stopped = not self.can_print
        if n == 1:
            if stopped:
                value |= 0x08
        elif n == 2:
            if self.cover_open:
                value |= 0x04
            if self.paper is Paper.OUT:
                value |= 0x20
            if self.cutter_error or self.unrecoverable:
                value |= 0x40
        elif n == 3:
            if self.cutter_error:
                value |= 0x08
            if self.unrecoverable:
                value |= 0x20
        elif n == 4:
            if self.paper is Paper.NEAR_END:
                value |= 0x0C
            elif self.paper is Paper.OUT:
                value |= 0x0C | 0x60
        return value

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the control channel."""
        data = asdict(self)
        data["paper"] = self.paper.value
        data["answering"] = self.answering.value
        data["can_print"] = self.can_print
        return data


class PrinterState:
    """Thread-safe holder of the current :class:`Condition` (changed by tests and the panel)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._condition = Condition()
        self.changed = threading.Condition(self._lock)

    @property
    def condition(self) -> Condition:
        """The current snapshot."""
        with self._lock:
            return self._condition

    def update(self, **changes: Any) -> Condition:
        """Replace some fields (e.g. ``paper=Paper.OUT``) and wake anyone waiting on a change."""
        with self._lock:
            self._condition = replace(self._condition, **changes)
            self.changed.notify_all()
            return self._condition

    def reset(self) -> Condition:
        """Back to a healthy printer."""
        with self._lock:
            self._condition = Condition()
            self.changed.notify_all()
            return self._condition
