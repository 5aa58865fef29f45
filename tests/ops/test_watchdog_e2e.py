"""The real kiosk under a fake systemd: READY after the first frame, heartbeats from the GUI
thread, and silence once the GUI thread is blocked (what makes systemd restart it)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.run_config import run_config_toml

INTERVAL_S = 0.2  # WATCHDOG_USEC=400 ms -> a heartbeat every 200 ms


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _recv(sock: socket.socket, timeout: float) -> bytes | None:
    """The next READY/WATCHDOG message; STATUS= updates (the service monitor's, e.g. "out of
    service" once the unreachable backend failed twice) may come in between at any time."""
    sock.settimeout(timeout)
    try:
        while (message := sock.recv(4096)).startswith(b"STATUS="):
            continue
        return message
    except TimeoutError:
        return None


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_heartbeats_stop_when_the_gui_thread_blocks(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        run_config_toml(
            tmp_path / "journal.sqlite3", f"http://127.0.0.1:{_closed_port()}", fullscreen=False
        ),
        encoding="utf-8",
    )
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        NOTIFY_SOCKET=path,
        WATCHDOG_USEC=str(int(INTERVAL_S * 2 * 1_000_000)),
        KIOSK_DEBUG_FREEZE_SIGNAL="USR2",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", "--config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        first = _recv(sock, 60.0)
        assert first == b"READY=1\nSTATUS=serving", first
        beats = [_recv(sock, 5.0) for _ in range(5)]
        assert beats == [b"WATCHDOG=1"] * 5
        # the backend is a closed port: `systemctl status` learns the terminal is out of service
        sock.settimeout(30.0)
        while (message := sock.recv(4096)) == b"WATCHDOG=1":
            continue
        assert message == b"STATUS=out of service: backend unreachable"
        os.kill(proc.pid, signal.SIGUSR2)
        # At most one heartbeat already on its way; then silence for 10 intervals.
        after: list[bytes] = []
        while (message := _recv(sock, INTERVAL_S * 10)) is not None:
            after.append(message)
            assert len(after) <= 2, after
        assert proc.poll() is None  # frozen, not crashed: systemd's watchdog must act
    finally:
        proc.kill()
        _, err = proc.communicate(timeout=30)
        sock.close()
    assert b"debug freeze" in err
