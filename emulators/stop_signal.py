"""Run an emulator until SIGTERM or SIGINT, shared by the three emulator commands.

The handler only sets a flag. Setting a ``threading.Event`` from a signal handler can
deadlock: the handler runs in the main thread, between two bytecodes, and if the main thread
is inside ``Event.wait`` holding the event's (non-reentrant) lock at that moment, ``set`` waits
for it forever. An emulator of ``kiosk demo`` stuck like that outlives the killed kiosk.
"""

from __future__ import annotations

import signal
import time
from types import FrameType


class StopSignal:
    """Installs the SIGTERM/SIGINT handlers at once; :meth:`wait` returns after either."""

    def __init__(self) -> None:
        self.received = False
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self.received = True

    def wait(self, poll_s: float = 0.2) -> None:
        """Block the main thread until a stop signal arrives (sleep is woken by the signal)."""
        while not self.received:
            time.sleep(poll_s)
