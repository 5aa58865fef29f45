"""The serial ID card reader driver (blocking; the ui/ adapter runs it on its own thread).

Every exchange: drop stale input, write one command frame, then read exactly the 7 header
bytes and LEN more, within the command's deadline. A missing, late or malformed answer raises
a typed :mod:`errors` exception; nothing is ever guessed or retried silently here (retrying is
the poller's decision).
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar, Protocol

from kiosk.devices.idcard.card import TEXT_BLOCK_LEN, IdCard, parse_text_block
from kiosk.devices.idcard.codec import Answer, Command, FrameDecoder
from kiosk.devices.idcard.errors import (
    ChecksumError,
    FrameError,
    NoAnswer,
    ReaderDisconnected,
    ReaderUnavailable,
    error_for_status,
)
from kiosk.devices.idcard.status import Sw3
from kiosk.devices.serial_link import PORT_ERRORS, PortFactory, SerialLink, open_with_pyserial

log = logging.getLogger(__name__)

SAM_ID_LEN = 16
_SLICE = 0.05  # seconds: granularity of deadline and cancel checks while reading
SETTLE_QUIET = 0.2  # after a timed-out exchange: the line must be quiet this long...
SETTLE_MAX = 1.0  # ...but we never wait longer than this for it


class CardReader(Protocol):
    """What the poller and the UI need from a card reader (serial driver or a fake)."""

    def open(self) -> None:
        """Open the link and check the SAM; raises a CardReaderError when unusable."""
        ...

    def close(self) -> None:
        """Release the link; safe to call twice."""
        ...

    def cancel(self) -> None:
        """Make a blocked exchange give up promptly (called from another thread on stop)."""
        ...

    def find_card(self) -> bool:
        """True when a (new) card is in the field."""
        ...

    def select_card(self) -> None:
        """Select the found card; raises ReadFailed when it cannot."""
        ...

    def read_card(self) -> IdCard:
        """Read and parse the selected card."""
        ...

    def rearm(self) -> None:
        """Make a card still lying in the field findable again (it was read, or its read
        failed, and has not been lifted): the card screen re-reads a card already there."""
        ...


class SerialCardReader(SerialLink):
    """A SAM reader on any pyserial URL: ``/dev/ttyUSB0``, a pty, ``socket://host:port``..."""

    unavailable: ClassVar[type[ReaderUnavailable]] = ReaderUnavailable
    label: ClassVar[str] = "ID card reader"

    def __init__(
        self,
        url: str,
        baudrate: int = 115200,
        timeout: float = 5.0,
        *,
        with_fingerprint: bool = False,
        check: bool = True,
        port_factory: PortFactory = open_with_pyserial,
    ) -> None:
        super().__init__(url, baudrate, port_factory=port_factory)
        self.timeout = timeout
        self.with_fingerprint = with_fingerprint
        self.check = check
        self._decoder = FrameDecoder()
        self._dirty = False  # the last exchange timed out: its answer may still arrive

    def port_options(self) -> dict[str, Any]:
        """Reads return every ``_SLICE`` so deadlines and cancel are checked."""
        return {"timeout": _SLICE}

    def on_open(self) -> None:
        """Check the SAM status (11 FF)."""
        self.sam_status()

    # -- commands ----------------------------------------------------------------------------

    def reset_sam(self) -> None:
        """10 FF: reset the security module."""
        self._expect(self.exchange(Command.RESET_SAM), Sw3.SUCCESS, "reset SAM")

    def sam_status(self) -> None:
        """11 FF: raises SamFailure when the SAM self-test failed."""
        self._expect(self.exchange(Command.SAM_STATUS), Sw3.SUCCESS, "SAM status")

    def read_sam_id(self) -> bytes:
        """12 FF: the SAM's 16-byte management number (raw)."""
        answer = self._expect(self.exchange(Command.READ_SAM_ID), Sw3.SUCCESS, "read SAM id")
        if len(answer.data) != SAM_ID_LEN:
            raise FrameError(f"SAM id answer has {len(answer.data)} data bytes, not 16")
        return answer.data

    def rearm(self) -> None:
        """10 FF: resetting the SAM powers the field down and up, so a card still lying there
        answers "find card" again (*unconfirmed* on every reader model; the one place to
        change it is here)."""
        self.reset_sam()

    def find_card(self) -> bool:
        """20 01: True on 9F, False on 80 (no card, or the last card not yet lifted)."""
        answer = self.exchange(Command.FIND_CARD)
        if answer.sw3 == Sw3.FIND_CARD_FAILED:
            return False
        self._expect(answer, Sw3.FIND_CARD_SUCCESS, "find card")
        return True

    def select_card(self) -> None:
        """20 02: select the card found; raises ReadFailed (81) when it cannot."""
        self._expect(self.exchange(Command.SELECT_CARD), Sw3.SUCCESS, "select card")

    def read_card(self) -> IdCard:
        """30 01 (or 30 10 with ``with_fingerprint``): text and photo, parsed and checked.

        The fingerprint, when asked for, is read and dropped: the kiosk has no use for
        biometric data and must not hold it.
        """
        command = Command.READ_TEXT_PHOTO_FP if self.with_fingerprint else Command.READ_TEXT_PHOTO
        answer = self._expect(self.exchange(command), Sw3.SUCCESS, "read card")
        text, photo = split_read_answer(answer.data, with_fingerprint=self.with_fingerprint)
        return parse_text_block(text, photo, check=self.check)

    # -- plumbing ----------------------------------------------------------------------------

    @staticmethod
    def _expect(answer: Answer, ok: Sw3, context: str) -> Answer:
        if answer.sw3 != ok:
            raise error_for_status(answer.sw3, context)
        return answer

    def exchange(self, command: Command, data: bytes = b"", timeout: float | None = None) -> Answer:
        """Send one command and return its answer frame (any SW3); typed errors otherwise."""
        port = self._port
        if port is None:
            raise ReaderUnavailable("the reader is not open")
        limit = self.timeout if timeout is None else timeout
        decoder = self._decoder
        decoder.reset()
        started = time.monotonic()
        try:
            # A late answer to an earlier command must never be taken for this one's.
            if self._dirty:
                self.settle(port, SETTLE_QUIET, SETTLE_MAX)
                self._dirty = False
                started = time.monotonic()  # the settling is not this command's time
            port.reset_input_buffer()
            port.write(command.frame(data))
            answer = self._read_answer(port, decoder, started + limit, command)
        except PORT_ERRORS as exc:
            self.close()
            raise ReaderDisconnected(f"{command.name}: {exc}") from exc
        except (NoAnswer, FrameError, ChecksumError):
            self._dirty = True
            raise
        self._dirty = False
        log.debug(
            "%s -> SW3 %02X in %.1f ms",
            command.name,
            answer.sw3,
            (time.monotonic() - started) * 1e3,
        )
        return answer

    def _read_answer(
        self, port: Any, decoder: FrameDecoder, deadline: float, command: Command
    ) -> Answer:
        while True:
            if self.cancelled:
                raise NoAnswer(f"{command.name}: cancelled")
            if time.monotonic() >= deadline:
                pending = decoder.pending_error()
                if pending is not None:
                    raise pending
                raise NoAnswer(f"{command.name}: no answer within the timeout")
            chunk: bytes = port.read(decoder.bytes_needed())
            if not chunk:
                continue
            for item in decoder.feed(chunk):
                if isinstance(item, Answer):
                    return item
                raise item


def split_read_answer(data: bytes, *, with_fingerprint: bool = False) -> tuple[bytes, bytes]:
    """(text, photo) from a 30 01 / 30 10 answer's data; FrameError when sizes disagree."""
    head = 6 if with_fingerprint else 4
    if len(data) < head:
        raise FrameError(f"read answer has only {len(data)} data bytes")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    fp_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if head + text_len + photo_len + fp_len != len(data):
        raise FrameError(
            f"read answer sizes {text_len}+{photo_len}+{fp_len} do not match {len(data) - head}"
        )
    if text_len != TEXT_BLOCK_LEN:
        raise FrameError(f"text block is {text_len} bytes, expected {TEXT_BLOCK_LEN}")
    text = data[head : head + text_len]
    photo = data[head + text_len : head + text_len + photo_len]
    return text, photo
