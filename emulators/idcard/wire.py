"""The reader side of the SAM frame format (the emulator's own, independent of the kiosk's)."""

from __future__ import annotations

from dataclasses import dataclass

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
MAX_REQUEST_LEN = 1024

# SW3 codes the emulator answers with
SW_OK = 0x90
SW_FOUND = 0x9F
SW_BAD_CHECKSUM = 0x10
SW_BAD_LENGTH = 0x11
SW_BAD_COMMAND = 0x21
SW_READ_FAILED = 0x41
SW_SAM_SELFTEST = 0x60
SW_NO_CARD = 0x80
SW_SELECT_FAILED = 0x81
SW_NO_CONTENT = 0x91


def checksum(data: bytes) -> int:
    """XOR of the bytes."""
    value = 0
    for b in data:
        value ^= b
    return value


def answer(sw3: int, data: bytes = b"") -> bytes:
    """A complete reader -> host frame with SW1 SW2 = 00 00."""
    body = b"\x00\x00" + bytes([sw3]) + data
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


@dataclass(frozen=True)
class Request:
    """One host command, or a framing problem the reader answers with an error status."""

    cmd: int
    para: int
    data: bytes
    size: int  # bytes on the wire
    error_sw3: int | None = None


def extract_requests(buf: bytearray) -> list[Request]:
    """Remove and return every complete request at the front of ``buf`` (skipping noise)."""
    out: list[Request] = []
    while True:
        start = buf.find(PREAMBLE)
        if start < 0:
            # keep a possible partial preamble at the end
            del buf[: max(0, len(buf) - (len(PREAMBLE) - 1))]
            return out
        del buf[:start]
        if len(buf) < 7:
            return out
        length = int.from_bytes(buf[5:7], "big")
        if length < 3 or length > MAX_REQUEST_LEN:
            del buf[:1]
            out.append(Request(0, 0, b"", 7, error_sw3=SW_BAD_LENGTH))
            continue
        if len(buf) < 7 + length:
            return out
        frame = bytes(buf[: 7 + length])
        del buf[: 7 + length]
        if checksum(frame[5:-1]) != frame[-1]:
            out.append(Request(0, 0, b"", len(frame), error_sw3=SW_BAD_CHECKSUM))
            continue
        out.append(Request(frame[7], frame[8], frame[9:-1], len(frame)))
