"""ESC/POS command bytes (see /work/shared/reference/escpos-chinese-printer.md)."""

from __future__ import annotations

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
LF = 0x0A
CR = 0x0D
XON = 0x11
XOFF = 0x13

INIT = b"\x1b@"
CHINESE_ON = b"\x1c&"
CHINESE_OFF = b"\x1c."


def align(n: int) -> bytes:
    """``ESC a n``: 0 left, 1 centre, 2 right."""
    return bytes((ESC, 0x61, n))


def bold(on: bool) -> bytes:
    """``ESC E n``: emphasis on/off."""
    return bytes((ESC, 0x45, 1 if on else 0))


def size(n: int) -> bytes:
    """``GS ! n``: character size for ASCII and hanzi alike."""
    return bytes((GS, 0x21, n))


def feed(lines: int) -> bytes:
    """``ESC d n``: print the buffer and feed ``n`` lines (split when n > 255)."""
    out = bytearray()
    while lines > 0:
        step = min(lines, 255)
        out += bytes((ESC, 0x64, step))
        lines -= step
    return bytes(out)


def status_request(n: int) -> bytes:
    """``DLE EOT n`` (n = 1..4): real-time status request."""
    if n not in (1, 2, 3, 4):
        raise ValueError("DLE EOT n takes n = 1..4")
    return bytes((DLE, 0x04, n))


def qr(data: bytes, module_size: int, level: int) -> bytes:
    """Native QR (model 2): select model, module size, error level, store, print."""
    if not 1 <= module_size <= 16:
        raise ValueError("QR module size is 1..16")
    store_len = len(data) + 3
    if store_len > 0xFFFF:
        raise ValueError("QR data too long")
    return b"".join(
        (
            b"\x1d(k\x04\x00\x31\x41\x32\x00",
            bytes((GS, 0x28, 0x6B, 3, 0, 0x31, 0x43, module_size)),
            bytes((GS, 0x28, 0x6B, 3, 0, 0x31, 0x45, level)),
            bytes((GS, 0x28, 0x6B, store_len & 0xFF, store_len >> 8, 0x31, 0x50, 0x30)),
            data,
            b"\x1d(k\x03\x00\x31\x51\x30",
        )
    )


def code128(data: bytes, height: int, module_width: int) -> bytes:
    """``GS h``/``GS w``/``GS H 2`` then ``GS k 73 n {B data`` (code set B)."""
    payload = b"{B" + data
    if len(payload) > 255:
        raise ValueError("barcode data too long")
    return b"".join(
        (
            bytes((GS, 0x68, height)),
            bytes((GS, 0x77, module_width)),
            bytes((GS, 0x48, 2)),
            bytes((GS, 0x6B, 73, len(payload))),
            payload,
        )
    )


def raster(width_bytes: int, height: int, bits: bytes) -> bytes:
    """``GS v 0 0 xL xH yL yH data``: a 1-bit raster image."""
    if len(bits) != width_bytes * height:
        raise ValueError("raster data size does not match its dimensions")
    header = bytes((GS, 0x76, 0x30, 0, width_bytes & 0xFF, width_bytes >> 8, height & 0xFF))
    return header + bytes((height >> 8,)) + bits
