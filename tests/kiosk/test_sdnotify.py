"""The notify protocol's bytes on a real AF_UNIX datagram socket."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.sdnotify import Notifier, NotifyTarget, restart_count


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(5)
    yield path, sock
    sock.close()


def test_outside_systemd_nothing_is_sent() -> None:
    assert NotifyTarget.from_environ({}) is None
    notifier = Notifier(None)
    assert not notifier.enabled
    assert notifier.ready() is False


def test_watchdog_interval_is_half_the_timeout() -> None:
    target = NotifyTarget.from_environ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000"})
    assert target == NotifyTarget("/run/x", 15.0)
    plain = NotifyTarget.from_environ({"NOTIFY_SOCKET": "/run/x"})
    assert plain is not None and plain.watchdog_interval_s is None


def test_abstract_socket_name_gets_a_nul() -> None:
    target = NotifyTarget.from_environ({"NOTIFY_SOCKET": "@kiosk-notify"})
    assert target is not None and target.address == "\0kiosk-notify"


def test_messages_arrive_byte_for_byte(notify_socket: tuple[str, socket.socket]) -> None:
    path, sock = notify_socket
    notifier = Notifier(NotifyTarget.from_environ({"NOTIFY_SOCKET": path}))
    assert notifier.ready("serving")
    assert notifier.heartbeat()
    assert notifier.stopping()
    assert sock.recv(4096) == b"READY=1\nSTATUS=serving"
    assert sock.recv(4096) == b"WATCHDOG=1"
    assert sock.recv(4096) == b"STOPPING=1"
    notifier.close()


def test_abstract_namespace_socket_works() -> None:
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        notifier = Notifier(NotifyTarget.from_environ({"NOTIFY_SOCKET": "@" + name}))
        assert notifier.heartbeat()
        assert sock.recv(64) == b"WATCHDOG=1"
        notifier.close()


@pytest.mark.allow_log_warnings
def test_a_gone_socket_is_logged_not_raised(tmp_path: Path) -> None:
    notifier = Notifier(NotifyTarget(str(tmp_path / "nobody"), 1.0))
    assert notifier.heartbeat() is False
    assert notifier.heartbeat() is False
    notifier.close()


def test_restart_count_from_systemd() -> None:
    assert restart_count({"NRESTARTS": "3"}) == 3
    assert restart_count({}) == 0
    assert restart_count({"NRESTARTS": "x"}) == 0
