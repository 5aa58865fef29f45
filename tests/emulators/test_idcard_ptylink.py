"""The shared pty helper: stable link path, raw bytes both ways, pacing, unplug/replug."""

from __future__ import annotations

import os
import time

import pytest
import serial

from emulators.ptylink import LinkClosedError, PtyLink, wire_time


def test_bytes_flow_both_ways_through_the_link_path() -> None:
    with PtyLink() as link:
        assert link.link_path.is_symlink()
        with serial.serial_for_url(str(link.link_path), baudrate=115200, timeout=1.0) as port:
            port.write(bytes(range(256)))
            got = b""
            while len(got) < 256:
                chunk = link.read(timeout=1.0)
                assert chunk, "timed out"
                got += chunk
            assert got == bytes(range(256))  # raw: no CR/LF translation, no ^C handling
            link.write(b"\x03\x0d\x0a\x11\x13\xff")
            assert port.read(6) == b"\x03\x0d\x0a\x11\x13\xff"


def test_read_times_out_with_empty_bytes() -> None:
    with PtyLink() as link:
        started = time.monotonic()
        assert link.read(timeout=0.1) == b""
        assert time.monotonic() - started >= 0.09


def test_paced_write_takes_at_least_the_wire_time() -> None:
    with PtyLink() as link:
        port = serial.serial_for_url(str(link.link_path), baudrate=9600, timeout=2.0)
        try:
            data = bytes(96)  # 100 ms at 9600 bit/s
            started = time.monotonic()
            link.write(data, baudrate=9600)
            elapsed = time.monotonic() - started
            assert port.read(96) == data
        finally:
            port.close()
    assert elapsed >= wire_time(96, 9600) * 0.95
    assert elapsed < wire_time(96, 9600) + 0.1


def test_unplug_removes_link_and_replug_restores_same_path() -> None:
    link = PtyLink()
    link.open()
    try:
        path = link.link_path
        first = os.readlink(path)
        port = serial.serial_for_url(str(path), baudrate=115200, timeout=0.5)
        link.unplug()
        assert not path.exists() and not path.is_symlink()
        with pytest.raises(LinkClosedError):
            link.read(timeout=0.1)
        with pytest.raises(LinkClosedError):
            link.write(b"x")
        with pytest.raises(serial.SerialException):
            port.read(1)  # the driver side sees the hang-up as an error, not silence
        port.close()
        link.replug()
        assert path.is_symlink()
        with serial.serial_for_url(str(path), baudrate=115200, timeout=1.0) as again:
            link.write(b"ok")
            assert again.read(2) == b"ok"
        assert os.readlink(path).startswith("/dev/pts/")
        assert first.startswith("/dev/pts/")
    finally:
        link.close()
    assert not link.link_path.parent.exists()
