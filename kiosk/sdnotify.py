"""systemd's notify protocol in pure Python: READY=1, WATCHDOG=1, STATUS=... datagrams.

The unit (deploy/systemd/kiosk.service) is ``Type=notify`` with ``WatchdogSec=``: systemd
starts counting the kiosk as up only after ``READY=1`` (sent after the first painted frame),
and kills and restarts it when no ``WATCHDOG=1`` arrives for ``WatchdogSec``. The heartbeat is
sent from the GUI thread's own timer (ui/watchdog.py), so a hung event loop stops it; a
heartbeat from any other thread would keep a frozen screen alive.

No dependency: the protocol is one ``AF_UNIX`` datagram per message to ``$NOTIFY_SOCKET``
(a path, or ``@name`` for the abstract namespace). Without ``$NOTIFY_SOCKET`` (a developer's
shell, tests) every call is a no-op.

``$WATCHDOG_PID`` is deliberately not honoured: under cage the unit's main PID is the
compositor, systemd sets ``WATCHDOG_PID`` to it, and the kiosk is its child. The unit says
``NotifyAccess=all`` so the child's heartbeats count.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)

# systemd's own rule (sd_watchdog_enabled): ping at half the timeout at the latest.
PING_FRACTION = 0.5


@dataclass(frozen=True)
class NotifyTarget:
    """Where notifications go and how often the watchdog wants a heartbeat."""

    address: str  # a filesystem path, or "\0name" for the abstract namespace
    watchdog_interval_s: float | None  # None: no watchdog configured

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> NotifyTarget | None:
        """The target systemd gave this process, or None outside systemd."""
        env = os.environ if environ is None else environ
        raw = env.get("NOTIFY_SOCKET", "")
        if not raw or raw[0] not in "/@":
            return None  # unset, or a vsock address this kiosk never runs under
        address = "\0" + raw[1:] if raw[0] == "@" else raw
        interval: float | None = None
        usec = env.get("WATCHDOG_USEC", "")
        if usec.isdigit() and int(usec) > 0:
            interval = int(usec) / 1_000_000 * PING_FRACTION
        return cls(address, interval)


class Notifier:
    """Sends notify messages; errors are logged once, never raised (the kiosk keeps serving)."""

    def __init__(self, target: NotifyTarget | None) -> None:
        self.target = target
        self._sock: socket.socket | None = None
        self._failed = False

    @property
    def enabled(self) -> bool:
        return self.target is not None

    def send(self, message: str) -> bool:
        """One datagram (e.g. ``READY=1``); True when it left."""
        if self.target is None:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(message.encode(), self.target.address)
        except OSError as exc:
            if not self._failed:
                log.warning("systemd notify failed: %s", exc.strerror or type(exc).__name__)
            self._failed = True
            return False
        if self._failed:
            log.info("systemd notify works again")
        self._failed = False
        return True

    def ready(self, status: str = "") -> bool:
        return self.send("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def heartbeat(self) -> bool:
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def restart_count(environ: Mapping[str, str] | None = None) -> int:
    """How often systemd restarted the service since it was last started by hand or at boot
    (``$NRESTARTS``, set by systemd >= 249 on every start); 0 outside systemd."""
    raw = (os.environ if environ is None else environ).get("NRESTARTS", "")
    return int(raw) if raw.isdigit() else 0
