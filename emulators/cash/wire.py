"""The device side of ccTalk framing (the emulator's own, independent of the kiosk's codec).

Frame: destination, data length, source, header, data, checksum. Simple checksum: all bytes
sum to 0 mod 256. CRC-16 (CCITT 0x1021, initial 0) over destination, length, header, data,
low byte in the source position, high byte in the checksum position.
"""

from __future__ import annotations

from dataclasses import dataclass

HOST = 1
ACK = 0
NAK = 5


def crc16(data: bytes) -> int:
    """CRC-16/CCITT, polynomial 0x1021, initial 0."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def frame(destination: int, source: int, header: int, data: bytes, *, crc: bool = False) -> bytes:
    """One complete frame."""
    if crc:
        value = crc16(bytes([destination, len(data), header]) + data)
        return bytes([destination, len(data), value & 0xFF, header]) + data + bytes([value >> 8])
    body = bytes([destination, len(data), source, header]) + data
    return body + bytes([(-sum(body)) & 0xFF])


@dataclass(frozen=True)
class Request:
    """One host command addressed to someone (maybe not us)."""

    destination: int
    source: int
    header: int
    data: bytes
    size: int
    valid: bool  # the checksum held
    raw: bytes


def extract_requests(buf: bytearray, *, crc: bool = False) -> list[Request]:
    """Remove and return every complete frame at the front of ``buf``."""
    out: list[Request] = []
    while len(buf) >= 2:
        end = buf[1] + 5
        if len(buf) < end:
            break
        raw = bytes(buf[:end])
        del buf[:end]
        data = raw[4:-1]
        if crc:
            valid = (raw[2] | raw[-1] << 8) == crc16(bytes([raw[0], raw[1], raw[3]]) + data)
            source = HOST
        else:
            valid = sum(raw) & 0xFF == 0
            source = raw[2]
        out.append(Request(raw[0], source, raw[3], data, len(raw), valid, raw))
    return out
