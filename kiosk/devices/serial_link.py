"""One serial link for every device driver: a port opened by pyserial URL, closed once, the
one tuple of port errors, a cancel flag and the context manager.

``SerialLink`` is the base of :class:`~kiosk.devices.idcard.driver.SerialCardReader`,
:class:`~kiosk.devices.cash.driver.SerialBanknoteAcceptor` and
:class:`~kiosk.devices.printer.driver.SerialPrinter`. A driver says which error means "cannot
open" (``unavailable``), how its port is configured (``port_options``) and what its handshake
is (``on_open``: a device error there closes the port again). ``/dev/ttyUSB0``, an emulator's
pty, ``socket://host:port`` and ``loop://`` all work.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, ClassVar, Self

import serial

from common.device_errors import DeviceError, DeviceUnavailable

log = logging.getLogger(__name__)

try:
    import termios

    # pyserial lets termios.error (e.g. EIO from tcflush on a hung-up tty) escape unwrapped.
    PORT_ERRORS: tuple[type[Exception], ...] = (serial.SerialException, OSError, termios.error)
except ImportError:  # pragma: no cover - not POSIX
    PORT_ERRORS = (serial.SerialException, OSError)

#: What opening a port can raise (a malformed URL is a ValueError).
OPEN_ERRORS: tuple[type[Exception], ...] = (*PORT_ERRORS, ValueError)

PortFactory = Callable[..., Any]


def open_with_pyserial(url: str, **options: Any) -> Any:
    """The default port factory: ``serial.serial_for_url``."""
    return serial.serial_for_url(url, **options)


class SerialLink:
    """A device on one serial port; see the module docstring."""

    #: raised (with a message naming the port) when the port cannot be opened
    unavailable: ClassVar[type[DeviceError]] = DeviceUnavailable
    #: the device in log lines and messages
    label: ClassVar[str] = "device"

    def __init__(
        self, url: str, baudrate: int, *, port_factory: PortFactory = open_with_pyserial
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self._port_factory = port_factory
        self._port: Any = None
        self._cancel = threading.Event()

    # -- for the drivers ---------------------------------------------------------------------

    def port_options(self) -> dict[str, Any]:
        """Keyword arguments for the port besides the baud rate."""
        return {"timeout": 0.05}

    def on_open(self) -> None:
        """The device's handshake once the port is open (nothing by default)."""

    # -- lifecycle ---------------------------------------------------------------------------

    def open(self) -> None:
        """Open the port and run the handshake; ``unavailable`` when the port cannot open."""
        if self._port is not None:
            return
        self._cancel.clear()
        try:
            self._port = self._port_factory(self.url, baudrate=self.baudrate, **self.port_options())
        except OPEN_ERRORS as exc:
            raise self.unavailable(f"cannot open {self.label} port {self.url}: {exc}") from exc
        try:
            self.on_open()
        except DeviceError:
            self.close()
            raise
        log.info("%s ready on %s (%d baud)", self.label, self.url, self.baudrate)

    def close(self) -> None:
        """Close the port (idempotent; a port that is already gone is fine)."""
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except PORT_ERRORS:
                log.debug("closing %s failed; it is gone anyway", self.url)

    def cancel(self) -> None:
        """Make a blocked exchange give up promptly (from another thread, e.g. on stop)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called (until the next open)."""
        return self._cancel.is_set()

    @property
    def is_open(self) -> bool:
        """True between a successful open() and close()."""
        return self._port is not None

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- shared plumbing ---------------------------------------------------------------------

    def settle(self, port: Any, quiet: float, longest: float) -> None:
        """Swallow the rest of a late answer: read until the line is quiet for ``quiet`` s,
        never longer than ``longest`` s (or until cancelled)."""
        now = time.monotonic()
        quiet_until, give_up = now + quiet, now + longest
        while now < quiet_until and now < give_up and not self._cancel.is_set():
            if port.read(4096):
                quiet_until = time.monotonic() + quiet
            now = time.monotonic()
