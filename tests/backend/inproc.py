"""The real backend app served over real HTTP from a thread of the test process, so a test
can hold a request at a chosen SQL statement inside the backend (a busy database, a slow
disk) and release it when it wants — the moments the settlement fence is about.

The database is real (SQLite file or a throw-away PostgreSQL cluster) and seeded by the
``python -m backend seed`` command; only the place the server runs differs from
:mod:`tests.fixtures.live_backend`.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import Engine, event

from backend.api.app import create_app
from backend.clock import Clock
from backend.config import parse_config
from backend.db.engine import make_engine, normalise_url
from tests.fixtures.live_backend import (
    DEMO_TERMINAL_ID,
    DEMO_TERMINAL_TOKEN,
    DEMO_TODAY,
    REPO,
    TEST_CONFIG,
)

WAIT_S = 60.0


class Gate:
    """Stops the first backend statement matching ``pattern`` (after arming) until opened.

    ``reached`` is set by the backend's thread just before the statement would run;
    with ``hold=False`` the gate only reports and lets the statement through.
    """

    def __init__(self, pattern: str, *, hold: bool = True) -> None:
        self.pattern = re.compile(pattern)
        self.reached = threading.Event()
        self.released = threading.Event()
        if not hold:
            self.released.set()

    def open(self) -> None:
        self.released.set()

    def wait_reached(self) -> None:
        assert self.reached.wait(WAIT_S), f"the backend never reached {self.pattern.pattern!r}"


@dataclass
class InProcessBackend:
    url: str
    engine: Engine
    terminal_id: str = DEMO_TERMINAL_ID
    terminal_token: str = DEMO_TERMINAL_TOKEN
    _gates: list[Gate] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def gate(self, pattern: str, *, hold: bool = True) -> Gate:
        """Arm a gate for the next statement matching ``pattern`` (a regex, from the start)."""
        gate = Gate(pattern, hold=hold)
        with self._lock:
            self._gates.append(gate)
        return gate

    def _before_statement(self, statement: str) -> None:
        with self._lock:
            gate = next((g for g in self._gates if g.pattern.match(statement)), None)
            if gate is not None:
                self._gates.remove(gate)
        if gate is not None:
            gate.reached.set()
            if not gate.released.wait(WAIT_S):
                raise RuntimeError("gate never opened")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def latest_sms_code(self, phone: str) -> str:
        """The newest 6-digit code in the demo SMS outbox for ``phone``."""
        rows = self.query(
            "SELECT text FROM sms_outbox WHERE number = :phone ORDER BY id DESC", phone=phone
        )
        for (text,) in rows:
            found = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
            if found:
                return found.group(1)
        raise AssertionError("no code in the demo SMS outbox")

    def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._ready.set()


def seed(db_url: str, *, customers: int = 3, today: dt.date = DEMO_TODAY) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backend",
            "seed",
            "--demo",  # the demo terminal these tests use
            "--db",
            db_url,
            "--customers",
            str(customers),
            "--seed",
            "7",
            "--today",
            today.isoformat(),
            "--heavy-per-month",
            "50",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def inprocess_backend(db_url: str, *, customers: int = 3) -> Iterator[InProcessBackend]:
    """Seed ``db_url``, serve it on a free loopback port from a thread, stop it afterwards."""
    seed(db_url, customers=customers)
    engine = make_engine(normalise_url(db_url))
    app = create_app(
        engine,
        Clock(DEMO_TODAY),
        demo_mode=True,
        sms_resend_after=dt.timedelta(0),
        config=parse_config(tomllib.loads(TEST_CONFIG)),  # throttling lifted, as live backends
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = int(sock.getsockname()[1])
    backend = InProcessBackend(url=f"http://127.0.0.1:{port}", engine=engine)

    def before(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        backend._before_statement(statement)

    event.listen(engine, "before_cursor_execute", before)
    ready = threading.Event()
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="off", ws="none", loop="asyncio"
    )
    server = _Server(config, ready)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert ready.wait(WAIT_S), "the in-process backend did not start"
        yield backend
    finally:
        with backend._lock:
            for gate in backend._gates:
                gate.open()
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        engine.dispose()


def sqlite_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'backend.sqlite3'}"
