"""What a hot request costs the database: SQL statements counted per request.

200 kiosks in journeys and 2,000 terminals reporting make these few requests most of the
load (bench/bench_backend.py, bench/bench_fleet.py). Each budget is the count measured when
it was set; a change that adds a statement to a hot path fails here and has to say why
(raise the budget in the same commit). Counted on the real app over real HTTP, in steady
state (each request is made once before it is counted: the terminal and plan caches are
warm, as on a running server). BEGIN statements count: a write transaction is a round of
the writer queue.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import event

from backend.clock import closed_months
from tests.backend.inproc import InProcessBackend, inprocess_backend, sqlite_url
from tests.backend.pg import temp_postgres
from tests.fixtures.live_backend import CARDS, DEMO_PASSWORD, DEMO_TODAY

PHONE = next(p for p in CARDS if p.startswith("138"))
MONTH = closed_months(DEMO_TODAY)[0]  # the last closed month

# Statements per request in steady state. PostgreSQL sends no BEGIN statement (the driver
# opens the transaction) but takes the number's advisory lock.
BUDGETS = {
    "sqlite": {
        "POST /v1/sessions/password": 12,
        "GET /v1/account": 6,
        "GET /v1/bills": 6,
        "GET /v1/records": 5,
        "DELETE /v1/sessions/current": 4,
        "PUT /v1/terminal/status": 3,
    },
    "postgresql": {
        "POST /v1/sessions/password": 12,
        "GET /v1/account": 4,
        "GET /v1/bills": 4,
        "GET /v1/records": 3,
        "DELETE /v1/sessions/current": 2,
        "PUT /v1/terminal/status": 2,
    },
}


class Counter:
    """Statements the backend sent (any thread), with their text for the failure message."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        with self._lock:
            self.statements.append(" ".join(statement.split())[:100])

    def take(self) -> list[str]:
        with self._lock:
            out, self.statements = self.statements, []
        return out


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[InProcessBackend]:
    if request.param == "sqlite":
        with inprocess_backend(sqlite_url(tmp_path_factory.mktemp("cost"))) as live:
            yield live
        return
    with temp_postgres() as url, inprocess_backend(url) as live:
        yield live


class Terminal:
    """The demo terminal speaking plain HTTP, counting each request's statements."""

    def __init__(self, backend: InProcessBackend, counter: Counter) -> None:
        self.backend, self.counter = backend, counter
        self.http = requests.Session()
        self.http.trust_env = False
        self.headers = {
            "Authorization": f"Bearer {backend.terminal_token}",
            "X-Terminal-Id": backend.terminal_id,
        }

    def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        headers = dict(self.headers)
        if token:
            headers["X-Session-Token"] = token
        r = self.http.request(method, self.backend.url + path, headers=headers, timeout=30, **kw)
        assert r.status_code < 400, (method, path, r.status_code, r.text[:200])
        return r.json() if r.content else None

    def login(self) -> str:
        body = self.call(
            "POST", "/v1/sessions/password", json={"phone": PHONE, "password": DEMO_PASSWORD}
        )
        return str(body["session_token"])

    def details(self) -> str:
        token = self.login()
        self.call("POST", "/v1/sessions/sms-code", token, json={"phone": PHONE})
        code = self.backend.latest_sms_code(PHONE)
        self.call("POST", "/v1/sessions/sms-verify", token, json={"phone": PHONE, "code": code})
        return token

    def cost(self, method: str, path: str, token: str | None = None, **kw: Any) -> list[str]:
        """The statements of one request, made a second time (the first warms the caches)."""
        self.call(method, path, token, **kw)
        self.counter.take()
        self.call(method, path, token, **kw)
        return self.counter.take()


@pytest.fixture
def terminal(backend: InProcessBackend, tmp_path: Path) -> Iterator[Terminal]:
    counter = Counter()
    event.listen(backend.engine, "before_cursor_execute", counter)
    try:
        yield Terminal(backend, counter)
    finally:
        event.remove(backend.engine, "before_cursor_execute", counter)


def _within(terminal: Terminal, name: str, statements: list[str]) -> None:
    budget = BUDGETS[terminal.backend.dialect][name]
    listing = "\n  ".join(statements)
    assert len(statements) <= budget, (
        f"{name} on {terminal.backend.dialect}: {len(statements)} statements, budget {budget}:"
        f"\n  {listing}"
    )


def test_password_login(terminal: Terminal) -> None:
    body = {"phone": PHONE, "password": DEMO_PASSWORD}
    _within(
        terminal,
        "POST /v1/sessions/password",
        terminal.cost("POST", "/v1/sessions/password", json=body),
    )


def test_account_and_bills(terminal: Terminal) -> None:
    token = terminal.login()
    _within(terminal, "GET /v1/account", terminal.cost("GET", "/v1/account", token))
    _within(terminal, "GET /v1/bills", terminal.cost("GET", "/v1/bills", token))


def test_records_page(terminal: Terminal) -> None:
    token = terminal.details()
    params = {"month": MONTH, "limit": 100}
    _within(terminal, "GET /v1/records", terminal.cost("GET", "/v1/records", token, params=params))


def test_end_session(terminal: Terminal) -> None:
    terminal.login()  # the caches warm
    token = terminal.login()
    terminal.counter.take()
    terminal.call("DELETE", "/v1/sessions/current", token)
    _within(terminal, "DELETE /v1/sessions/current", terminal.counter.take())


def test_health_report(terminal: Terminal) -> None:
    report = {
        "app_version": "0.1.0",
        "reader": "ok",
        "printer": "ok",
        "problems": [],
        "journal_unresolved": 0,
        "in_session": False,
        "uptime_s": 100,
    }
    statements = terminal.cost("PUT", "/v1/terminal/status", json=report)
    _within(terminal, "PUT /v1/terminal/status", statements)


def test_a_postgresql_checkout_costs_no_round_trip() -> None:
    """No pool_pre_ping: it pings the server on every connection checkout (a request checks
    out one or two), round trips the statement count above cannot see."""
    from backend.db.engine import make_engine

    engine = make_engine("postgresql://kiosk@127.0.0.1:1/none")
    try:
        assert engine.pool._pre_ping is False
    finally:
        engine.dispose()
