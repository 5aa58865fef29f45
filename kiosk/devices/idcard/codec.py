"""Frames of the SAM serial protocol (pure: bytes in, values or typed errors out).

Host -> reader: ``AA AA AA 96 69 | LEN_H LEN_L | CMD | PARA | DATA | CHK``
Reader -> host: ``AA AA AA 96 69 | LEN_H LEN_L | SW1 SW2 SW3 | DATA | CHK``

LEN counts every byte after itself including CHK; CHK is the XOR of LEN_H .. last DATA byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kiosk.devices.idcard.errors import (
    CardReaderError,
    ChecksumError,
    FrameError,
    TruncatedAnswer,
)
from kiosk.devices.idcard.status import Sw3

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN = 7  # preamble + LEN_H + LEN_L
MIN_ANSWER_LEN = 4  # SW1 SW2 SW3 CHK
#: Largest LEN we accept. The biggest real answer (30 10 with a 1024-byte fingerprint) has
#: LEN 2314; anything far above that is line noise, and refusing it bounds our buffering.
MAX_ANSWER_LEN = 4096


class Command(Enum):
    """The commands this driver sends, as (CMD, PARA)."""

    RESET_SAM = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    READ_SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)
    READ_TEXT_PHOTO_FP = (0x30, 0x10)
    READ_NEW_ADDRESS = (0x30, 0x03)
    SET_MAX_FRAME = (0x61, 0xFF)

    @property
    def cmd(self) -> int:
        """The CMD byte."""
        return self.value[0]

    @property
    def para(self) -> int:
        """The PARA byte."""
        return self.value[1]

    def frame(self, data: bytes = b"") -> bytes:
        """The full host frame for this command."""
        return encode_command(self.cmd, self.para, data)


def xor_checksum(data: bytes) -> int:
    """XOR of all bytes (the protocol's CHK over LEN .. DATA).

    Folds the bytes as one big integer, halving its width each step: O(log n) C-level
    operations instead of a Python loop over a 1.3 kB read answer.
    """
    size = len(data)
    value = int.from_bytes(data, "little")
    while size > 1:
        half = (size + 1) // 2
        value = (value & ((1 << (8 * half)) - 1)) ^ (value >> (8 * half))
        size = half
    return value


def _frame(body: bytes) -> bytes:
    length = len(body) + 1
    if length > 0xFFFF:
        raise ValueError("frame body too long for a 2-byte LEN")
    head = length.to_bytes(2, "big") + body
    return PREAMBLE + head + bytes([xor_checksum(head)])


def encode_command(cmd: int, para: int, data: bytes = b"") -> bytes:
    """Host -> reader frame, e.g. find card ``encode_command(0x20, 0x01)``."""
    if not (0 <= cmd <= 0xFF and 0 <= para <= 0xFF):
        raise ValueError("CMD and PARA are single bytes")
    return _frame(bytes([cmd, para]) + data)


def encode_answer(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """Reader -> host frame; used by fakes and tests (the emulator has its own encoder)."""
    return _frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Answer:
    """One decoded reader answer."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @property
    def status(self) -> Sw3 | None:
        """SW3 as an enum member, None when the code is not in the protocol."""
        return Sw3.lookup(self.sw3)

    def __repr__(self) -> str:
        # Never show card data (it can hold names and ID numbers) in reprs that reach logs.
        return f"Answer(sw3={self.sw3:02X}, data={len(self.data)} bytes)"


DecodeItem = Answer | CardReaderError


class FrameDecoder:
    """Incremental decoder of reader answers.

    Feed it bytes as they arrive; :meth:`feed` returns every complete item, each an
    :class:`Answer` or a typed error instance (:class:`ChecksumError`, :class:`FrameError`) for
    a bad frame. Bytes before a preamble are skipped (counted in ``skipped``) so the decoder
    resynchronises on garbage. After a bad frame it rescans from the byte after that frame's
    preamble start, so a corrupted LEN cannot swallow the frames behind it.
    """

    def __init__(self, max_len: int = MAX_ANSWER_LEN) -> None:
        self._buf = bytearray()
        self._max_len = max_len
        self.skipped = 0

    @property
    def buffered(self) -> int:
        """Bytes held that are not yet a complete frame."""
        return len(self._buf)

    def bytes_needed(self) -> int:
        """How many more bytes the next frame needs at least (never over-reads a frame)."""
        self._sync()
        if len(self._buf) < HEADER_LEN:
            return HEADER_LEN - len(self._buf)
        length = int.from_bytes(self._buf[5:7], "big")
        if not MIN_ANSWER_LEN <= length <= self._max_len:
            return 1  # feed() will report and skip it
        return max(1, HEADER_LEN + length - len(self._buf))

    def pending_error(self) -> CardReaderError | None:
        """What is wrong with the bytes held, if the stream ended now (for a timeout)."""
        self._sync()
        if not self._buf:
            return (
                FrameError(f"{self.skipped} bytes of garbage, no frame") if self.skipped else None
            )
        if not self._buf.startswith(PREAMBLE[: len(self._buf)]):
            return FrameError(f"{len(self._buf)} bytes of garbage, no frame")
        if len(self._buf) < HEADER_LEN:
            return TruncatedAnswer(f"answer stopped after {len(self._buf)} header bytes")
        length = int.from_bytes(self._buf[5:7], "big")
        return TruncatedAnswer(
            f"answer stopped after {len(self._buf)} of {HEADER_LEN + length} bytes"
        )

    def feed(self, data: bytes) -> list[DecodeItem]:
        """Add bytes; return the answers (and bad-frame errors) now complete, in order."""
        self._buf += data
        items: list[DecodeItem] = []
        while True:
            self._sync()
            if len(self._buf) < HEADER_LEN:
                return items
            length = int.from_bytes(self._buf[5:7], "big")
            if not MIN_ANSWER_LEN <= length <= self._max_len:
                items.append(FrameError(f"impossible LEN {length}"))
                self._drop(1)
                continue
            end = HEADER_LEN + length
            if len(self._buf) < end:
                return items
            frame = bytes(self._buf[:end])
            if xor_checksum(frame[5:-1]) != frame[-1]:
                items.append(
                    ChecksumError(f"CHK {frame[-1]:02X}, computed {xor_checksum(frame[5:-1]):02X}")
                )
                self._drop(1)
                continue
            del self._buf[:end]
            items.append(Answer(frame[7], frame[8], frame[9], frame[10:-1]))

    def reset(self) -> None:
        """Forget buffered bytes (before a new command, so stale bytes never answer it)."""
        self._buf.clear()
        self.skipped = 0

    def _drop(self, n: int) -> None:
        del self._buf[:n]
        self.skipped += n

    def _sync(self) -> None:
        """Discard bytes up to the first (possibly partial) preamble."""
        if self._buf.startswith(PREAMBLE):
            return
        at = self._buf.find(PREAMBLE)
        if at < 0:
            # Keep a tail that may be the start of a preamble split across reads.
            keep = 0
            for k in range(min(len(PREAMBLE) - 1, len(self._buf)), 0, -1):
                if self._buf.endswith(PREAMBLE[:k]):
                    keep = k
                    break
            at = len(self._buf) - keep
        if at:
            self._drop(at)
