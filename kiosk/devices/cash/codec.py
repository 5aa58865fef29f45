"""ccTalk frames for a bill validator (pure: bytes in, values or typed errors out).

Frame: ``[destination] [data length N] [source] [header] [data x N] [checksum]``.

Sources for the wire facts (checked against open implementations, see
/work/shared/reference/cash-acceptor-cctalk.md): the ccTalk Generic Specification's frame
layout and simple checksum (sum of every byte, checksum included, is 0 mod 256; cctalk4j
``Message`` and the Rust ``cc_talk_core`` packet agree: checksum = 256 - sum of the rest);
the CRC-16 variant (CCITT polynomial 0x1021, initial 0, over destination, length, header and
data; low byte where the source goes, high byte where the checksum goes). Header numbers:
the specification's header table as listed by cctalk4j ``HeaderType``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum

from kiosk.devices.cash.errors import CashAcceptorError, ChecksumError, FrameError

HOST_ADDRESS = 1
BILL_VALIDATOR_ADDRESS = 40
MIN_FRAME_LEN = 5  # dest, len, src, header, checksum
MAX_DATA_LEN = 252  # the specification's largest data block
EVENT_SLOTS = 5  # header 159 replies hold the 5 newest events


class Header(IntEnum):
    """The ccTalk headers this host sends (and the two reply headers)."""

    ACK = 0
    RESET_DEVICE = 1  # never used to read status: it clears the event counter and credit
    NAK = 5
    SIMPLE_POLL = 254
    REQUEST_MANUFACTURER_ID = 246
    REQUEST_EQUIPMENT_CATEGORY_ID = 245
    REQUEST_PRODUCT_CODE = 244
    REQUEST_SERIAL_NUMBER = 242
    REQUEST_SOFTWARE_REVISION = 241
    MODIFY_INHIBIT_STATUS = 231
    REQUEST_INHIBIT_STATUS = 230
    MODIFY_MASTER_INHIBIT_STATUS = 228
    REQUEST_MASTER_INHIBIT_STATUS = 227
    READ_BUFFERED_BILL_EVENTS = 159
    REQUEST_BILL_ID = 157
    REQUEST_COUNTRY_SCALING_FACTOR = 156
    ROUTE_BILL = 154
    MODIFY_BILL_OPERATING_MODE = 153


class ChecksumMode(Enum):
    """Which checksum the link uses (a setting: many validators ship set to CRC-16)."""

    SIMPLE = "simple"
    CRC16 = "crc16"


@dataclass(frozen=True)
class Frame:
    """One decoded frame; ``source`` is None under CRC-16 (its byte carries the CRC)."""

    destination: int
    source: int | None
    header: int
    data: bytes


def simple_checksum(body: bytes) -> int:
    """The byte that makes the 8-bit sum of ``body`` plus itself 0."""
    return (-sum(body)) & 0xFF


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT with polynomial 0x1021 and initial value 0 (XMODEM parameters)."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def encode_frame(
    destination: int,
    header: int,
    data: bytes = b"",
    *,
    source: int = HOST_ADDRESS,
    mode: ChecksumMode = ChecksumMode.SIMPLE,
) -> bytes:
    """A complete frame, e.g. simple poll to the validator ``encode_frame(40, 254)``."""
    if len(data) > MAX_DATA_LEN:
        raise ValueError(f"ccTalk data is at most {MAX_DATA_LEN} bytes")
    for name, value in (("destination", destination), ("source", source), ("header", header)):
        if not 0 <= value <= 0xFF:
            raise ValueError(f"{name} is one byte")
    if mode is ChecksumMode.SIMPLE:
        body = bytes([destination, len(data), source, header]) + data
        return body + bytes([simple_checksum(body)])
    crc = crc16_ccitt(bytes([destination, len(data), header]) + data)
    return bytes([destination, len(data), crc & 0xFF, header]) + data + bytes([crc >> 8])


def frame_length(first_two: bytes) -> int:
    """Total bytes of the frame whose first two bytes are given."""
    return first_two[1] + MIN_FRAME_LEN


def decode_frame(raw: bytes, mode: ChecksumMode = ChecksumMode.SIMPLE) -> Frame:
    """Exactly one frame; FrameError when the length disagrees, ChecksumError when it fails."""
    if len(raw) < MIN_FRAME_LEN:
        raise FrameError(f"{len(raw)} bytes is shorter than any frame")
    if len(raw) != frame_length(raw):
        raise FrameError(f"frame announces {raw[1]} data bytes but holds {len(raw) - 5}")
    data = raw[4:-1]
    if mode is ChecksumMode.SIMPLE:
        if sum(raw) & 0xFF:
            raise ChecksumError(f"simple checksum {raw[-1]:02X} does not sum to 0")
        return Frame(raw[0], raw[2], raw[3], data)
    expected = crc16_ccitt(bytes([raw[0], raw[1], raw[3]]) + data)
    got = raw[2] | (raw[-1] << 8)
    if got != expected:
        raise ChecksumError(f"CRC-16 {got:04X}, computed {expected:04X}")
    return Frame(raw[0], None, raw[3], data)


DecodeItem = Frame | CashAcceptorError


class FrameDecoder:
    """Incremental decoder: feed bytes, get frames (or typed errors for bad ones).

    ccTalk has no preamble: a frame that fails its checksum is dropped whole (its length byte
    is the only framing there is). A corrupted length byte cannot be recovered from inside
    the stream; the driver therefore starts every exchange with an empty decoder and, after
    a bad reply, waits for the line to go quiet (ccTalk's own inter-byte timeout rule).
    """

    def __init__(self, mode: ChecksumMode = ChecksumMode.SIMPLE) -> None:
        self.mode = mode
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes held that are not yet a complete frame."""
        return len(self._buf)

    def bytes_needed(self) -> int:
        """At least this many more bytes complete the next frame (never over-reads)."""
        if len(self._buf) < 2:
            return 2 - len(self._buf)
        return max(1, frame_length(bytes(self._buf[:2])) - len(self._buf))

    def feed(self, data: bytes) -> list[DecodeItem]:
        """Add bytes; return every frame (and bad-frame error) now complete, in order."""
        self._buf += data
        items: list[DecodeItem] = []
        while len(self._buf) >= 2:
            end = frame_length(bytes(self._buf[:2]))
            if len(self._buf) < end:
                break
            raw = bytes(self._buf[:end])
            try:
                items.append(decode_frame(raw, self.mode))
            except CashAcceptorError as exc:
                items.append(exc)
                del self._buf[:end]
                continue
            del self._buf[:end]
        return items

    def reset(self) -> None:
        """Forget buffered bytes (before a new command: stale bytes never answer it)."""
        self._buf.clear()


# -- data of particular headers ------------------------------------------------------------


@dataclass(frozen=True)
class EventBuffer:
    """A header 159 reply: the event counter and the 5 (result A, result B) slots, newest
    first."""

    counter: int
    slots: tuple[tuple[int, int], ...]


def parse_event_buffer(data: bytes) -> EventBuffer:
    """Header 159 reply data (11 bytes)."""
    if len(data) != 1 + 2 * EVENT_SLOTS:
        raise FrameError(f"buffered bill events reply has {len(data)} bytes, not 11")
    slots = tuple((data[1 + 2 * i], data[2 + 2 * i]) for i in range(EVENT_SLOTS))
    return EventBuffer(data[0], slots)


def encode_event_buffer(counter: int, slots: list[tuple[int, int]]) -> bytes:
    """Header 159 reply data from the newest-first slots (padded with (0, 0))."""
    padded = (list(slots) + [(0, 0)] * EVENT_SLOTS)[:EVENT_SLOTS]
    return bytes([counter]) + bytes(b for pair in padded for b in pair)


def inhibit_mask(channels: set[int] | frozenset[int]) -> bytes:
    """Header 231 data: two bytes, bit (n - 1) set = channel n enabled (channels 1..16)."""
    if any(not 1 <= c <= 16 for c in channels):
        raise ValueError("bill channels are 1..16")
    bits = sum(1 << (c - 1) for c in channels)
    return bytes([bits & 0xFF, bits >> 8])


def channels_of_mask(mask: bytes) -> frozenset[int]:
    """The channels enabled by a two-byte inhibit mask."""
    if len(mask) != 2:
        raise FrameError(f"an inhibit mask is 2 bytes, not {len(mask)}")
    bits = mask[0] | (mask[1] << 8)
    return frozenset(c for c in range(1, 17) if bits & (1 << (c - 1)))


@dataclass(frozen=True)
class BillType:
    """A programmed channel's bill id, e.g. ``CN0100A``: country, value code, issue."""

    country: str
    value_code: int
    issue: str

    @property
    def bill_id(self) -> str:
        """The 7-character id as the device sends it."""
        return f"{self.country}{self.value_code:04d}{self.issue}"


def parse_bill_id(data: bytes) -> BillType | None:
    """Header 157 reply data; None for an unprogrammed channel (``.......``)."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise FrameError("bill id is not ASCII") from exc
    if len(text) != 7:
        raise FrameError(f"bill id has {len(text)} characters, not 7")
    if set(text) <= {".", " ", "\x00"}:
        return None
    country, value, issue = text[:2], text[2:6], text[6]
    if not (country.isalpha() and value.isdigit()):
        raise FrameError(f"bill id {text!r} is not country + 4 digits + issue")
    return BillType(country, int(value), issue)


@dataclass(frozen=True)
class Scaling:
    """Header 156 reply: bill values are ``value_code x factor / 10**decimals`` major units."""

    factor: int
    decimals: int

    def fen(self, value_code: int) -> int:
        """A bill's value in fen (integer arithmetic: no floats near money)."""
        divisor = int(10**self.decimals)
        return value_code * self.factor * 100 // divisor


def parse_scaling(data: bytes) -> Scaling:
    """Header 156 reply data: factor LSB, MSB, decimal places."""
    if len(data) != 3:
        raise FrameError(f"scaling reply has {len(data)} bytes, not 3")
    return Scaling(data[0] | (data[1] << 8), data[2])


def parse_serial_number(data: bytes) -> int:
    """Header 242 reply data: 3 bytes, least significant first."""
    if len(data) != 3:
        raise FrameError(f"serial number reply has {len(data)} bytes, not 3")
    value: int = int.from_bytes(data, "little")
    return value


def ascii_text(data: bytes) -> str:
    """An ASCII identification reply (category, manufacturer, product, revision)."""
    try:
        return data.decode("ascii").strip().rstrip("\x00")
    except UnicodeDecodeError as exc:
        raise FrameError("identification reply is not ASCII") from exc
