"""The systemd watchdog's heartbeat, beaten by the GUI thread itself (kiosk/sdnotify.py).

READY=1 goes out on the event-loop turn after the home screen's first painted frame: until
then systemd still counts the kiosk as starting. WATCHDOG=1 follows from a QTimer, so it stops
the moment the event loop stops turning (a deadlock, a blocking call on the GUI thread) and
systemd restarts the kiosk after ``WatchdogSec``.

``KIOSK_DEBUG_FREEZE_SIGNAL=USR2`` (tests and technicians only) installs a handler that makes
the GUI thread sleep forever on that signal: the way to see a real watchdog restart.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from kiosk.sdnotify import Notifier, NotifyTarget
from ui.first_paint import after_first_paint

log = logging.getLogger(__name__)

FREEZE_ENV = "KIOSK_DEBUG_FREEZE_SIGNAL"


class Watchdog(QObject):
    """READY after the first frame, then a heartbeat every half ``WatchdogSec``."""

    def __init__(self, notifier: Notifier, first_frame_of: QWidget, parent: QObject) -> None:
        super().__init__(parent)
        self.notifier = notifier
        self.beats = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.beat)
        after_first_paint(first_frame_of, self._on_first_frame)

    def _on_first_frame(self) -> None:
        self.notifier.ready("serving")
        target = self.notifier.target
        if target is not None and target.watchdog_interval_s is not None:
            self.beat()
            self._timer.start(max(1, int(target.watchdog_interval_s * 1000)))
            log.info("watchdog heartbeat every %.1f s", target.watchdog_interval_s)

    def beat(self) -> None:
        if self.notifier.heartbeat():
            self.beats += 1

    def stop(self) -> None:
        self._timer.stop()
        self.notifier.stopping()
        self.notifier.close()


def start_watchdog(first_frame_of: QWidget, parent: QObject) -> Watchdog | None:
    """A watchdog when systemd gave a notify socket, else None (developer shells, tests)."""
    install_freeze_hook()
    target = NotifyTarget.from_environ()
    if target is None:
        return None
    return Watchdog(Notifier(target), first_frame_of, parent)


def install_freeze_hook() -> None:
    """Test hook: on the signal named by ``$KIOSK_DEBUG_FREEZE_SIGNAL`` the GUI thread blocks.

    Python runs signal handlers on the main thread, which is the GUI thread, between events
    (the idle watcher's 250 ms tick wakes it): the handler blocks exactly the thread that must
    beat the watchdog.
    """
    name = os.environ.get(FREEZE_ENV, "")
    if not name:
        return
    signum = getattr(signal, "SIG" + name.removeprefix("SIG").upper(), None)
    if not isinstance(signum, signal.Signals):
        log.warning("%s: unknown signal %r", FREEZE_ENV, name)
        return

    def freeze(*_: object) -> None:
        log.warning("debug freeze: the GUI thread blocks now (%s)", FREEZE_ENV)
        threading.Event().wait()

    signal.signal(signum, freeze)
