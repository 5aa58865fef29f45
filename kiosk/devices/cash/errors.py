"""Typed errors of the banknote acceptor: every failure a caller can see is one of these.

A missing, late or malformed reply is always an error, never an empty answer (ccTalk: every
command gets a reply; silence within the reply timeout means the device is not there). The
link-level ones are also the shared device errors of :mod:`common.device_errors`.
"""

from __future__ import annotations

from common.device_errors import BadFrame, DeviceError, DeviceTimeout, DeviceUnavailable, PortLost


class CashAcceptorError(DeviceError):
    """Base of every banknote acceptor failure."""

    #: short English cause for one-line CLI/ops messages
    cause = "banknote acceptor error"


# Names from the device contract, not ...Error (N818).
class AcceptorUnavailable(CashAcceptorError, DeviceUnavailable):  # noqa: N818
    """The port cannot be opened (unplugged adapter, wrong path, busy port)."""

    cause = "acceptor not connected"


class AcceptorDisconnected(CashAcceptorError, PortLost):  # noqa: N818
    """The port went away during an exchange."""

    cause = "acceptor disconnected"


class NoReply(CashAcceptorError, DeviceTimeout):  # noqa: N818
    """No complete reply before the reply timeout (a silent or absent device)."""

    cause = "no reply"


class FrameError(CashAcceptorError, BadFrame):
    """Bytes came back but not a well-formed reply (wrong addresses, length, lost echo)."""

    cause = "malformed reply"


class ChecksumError(FrameError):
    """The reply fails the configured checksum (simple 8-bit sum or CRC-16)."""

    cause = "checksum error"


class NakReply(CashAcceptorError):  # noqa: N818
    """The device answered NAK (header 5): it refused the command."""

    cause = "device refused the command (NAK)"


class NotABillValidator(CashAcceptorError):  # noqa: N818
    """The device answers but its equipment category is not ``Bill Validator``."""

    cause = "not a bill validator"

    def __init__(self, category: str) -> None:
        self.category = category
        super().__init__(f"equipment category is {category!r}, not 'Bill Validator'")


class RouteFailed(CashAcceptorError):  # noqa: N818
    """Route bill (154) answered an error code (254 escrow empty, 255 failed to route)."""

    cause = "route bill failed"

    def __init__(self, code: int) -> None:
        self.code = code
        label = {254: "escrow is empty", 255: "failed to route"}.get(code, "unknown error")
        super().__init__(f"route bill error {code} ({label})")
