"""Backends for the attacks: SQLite and PostgreSQL, each served by TWO server processes on one
database (what several workers behind a load balancer look like), demo mode off.

Every test takes its own numbers (``numbers.take()``), so attacks that lock or change a line
do not disturb each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

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
        taken, self._free = self._free[:n], self._free[n:]
        return taken

    def headers(self) -> dict[str, str]:
        """The terminal's credentials."""
        return {
            "Authorization": f"Bearer {self.backend.terminal_token}",
            "X-Terminal-Id": self.backend.terminal_id,
        }


def _stack(backend: LiveBackend, kind: str) -> Stack:
    urls = [backend.url, backend.add_server()]
    return Stack(backend, urls, kind, backend.random_numbers())


@pytest.fixture(scope="package")
def sqlite_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("sec-sqlite")
    with start_backend(workdir, customers=30, heavy_per_month=20, demo=False) as backend:
        yield _stack(backend, "sqlite")


@pytest.fixture(scope="package")
def pg_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("sec-pg")
    with (
        temp_postgres() as url,
        start_backend(workdir, customers=30, heavy_per_month=20, demo=False, db_url=url) as backend,
    ):
        yield _stack(backend, "postgresql")


@pytest.fixture(params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest) -> Stack:
    """Each test runs on SQLite and on PostgreSQL."""
    name = "sqlite_stack" if request.param == "sqlite" else "pg_stack"
    value: Stack = request.getfixturevalue(name)
    return value
