"""The one base of every device failure: the ID card reader, the banknote acceptor and the
receipt printer each raise subclasses of these.

A caller that only needs "is the device gone, silent or talking nonsense?" catches these
bases; one that needs the device's own detail catches its subclasses (``kiosk.devices.idcard
.errors``, ``kiosk.devices.cash.errors``, ``printer.errors``). They live in ``common`` because
the printer's status decoding (``printer/escpos``, below ``kiosk`` in the layers) raises some.
"""

from __future__ import annotations


class DeviceError(Exception):
    """Base of every device failure."""

    #: short English cause for one-line CLI/ops messages (never personal data)
    cause = "device error"


class DeviceUnavailable(DeviceError):  # noqa: N818 - reads better at call sites
    """The port cannot be opened (unplugged USB adapter, wrong path, busy port)."""

    cause = "device not connected"


class PortLost(DeviceError):  # noqa: N818
    """The port went away during an exchange (USB unplug, emulator gone)."""

    cause = "device disconnected"


class DeviceTimeout(DeviceError):  # noqa: N818
    """No complete answer within the command's timeout."""

    cause = "no answer"


class BadFrame(DeviceError):  # noqa: N818
    """Bytes came back but not a well-formed answer (length, checksum, shape)."""

    cause = "malformed answer"
