"""Decoding the card photo (WLT, 1024 bytes) into a BMP: a pluggable, optional step.

No open WLT decoder exists; readers ship a closed vendor library (libwlt2bmp, libwltdecode...).
Without one the kiosk shows a neutral placeholder: :class:`NullPhotoDecoder` returns None.
"""

from __future__ import annotations

import ctypes
import logging
import struct
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

PHOTO_WIDTH = 102
PHOTO_HEIGHT = 126
_ROW = (PHOTO_WIDTH * 3 + 3) & ~3  # BMP rows are padded to 4 bytes
_BMP_HEADER = 54
BMP_SIZE = _BMP_HEADER + _ROW * PHOTO_HEIGHT  # 38862, the buffer size vendor samples use
WLT_SIZE = 1024


class PhotoDecodeError(Exception):
    """The photo could not be decoded."""


class PhotoDecoderUnavailable(PhotoDecodeError):  # noqa: N818 - reads better at call sites
    """The configured vendor library cannot be loaded or lacks the expected function."""


class PhotoDecoder(Protocol):
    """Turns WLT bytes into BMP bytes, or None when no decoder is installed."""

    def decode(self, wlt: bytes) -> bytes | None:
        """BMP file bytes (102x126, 24-bit) or None; raises PhotoDecodeError on bad data."""
        ...


class NullPhotoDecoder:
    """The default: no vendor library, so no picture (the UI shows its placeholder)."""

    def decode(self, wlt: bytes) -> bytes | None:
        """Always None."""
        return None


def bmp_from_bgr(pixels: bytes) -> bytes:
    """Wrap raw bottom-up BGR rows (padded or not) of a 102x126 photo into a BMP file."""
    unpadded = PHOTO_WIDTH * 3 * PHOTO_HEIGHT
    if len(pixels) == unpadded:
        pad = b"\x00" * (_ROW - PHOTO_WIDTH * 3)
        step = PHOTO_WIDTH * 3
        pixels = b"".join(pixels[i : i + step] + pad for i in range(0, unpadded, step))
    if len(pixels) != _ROW * PHOTO_HEIGHT:
        raise PhotoDecodeError(f"decoder produced {len(pixels)} pixel bytes")
    header = b"BM" + struct.pack("<IHHI", BMP_SIZE, 0, 0, _BMP_HEADER)
    info = struct.pack(
        "<IiiHHIIiiII", 40, PHOTO_WIDTH, PHOTO_HEIGHT, 1, 24, 0, len(pixels), 3780, 3780, 0, 0
    )
    return header + info + pixels


class VendorLibraryDecoder:
    """Calls a vendor shared library through ctypes.

    The usual signature (libwlt2bmp and look-alikes) is
    ``int unpack(char *wlt, char *out, int save_bmp)`` returning 1 on success and filling ``out``
    (38862 bytes) with a BMP file or raw BGR rows; the function name is configurable because
    vendors differ.
    """

    def __init__(self, path: str | Path, function: str = "unpack", success: int = 1) -> None:
        self._path = str(path)
        try:
            library = ctypes.CDLL(self._path)
        except OSError as exc:
            raise PhotoDecoderUnavailable(
                f"cannot load photo decoder library {self._path}: {exc}"
            ) from exc
        try:
            func = getattr(library, function)
        except AttributeError:
            raise PhotoDecoderUnavailable(
                f"photo decoder library {self._path} has no function {function!r}"
            ) from None
        func.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        func.restype = ctypes.c_int
        self._func = func
        self._success = success

    def decode(self, wlt: bytes) -> bytes | None:
        """The BMP for one 1024-byte WLT photo."""
        if len(wlt) != WLT_SIZE:
            raise PhotoDecodeError(f"a WLT photo is {WLT_SIZE} bytes, got {len(wlt)}")
        out = ctypes.create_string_buffer(BMP_SIZE)
        code = self._func(wlt, out, 0)
        if code != self._success:
            raise PhotoDecodeError(f"vendor decoder returned {code}")
        data = out.raw
        if data.startswith(b"BM"):
            return data[:BMP_SIZE]
        return bmp_from_bgr(data[: _ROW * PHOTO_HEIGHT])
