"""The harness side: a kiosk process to start, steer, kill and restart.

One :class:`KioskProcess` is one life of the kiosk (``driver.py`` as a subprocess). Every life
of one :class:`Terminal` shares its journal file, as a real kiosk's restarts do, and each life
leaves its own event-loop probe file.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.fixtures.live_backend import REPO, LiveBackend

EVENT_TIMEOUT_S = 90.0


class KioskCrashedError(AssertionError):
    """The kiosk ended without being told to (or reported a failure of its own)."""


@dataclass
class Terminal:
    """One kiosk's files: its configuration, its journal, its probe files and logs."""

    workdir: Path
    backend_url: str
    read_timeout_s: float = 1.5
    connect_timeout_s: float = 0.5
    journal_dir: Path | None = None  # default: the workdir
    lives: int = 0
    crashes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.journal = (self.journal_dir or self.workdir) / "journal.sqlite3"
        self.config = self.workdir / "kiosk.toml"
        self.config.write_text(
            "\n".join(
                [
                    f'journal_path = "{self.journal}"',
                    "[backend]",
                    f'url = "{self.backend_url}"',
                    'terminal_token = "demo-terminal-token"',
                    f"connect_timeout = {self.connect_timeout_s}",
                    f"read_timeout = {self.read_timeout_s}",
                    "[terminal]",
                    'id = "KIOSK-DEMO-01"',
                    "[ui]",
                    "fullscreen = false",
                ]
            )
            + "\n",
            encoding="utf-8",
        )

    def start(
        self,
        phone: str = "",
        steps: list[str] | None = None,
        seed: int = 0,
        *,
        extra: dict[str, object] | None = None,
        wrap: list[str] | None = None,
    ) -> KioskProcess:
        """One life of the kiosk; ``extra`` goes into its plan, ``wrap`` runs it under
        another command (``unshare ... sh -c 'mount ...; exec "$@"'``)."""
        self.lives += 1
        life = self.lives
        plan = self.workdir / f"plan-{life}.json"
        plan.write_text(
            json.dumps({"phone": phone, "steps": steps or [], "seed": seed, **(extra or {})}),
            "utf-8",
        )
        probe = self.workdir / f"probe-{life}.json"
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONUNBUFFERED": "1",
            "KIOSK_LOOP_PROBE": str(probe),
        }
        process = subprocess.Popen(
            [
                *(wrap or []),
                sys.executable,
                "-m",
                "tests.faults.harness.driver",
                "--config",
                str(self.config),
                "--plan",
                str(plan),
            ],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,  # a pipe, not a file: a file-size limit must not hit it
        )
        return KioskProcess(self, life, process, probe, self.workdir / f"kiosk-{life}.log")

    def settle(self, rounds: int = 4) -> int:
        """Start the kiosk with nothing to do until its start-up leaves nothing unresolved;
        returns the number still unresolved after the last round."""
        unresolved = -1
        for _ in range(rounds):
            kiosk = self.start(extra={"settle": True})
            unresolved = int(kiosk.wait_for("settled")["unresolved"])
            kiosk.wait_for("bye")
            kiosk.wait_exit()
            if unresolved == 0:
                break
        return unresolved

    def settle_guard_s(self) -> float:
        """How long after an entry's last write the kiosk may settle it (kiosk/reconcile.py)."""
        from kiosk.backend.client import BackendClient
        from kiosk.reconcile import SETTLE_MARGIN

        client = BackendClient(
            self.backend_url,
            "x",
            "x",
            connect_timeout=self.connect_timeout_s,
            read_timeout=self.read_timeout_s,
        )
        try:
            return (client.longest_call + SETTLE_MARGIN).total_seconds()
        finally:
            client.close()

    def max_stall_ms(self, figure: str = "max_self_stall_ms") -> float:
        """The worst event-loop stall over every life (after each life's start-up): the self
        stall by default, ``max_stall_ms`` for the wall clock (see ui/loop_probe.py)."""
        worst = 0.0
        for path in self.workdir.glob("probe-*.json"):
            worst = max(worst, float(json.loads(path.read_text("utf-8")).get(figure, 0.0)))
        return worst


class KioskProcess:
    """One running kiosk: read its events, answer ``go``, kill it."""

    def __init__(
        self,
        terminal: Terminal,
        life: int,
        process: subprocess.Popen[bytes],
        probe: Path,
        log_path: Path,
    ) -> None:
        self.terminal = terminal
        self.life = life
        self.process = process
        self.probe = probe
        self.killed = False
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        assert process.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._reader.start()
        assert process.stderr is not None
        self._logger = threading.Thread(
            target=self._copy_log, args=(process.stderr, log_path), daemon=True
        )
        self._logger.start()

    @staticmethod
    def _copy_log(stream: IO[bytes], path: Path) -> None:
        with path.open("wb") as log:
            for raw in iter(stream.readline, b""):
                log.write(raw)

    def _read(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            try:
                self.events.put(json.loads(raw))
            except ValueError:
                continue
        self.events.put({"event": "eof"})

    def next_event(self, timeout: float = EVENT_TIMEOUT_S) -> dict[str, Any]:
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise KioskCrashedError(f"life {self.life}: no event in {timeout:.0f} s") from None
        if event["event"] == "crash":
            self.terminal.crashes.append(f"life {self.life}: {event['error']}")
            self.kill()  # its pipes are closed before the error goes up
            raise KioskCrashedError(event["error"])
        if event["event"] == "eof" and not self.killed:
            code = self.process.wait(timeout=30)
            if code != 0:
                self.terminal.crashes.append(f"life {self.life}: exit code {code}")
                raise KioskCrashedError(f"life {self.life}: exit code {code}")
        return event

    def wait_for(self, name: str, timeout: float = EVENT_TIMEOUT_S) -> dict[str, Any]:
        while True:
            event = self.next_event(timeout)
            if event["event"] == name:
                return event
            if event["event"] == "begin":
                self.go()  # a step the harness does not aim at runs unhindered
            if event["event"] == "eof":
                raise KioskCrashedError(f"life {self.life}: ended before {name!r}")

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        """SIGKILL: no handler, no clean-up, no last journal write."""
        self.killed = True
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close()

    def wait_exit(self, timeout: float = 60) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.terminal.crashes.append(f"life {self.life}: did not exit")
            raise KioskCrashedError(f"life {self.life}: did not exit") from None
        self._close()
        if code != 0:
            self.terminal.crashes.append(f"life {self.life}: exit code {code}")
        return code

    def _close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        self._reader.join(timeout=10)
        self._logger.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


class DatabaseLock:
    """A busy backend database: a write transaction held open from outside.

    Every backend write waits behind it (SQLite busy timeout 30 s) while reads go on (WAL): the
    way a request ends up waiting inside the backend longer than the kiosk's read timeout.
    """

    def __init__(self, backend: LiveBackend) -> None:
        import sqlite3

        self._db = sqlite3.connect(
            backend.db_path, timeout=30, isolation_level=None, check_same_thread=False
        )
        self._held = False
        self._lock = threading.Lock()

    def hold(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        self._held = True

    def release(self) -> None:
        with self._lock:
            if self._held:
                self._db.execute("ROLLBACK")
                self._held = False

    def close(self) -> None:
        self.release()
        self._db.close()
