"""Backends for the attacks: SQLite and PostgreSQL, each served by TWO server processes on one
database (what several workers behind a load balancer look like), demo mode off, codes may be
re-sent at once; and a strict SQLite one for the throttling limits.

Every test takes its own numbers (``numbers.take()``), so attacks that lock or change a line
do not disturb each other.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import pytest

from backend.db.engine import make_engine
from backend.ops.terminals import add_terminal
from tests.backend.pg import temp_postgres
from tests.fixtures.live_backend import LiveBackend, start_backend


@dataclass
class Stack:
    """A backend with two server processes, and the numbers not yet used by a test."""

    backend: LiveBackend
    urls: list[str]
    kind: str
    _free: list[str] = field(default_factory=list)

    def take(self, n: int = 1) -> list[str]:
        """``n`` random customers' numbers no other test has touched."""
        if len(self._free) < n:
            raise AssertionError("seed more customers for tests/security")
        taken = self._free[:n]
        del self._free[:n]  # in place: copies made by new_terminal() share the list
        return taken

    terminal: tuple[str, str] | None = None  # (id, token) instead of the backend's own

    def headers(self) -> dict[str, str]:
        """The terminal's credentials."""
        terminal_id, token = self.terminal or (
            self.backend.terminal_id,
            self.backend.terminal_token,
        )
        return {"Authorization": f"Bearer {token}", "X-Terminal-Id": terminal_id}

    def new_terminal(self) -> Stack:
        """The same backend seen from a newly provisioned terminal (its own throttle budget)."""
        terminal_id = f"KIOSK-SEC-{secrets.token_hex(4).upper()}"
        token = secrets.token_urlsafe(24)
        engine = make_engine(self.backend.db_url)
        try:
            add_terminal(engine, terminal_id, token, "security test")
        finally:
            engine.dispose()
        return replace(self, terminal=(terminal_id, token))


def _stack(backend: LiveBackend, kind: str) -> Stack:
    urls = [backend.url, backend.add_server()]
    return Stack(backend, urls, kind, backend.random_numbers())


@pytest.fixture(scope="package")
def sqlite_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("sec-sqlite")
    with start_backend(
        workdir, customers=30, heavy_per_month=20, demo=False, sms_resend_after_s=0
    ) as backend:
        yield _stack(backend, "sqlite")


@pytest.fixture(scope="package")
def pg_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("sec-pg")
    with (
        temp_postgres() as url,
        start_backend(
            workdir, customers=30, heavy_per_month=20, demo=False, db_url=url, sms_resend_after_s=0
        ) as backend,
    ):
        yield _stack(backend, "postgresql")


# Per-terminal limits small enough to reach in a test (each test takes a new terminal); the
# overall limits have their own test backend (test_throttling.py).
STRICT_CONFIG = """
[limits]
identify_per_terminal = { count = 8, window_s = 600 }
identify_overall = { count = 100000, window_s = 600 }
sms_per_terminal = { count = 3, window_s = 600 }
sms_overall = { count = 100000, window_s = 600 }
"""


@pytest.fixture(scope="package")
def strict_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Strict throttling and the production 60 s between two codes to one number."""
    workdir = tmp_path_factory.mktemp("sec-strict")
    with start_backend(
        workdir, customers=24, heavy_per_month=20, demo=False, config_toml=STRICT_CONFIG
    ) as backend:
        yield _stack(backend, "sqlite")


@pytest.fixture(params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest) -> Stack:
    """Each test runs on SQLite and on PostgreSQL."""
    name = "sqlite_stack" if request.param == "sqlite" else "pg_stack"
    value: Stack = request.getfixturevalue(name)
    return value
