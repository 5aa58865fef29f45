"""Keep the garbage collector off the event loop once the kiosk has started.

A full (generation 2) collection walks every object Python tracks; with the whole widget tree
and its wrappers alive that took 25-80 ms on the GUI thread, whichever thread triggered it, and
the event-loop probe (ui/loop_probe.py) saw those pauses as the worst stalls of a customer
session. Everything built at start-up lives as long as the process, so it is frozen out of
later collections; what a session allocates stays collectable and small.

The freeze itself collects only the young generations first. A full collection right before
it walked the whole start-up heap once more (28 ms on a quiet 2-core machine, 136-180 ms at
load 6, on the home screen a customer can already touch) to free ~250 objects: start-up's old
cyclic garbage stays frozen instead (reference counting still frees frozen objects; only
cycles wait for :func:`thaw`).
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)


class _StartupPause:
    """No collections on the way to the first frame.

    Everything made from the kiosk's first import to its first painted frame (modules, the
    window, its widgets and their wrappers) lives as long as the process, so the collections
    that would run there (about 35 of them, 5-8 ms on a quiet 2-core machine, bench_startup)
    free nothing. The entry points pause before they import the kiosk; the composition root
    resumes on the first paint, and when a shell stops before it. Collection that a caller
    had turned off itself stays off.
    """

    def __init__(self) -> None:
        self._paused = False  # collection is off because of this pause

    def begin(self) -> None:
        if not self._paused and gc.isenabled():
            gc.disable()
            self._paused = True

    def end(self) -> None:
        """Idempotent: only the first call after :meth:`begin` resumes."""
        if self._paused:
            self._paused = False
            gc.enable()


# One per process, as the collector it pauses.
_PAUSE = _StartupPause()
pause_collection = _PAUSE.begin
resume_collection = _PAUSE.end


def freeze_startup_heap() -> None:
    """Collect the young generations, then move every surviving object to the permanent
    generation."""
    started = time.perf_counter()
    gc.collect(1)
    gc.freeze()
    log.info(
        "start-up heap frozen: %d objects in %.0f ms",
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )


def thaw() -> None:
    """Give frozen objects back to the collector (shell teardown: tests build many shells)."""
    gc.unfreeze()
