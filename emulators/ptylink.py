"""A pseudo-terminal reachable at a stable symlink path, with UART-paced writes.

Shared by the device emulators. The emulator owns the master side; the driver under test opens
``link_path`` (a symlink to the current ``/dev/pts/N``) with pyserial exactly as it would open
``/dev/ttyUSB0``. Unplugging closes the pty and removes the link; replugging makes a new pty and
points the SAME link path at it, which is what a USB serial adapter looks like to udev rules
that give it a fixed name.

Typical use::

    link = PtyLink()            # or PtyLink(Path("/tmp/reader"))
    link.open()
    data = link.read(timeout=0.1)          # b"" on timeout
    link.write(answer, baudrate=115200)    # paced like a real UART
    link.unplug(); link.replug()
    link.close()
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import tempfile
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

UART_BITS_PER_BYTE = 10  # 8N1: start bit + 8 data bits + stop bit
_PACE_CHUNK = 16  # bytes per paced write: ~1.4 ms at 115200, fine-grained enough


class LinkClosedError(Exception):
    """The pty is unplugged or closed; reads and writes are impossible until ``replug``."""


def wire_time(nbytes: int, baudrate: int) -> float:
    """Seconds that ``nbytes`` take on an 8N1 UART at ``baudrate``."""
    return nbytes * UART_BITS_PER_BYTE / baudrate


def paced_write(write: Callable[[bytes], None], data: bytes, baudrate: int) -> None:
    """Call ``write`` with successive chunks of ``data`` no faster than a UART would carry them.

    Deadlines are absolute from the start, so sleep overshoot never accumulates: the last
    byte goes out at ``wire_time(len(data), baudrate)`` plus one scheduler tick at most.
    """
    started = time.monotonic()
    sent = 0
    while sent < len(data):
        chunk = data[sent : sent + _PACE_CHUNK]
        # A real UART delivers a byte only after its bits have crossed the wire.
        delay = started + wire_time(sent + len(chunk), baudrate) - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        write(chunk)
        sent += len(chunk)


class PtyLink:
    """The master side of a pty plus a stable symlink to its slave.

    Thread safety: one thread reads, and writes may come from that thread or another; ``unplug``
    and ``close`` may be called from any thread and make pending reads/writes raise
    :class:`LinkClosedError` within one poll period.
    """

    POLL = 0.05  # seconds: how often blocked reads/writes notice an unplug

    def __init__(self, link_path: Path | str | None = None) -> None:
        if link_path is None:
            self._tmpdir: str | None = tempfile.mkdtemp(prefix="emu-link-")
            self._link = Path(self._tmpdir) / "tty"
        else:
            self._tmpdir = None
            self._link = Path(link_path)
        self._lock = threading.Lock()
        # A read or write holds its lock across one select+syscall (<= POLL). unplug() takes
        # both before closing the fds, so no thread ever uses an fd number after it was
        # closed, when the OS may already have reused it for an unrelated file or port.
        self._read_lock = threading.RLock()
        self._write_lock = threading.RLock()
        self._master: int | None = None
        self._slave: int | None = None
        self._slave_name: str | None = None

    @property
    def link_path(self) -> Path:
        """The stable path a driver opens (the symlink); valid across unplug/replug."""
        return self._link

    @property
    def slave_name(self) -> str | None:
        """The current ``/dev/pts/N``, or None while unplugged."""
        return self._slave_name

    @property
    def is_open(self) -> bool:
        """True while the pty exists (plugged in)."""
        return self._master is not None

    def open(self) -> None:
        """Create the pty and (re)point the symlink at it. Idempotent."""
        with self._lock:
            if self._master is not None:
                return
            master, slave = os.openpty()
            # Raw mode so the line discipline never echoes, translates CR/LF or eats ^C bytes.
            tty.setraw(slave)
            os.set_blocking(master, False)
            name = os.ttyname(slave)
            tmp = self._link.with_name(self._link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(name)
            os.replace(tmp, self._link)  # atomic: a driver never sees a half-made link
            # We keep our own slave fd open: without it the master reads EIO whenever the driver
            # closes the port, and the pty would vanish between two driver sessions.
            self._master, self._slave, self._slave_name = master, slave, name
        log.debug("pty link up at %s", self._link)

    def unplug(self) -> None:
        """Simulate pulling the USB cable: close the pty and remove the link."""
        with self._read_lock, self._write_lock, self._lock:
            master, slave = self._master, self._slave
            self._master = self._slave = None
            self._slave_name = None
            with contextlib.suppress(FileNotFoundError):
                self._link.unlink()
            for fd in (master, slave):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
        log.debug("pty link down at %s", self._link)

    def replug(self) -> None:
        """Simulate plugging the cable back: a new pty behind the same link path."""
        self.open()

    def close(self) -> None:
        """Unplug for good and remove the temporary directory if we made one."""
        self.unplug()
        if self._tmpdir is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self._tmpdir)

    def _fd(self) -> int:
        fd = self._master
        if fd is None:
            raise LinkClosedError("the link is unplugged")
        return fd

    def read(self, max_bytes: int = 4096, timeout: float | None = None) -> bytes:
        """Bytes the driver wrote, as soon as any arrive; ``b""`` when ``timeout`` passes."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = self.POLL
            if deadline is not None:
                wait = min(wait, max(0.0, deadline - time.monotonic()))
            try:
                with self._read_lock:
                    fd = self._fd()
                    ready, _, _ = select.select([fd], [], [], wait)
                    data = os.read(fd, max_bytes) if ready else b""
                if data:
                    return data
            except OSError as exc:
                if self._master is None or exc.errno in (errno.EBADF, errno.EIO):
                    raise LinkClosedError("the link went away while reading") from exc
                raise
            except ValueError as exc:  # select() on an fd closed by unplug()
                raise LinkClosedError("the link went away while reading") from exc
            if deadline is not None and time.monotonic() >= deadline:
                return b""

    def write(self, data: bytes, baudrate: int | None = None) -> None:
        """Send bytes to the driver; with ``baudrate``, paced so the last byte arrives no earlier
        than it would on a real UART (bytes * 10 / baud after the call)."""
        if baudrate is None:
            self._write_all(data)
        else:
            paced_write(self._write_all, data, baudrate)

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                with self._write_lock:
                    fd = self._fd()
                    _, ready, _ = select.select([], [fd], [], self.POLL)
                    if ready:
                        n = os.write(fd, view)
                        view = view[n:]
            except BlockingIOError:
                continue
            except OSError as exc:
                if self._master is None or exc.errno in (errno.EBADF, errno.EIO):
                    raise LinkClosedError("the link went away while writing") from exc
                raise
            except ValueError as exc:
                raise LinkClosedError("the link went away while writing") from exc

    def __enter__(self) -> PtyLink:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
