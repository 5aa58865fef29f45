"""Typed errors of the ID card reader: every failure a caller can see is one of these.

A missing, late or malformed answer is always an error, never a guess. The link-level ones
are also the shared device errors of :mod:`common.device_errors` (unavailable, port lost,
timeout, bad frame).
"""

from __future__ import annotations

from common.device_errors import BadFrame, DeviceError, DeviceTimeout, DeviceUnavailable, PortLost
from kiosk.devices.idcard.status import Sw3


class CardReaderError(DeviceError):
    """Base of every ID card reader failure."""

    #: short English cause for one-line CLI/ops messages (never personal data)
    cause = "card reader error"


# Names from the device contract, not ...Error (N818).
class ReaderUnavailable(CardReaderError, DeviceUnavailable):  # noqa: N818
    """The port cannot be opened (unplugged USB adapter, wrong path, busy port)."""

    cause = "reader not connected"


class ReaderDisconnected(CardReaderError, PortLost):  # noqa: N818
    """The port went away during an exchange (USB unplug)."""

    cause = "reader disconnected"


class NoAnswer(CardReaderError, DeviceTimeout):  # noqa: N818
    """Not a single byte came back before the command's timeout."""

    cause = "no answer"


class FrameError(CardReaderError, BadFrame):
    """Bytes came back but not a well-formed frame (bad length, garbage, wrong data size)."""

    cause = "malformed answer"


class TruncatedAnswer(FrameError):  # noqa: N818
    """A frame started but stopped before its announced length (late or cut answer)."""

    cause = "truncated answer"


class ChecksumError(CardReaderError, BadFrame):
    """The frame's XOR checksum does not match its content."""

    cause = "checksum error"


class CardStatusError(CardReaderError):
    """The reader answered a well-formed frame with a failure status (SW3)."""

    cause = "reader reported an error"

    def __init__(self, sw3: int, context: str = "") -> None:
        self.sw3 = sw3
        self.status = Sw3.lookup(sw3)
        label = self.status.message_en if self.status else "unknown status"
        where = f"{context}: " if context else ""
        super().__init__(f"{where}SW3 {sw3:02X} ({label})")

    @property
    def message_zh(self) -> str:
        """Chinese text for staff screens."""
        return self.status.message_zh if self.status else f"未知状态 {self.sw3:02X}"


class SamFailure(CardStatusError):  # noqa: N818
    """The security module failed its self-test or is not authorised."""

    cause = "SAM failure"


class NoCard(CardStatusError):  # noqa: N818
    """No card in the field (or the same card not yet lifted after a read)."""

    cause = "no card"


class ReadFailed(CardStatusError):  # noqa: N818
    """Selecting, authenticating or reading the card failed: lift the card and place it again."""

    cause = "card read failed"


class CardDataError(CardReaderError):
    """The card's text block is inconsistent (bad check digit, birth date, sex, dates...)."""

    cause = "card data invalid"


_SAM = {Sw3.SAM_SELFTEST_FAILED, Sw3.SAM_NOT_AUTHORISED}
_NO_CARD = {Sw3.FIND_CARD_FAILED}
_READ = {
    Sw3.SELECT_CARD_FAILED,
    Sw3.READ_CARD_FAILED,
    Sw3.CARD_AUTH_SAM_FAILED,
    Sw3.SAM_AUTH_CARD_FAILED,
    Sw3.INFO_VERIFY_ERROR,
    Sw3.UNKNOWN_CARD_TYPE,
    Sw3.GET_RANDOM_FAILED,
}


def error_for_status(sw3: int, context: str = "") -> CardStatusError:
    """The most specific typed error for a failure status."""
    status = Sw3.lookup(sw3)
    if status in _SAM:
        return SamFailure(sw3, context)
    if status in _NO_CARD:
        return NoCard(sw3, context)
    if status in _READ:
        return ReadFailed(sw3, context)
    return CardStatusError(sw3, context)
