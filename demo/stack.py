"""Everything ``kiosk demo`` runs beside the kiosk: the reference backend and the device
emulators, each a child process on loopback / pseudo-terminals, stopped with the kiosk.

Child processes (not threads) keep the layers honest: the kiosk meets the backend only over
HTTP and the devices only over their wire protocols, exactly as in a hall.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from common.hall_time import hall_now

log = logging.getLogger(__name__)

DEMO_TODAY_ENV = "KIOSK_DEMO_TODAY"


class DemoStackError(RuntimeError):
    """A demo service did not come up; the message says which and why."""


@dataclass(frozen=True)
class Endpoint:
    """A device emulator: the serial URL to open and its control channel."""

    port: str
    control: tuple[str, int]


@dataclass(frozen=True)
class DemoEndpoints:
    """Where the demo services listen."""

    backend_url: str
    card_reader: Endpoint | None
    printer: Endpoint | None
    receipts_dir: Path
    workdir: Path
    # The date the backend bills by (pinned for the whole run): the tour counts months from it.
    business_date: dt.date
    cash_acceptor: Endpoint | None = None


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the kiosk dies, however it dies (Linux)."""
    try:
        libc = ctypes.CDLL(None)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: DemoStack.stop() still ends the children on a normal exit


PR_SET_PDEATHSIG = 1


class _Child:
    def __init__(self, name: str, argv: list[str], cwd: Path) -> None:
        self.name = name
        self.lines: list[str] = []
        self._got_line = threading.Condition()
        self._log = open(cwd / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only async-signal-safe work inside
        )
        threading.Thread(target=self._read, name=f"{name}-stdout", daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._got_line:
                self.lines.append(line.rstrip("\n"))
                self._got_line.notify_all()

    def wait_lines(self, count: int, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        with self._got_line:
            while len(self.lines) < count:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise DemoStackError(
                        f"{self.name} did not start (exit code {self.proc.poll()}); see its log"
                    )
                self._got_line.wait(min(left, 0.2))
            return self.lines[:count]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


class DemoStack:
    """Start with ``with DemoStack() as endpoints:``; everything stops on exit."""

    def __init__(
        self,
        *,
        workdir: Path | None = None,
        today: str | None = None,
        devices: bool = True,
        startup_timeout: float = 90.0,
        receipts: Path | None = None,
    ) -> None:
        self._own_dir = workdir is None
        # The printer emulator's out folder: given, it is kept after the demo (the workdir and
        # everything else in it is removed).
        self.receipts = receipts
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
        # Resolved once and pinned on the backend, so the demo data, the backend and the tour
        # agree on the month even when the run crosses midnight.
        self.today = today or os.environ.get(DEMO_TODAY_ENV) or hall_now().date().isoformat()
        self.business_date = dt.date.fromisoformat(self.today)
        self.devices = devices
        self.timeout = startup_timeout
        self._children: list[_Child] = []

    def __enter__(self) -> DemoEndpoints:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> DemoEndpoints:
        receipts = self.receipts or self.workdir / "receipts"
        receipts.mkdir(parents=True, exist_ok=True)
        backend_url = self._start_backend()
        card = printer = cash = None
        if self.devices:
            card = self._start_emulator("idcard", ["--link", str(self.workdir / "idcard")])
            printer = self._start_emulator(
                "printer", ["--link", str(self.workdir / "printer"), "--out", str(receipts)]
            )
            cash = self._start_emulator("cash", ["--link", str(self.workdir / "cash")])
        return DemoEndpoints(
            backend_url, card, printer, receipts, self.workdir, self.business_date, cash
        )

    def stop(self) -> None:
        for child in reversed(self._children):
            child.stop()
        self._children.clear()
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _spawn(self, name: str, args: list[str]) -> _Child:
        child = _Child(name, [sys.executable, "-m", *args], self.workdir)
        self._children.append(child)
        return child

    def _backend_config(self) -> Path:
        """One kiosk driven by a person or the scripted tour at machine speed: the backend's
        throttling (meant for a fleet; docs/security.md) is lifted so a demo never sees 429."""
        path = self.workdir / "backend.toml"
        limits = ("identify_per_terminal", "identify_overall", "sms_per_terminal", "sms_overall")
        path.write_text(
            "[limits]\n"
            + "".join(f"{name} = {{ count = 100000, window_s = 60 }}\n" for name in limits),
            "utf-8",
        )
        return path

    def _start_backend(self) -> str:
        port_file = self.workdir / "backend.port"
        args = [
            "backend",
            "serve",
            "--db",
            f"sqlite:///{self.workdir / 'demo.sqlite3'}",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--demo",
            "--seed-demo",
            "--config",
            str(self._backend_config()),
        ]
        args += ["--today", self.today]
        child = self._spawn("backend", args)
        deadline = time.monotonic() + self.timeout
        while not port_file.exists():
            if child.proc.poll() is not None or time.monotonic() > deadline:
                raise DemoStackError(
                    f"the reference backend did not start; see {self.workdir / 'backend.log'}"
                )
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port_file.read_text().strip()}"
        import requests  # only the demo needs it here; the kiosk's start-up stays light

        while True:
            try:
                if requests.get(f"{url}/v1/health", timeout=2).ok:
                    log.info("demo backend ready")
                    return url
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise DemoStackError("the reference backend does not answer its health check")
            time.sleep(0.1)

    def _start_emulator(self, device: str, extra: list[str]) -> Endpoint:
        child = self._spawn(device, ["emulators", device, "--control-port", "0", *extra])
        first = child.wait_lines(1, self.timeout)[0]
        if first.startswith("{"):  # one JSON line: {"link": ..., "control": [host, port]}
            info = json.loads(first)
            host, number = info["control"]
            return Endpoint(port=str(info["link"]), control=(str(host), int(number)))
        # two lines: the link path, then "control: HOST:PORT"
        control = child.wait_lines(2, self.timeout)[1]
        host, _, text = control.removeprefix("control: ").rpartition(":")
        return Endpoint(port=first, control=(host, int(text)))
