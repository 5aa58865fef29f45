"""Photo decoding hook: null decoder, typed errors for a missing or wrong vendor library,
and the ctypes call path against a tiny stand-in library compiled here."""

from __future__ import annotations

import ctypes.util
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from kiosk.devices.idcard.photo import (
    BMP_SIZE,
    NullPhotoDecoder,
    PhotoDecodeError,
    PhotoDecoderUnavailable,
    VendorLibraryDecoder,
    bmp_from_bgr,
)

FAKE_VENDOR_C = r"""
/* Stand-in for a vendor WLT library: "decodes" by repeating the input; fails on 0xFF. */
int unpack(const unsigned char *wlt, unsigned char *out, int save) {
    if (wlt[0] == 0xFF) return -3;
    for (int i = 0; i < 38862; i++) out[i] = wlt[i % 1024];
    out[0] = 'B'; out[1] = 'M';
    return 1;
}
int unpack_raw(const unsigned char *wlt, unsigned char *out, int save) {
    for (int i = 0; i < 102 * 126 * 3; i++) out[i] = (unsigned char)(i % 251);
    return 1;
}
"""


def test_null_decoder_gives_no_picture() -> None:
    assert NullPhotoDecoder().decode(bytes(1024)) is None


def test_missing_library_is_a_clear_typed_error(tmp_path: Path) -> None:
    missing = tmp_path / "libwlt2bmp.so"
    with pytest.raises(PhotoDecoderUnavailable, match="cannot load photo decoder library") as info:
        VendorLibraryDecoder(missing)
    assert str(missing) in str(info.value)


def test_library_without_the_function_is_a_typed_error() -> None:
    libm = ctypes.util.find_library("m")
    assert libm is not None
    with pytest.raises(PhotoDecoderUnavailable, match="no function 'unpack'"):
        VendorLibraryDecoder(libm)


@pytest.fixture(scope="module")
def fake_vendor_lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("gcc not installed: cannot build the stand-in vendor library")
    work = tmp_path_factory.mktemp("wlt")
    (work / "wlt.c").write_text(FAKE_VENDOR_C)
    lib = work / "libfakewlt.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib), str(work / "wlt.c")], check=True)
    return lib


def test_vendor_library_returning_a_bmp(fake_vendor_lib: Path) -> None:
    wlt = bytes(range(256)) * 4
    bmp = VendorLibraryDecoder(fake_vendor_lib).decode(wlt)
    assert bmp is not None and len(bmp) == BMP_SIZE == 38862
    assert bmp[:2] == b"BM" and bmp[2:1024] == wlt[2:1024]


def test_vendor_library_failure_code_and_bad_input(fake_vendor_lib: Path) -> None:
    decoder = VendorLibraryDecoder(fake_vendor_lib)
    with pytest.raises(PhotoDecodeError, match="returned -3"):
        decoder.decode(b"\xff" * 1024)
    with pytest.raises(PhotoDecodeError, match="1024 bytes"):
        decoder.decode(b"short")


def test_vendor_library_returning_raw_pixels_is_wrapped(fake_vendor_lib: Path) -> None:
    bmp = VendorLibraryDecoder(fake_vendor_lib, function="unpack_raw").decode(bytes(1024))
    assert bmp is not None and bmp[:2] == b"BM" and len(bmp) == BMP_SIZE
    width, height = int.from_bytes(bmp[18:22], "little"), int.from_bytes(bmp[22:26], "little")
    assert (width, height) == (102, 126)
    with Image.open(io.BytesIO(bmp)) as image:  # a BMP that a real image library accepts
        assert image.size == (102, 126) and image.mode == "RGB"


def test_bmp_from_unpadded_rows_pads_each_row() -> None:
    pixels = bytes(i % 7 for i in range(102 * 126 * 3))
    bmp = bmp_from_bgr(pixels)
    assert len(bmp) == BMP_SIZE
    assert bmp[54 : 54 + 306] == pixels[:306] and bmp[54 + 306 : 54 + 308] == b"\x00\x00"
    with pytest.raises(PhotoDecodeError):
        bmp_from_bgr(b"123")
