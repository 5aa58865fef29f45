"""Request context: application state, terminal authentication, customer sessions, access."""

from __future__ import annotations

import datetime as dt
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from backend.billing import Access
from backend.clock import Clock
from backend.config import BackendConfig
from backend.ops import errors as e
from backend.ops.auth import Customer, session_of
from backend.ops.secrets import DeploymentKey
from backend.ops.terminals import active_token_hashes, token_hash_of
from backend.rules import SMS_RESEND_AFTER, allowed_levels, missing_factors
from backend.security import digest


@dataclass(frozen=True)
class AppState:
    """Everything the routes need; one per app (no globals)."""

    engine: Engine
    clock: Clock
    demo: bool
    # 60 s in production; test servers may lower it so tests do not wait on each other.
    sms_resend_after: dt.timedelta = SMS_RESEND_AFTER
    config: BackendConfig = field(default_factory=BackendConfig)
    # Keys idempotency fingerprints (HMAC): from the config, else the database's own secret.
    fingerprint_key: DeploymentKey = field(default_factory=lambda: DeploymentKey("fingerprint_key"))


async def state(request: Request) -> AppState:
    """The app's state."""
    value: AppState = request.app.state.backend
    return value


State = Annotated[AppState, Depends(state)]

_bearer = HTTPBearer(auto_error=False, description="Terminal token (docs/api.md)")


class _TerminalCache:
    """Terminal token hashes for a moment, so auth does not hit the database on every call.

    A miss reloads every active terminal at once (one query), not just the one asking: with
    thousands of terminals each reporting once a minute to one of several workers, a
    per-terminal cache would miss on nearly every report (each miss a thread hop and a query:
    ~3 ms of CPU and the largest share of a health report's latency). An id missing from a
    fresh snapshot (just provisioned, or unknown) is looked up on its own, so unknown ids
    cannot make the whole table reload.

    Bounded both ways: a snapshot or entry lives ``ttl_s`` (a re-keyed or deactivated
    terminal's old token stops working within that time, on every server process; a reload
    costs one indexed scan per ``ttl_s`` per process at most), and at most ``max_entries``
    single look-ups are kept, least recently used dropped first (random terminal ids cannot
    grow memory)."""

    ttl_s = 2.0
    max_entries = 1024

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reload = threading.Lock()
        self._entries: OrderedDict[tuple[int, str], tuple[float, str | None]] = OrderedDict()
        self._snapshots: dict[int, tuple[float, dict[str, str]]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def _fresh(self, stamp: float) -> bool:
        return time.monotonic() - stamp < self.ttl_s

    def cached(self, engine: Engine, terminal_id: str) -> str | object | None:
        """The cached hash (or None: unknown terminal), or ``_MISS``."""
        key = (id(engine), terminal_id)
        with self._lock:
            snapshot = self._snapshots.get(id(engine))
            hit = self._entries.get(key)
            if hit is not None:
                if self._fresh(hit[0]):
                    self._entries.move_to_end(key)
                    return hit[1]
                del self._entries[key]
        if snapshot is not None and self._fresh(snapshot[0]) and terminal_id in snapshot[1]:
            return snapshot[1][terminal_id]
        return _MISS

    def token_hash(self, engine: Engine, terminal_id: str) -> str | None:
        """Read the terminal's token hash (reloading every terminal when stale) and cache it."""
        with self._reload:  # concurrent misses wait for one reload instead of each running it
            with self._lock:
                snapshot = self._snapshots.get(id(engine))
            if snapshot is None or not self._fresh(snapshot[0]):
                started = time.monotonic()
                snapshot = (started, active_token_hashes(engine))
                with self._lock:
                    self._snapshots[id(engine)] = snapshot
        if terminal_id in snapshot[1]:
            return snapshot[1][terminal_id]
        key = (id(engine), terminal_id)
        now = time.monotonic()
        value = token_hash_of(engine, terminal_id)
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def forget(self) -> None:
        """Drop everything (tests; a process that re-keyed a terminal itself)."""
        with self._lock:
            self._entries.clear()
            self._snapshots.clear()


_terminals = _TerminalCache()
_MISS = object()
# The documented demo credential (docs/api.md): refused by any server not in demo mode, even
# if a database still holds it.
_DEMO_TOKEN_HASH = digest("demo-terminal-token")


async def authenticate(st: AppState, terminal_id: str | None, token: str | None) -> bool:
    """True when ``token`` is the active terminal's (the demo token only on a demo server)."""
    if not token or not terminal_id or len(terminal_id) > 40 or len(token) > 200:
        return False
    # Async (no thread hop per call); the database is only read on a cache miss.
    expected = _terminals.cached(st.engine, terminal_id)
    if expected is _MISS:
        expected = await run_in_threadpool(_terminals.token_hash, st.engine, terminal_id)
    presented = digest(token)
    if expected is None or not hmac.compare_digest(presented, str(expected)):
        return False
    return st.demo or presented != _DEMO_TOKEN_HASH


async def terminal(
    st: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_terminal_id: Annotated[str | None, Header(max_length=40)] = None,
) -> str:
    """The authenticated terminal id (X-Terminal-Id + Bearer token).

    backend/api/gate.py already refused unauthenticated requests before their body was read;
    this dependency states the requirement per route (and in the OpenAPI document)."""
    if credentials is None or not x_terminal_id:
        raise e.TerminalUnauthorized("终端未认证")
    if not await authenticate(st, x_terminal_id, credentials.credentials):
        raise e.TerminalUnauthorized("终端认证失败")
    assert x_terminal_id is not None
    return x_terminal_id


TerminalId = Annotated[str, Depends(terminal)]


def find_session(st: AppState, terminal_id: str, token: str | None) -> Customer | None:
    """The live session for a token presented by this terminal, if any."""
    with st.engine.connect() as conn:
        return session_of(conn, terminal_id, token, st.clock.now())


def customer(
    st: State,
    terminal_id: TerminalId,
    x_session_token: Annotated[str | None, Header()] = None,
) -> Customer:
    """The session's customer, or 401 session_expired."""
    found = find_session(st, terminal_id, x_session_token)
    if found is None:
        raise e.SessionExpired("会话已结束，请重新验证身份")
    return found


def require(level: Access) -> Callable[[Customer], Awaitable[Customer]]:
    """A dependency that lets the call through only when the session's factors allow ``level``."""

    async def check(cust: Annotated[Customer, Depends(customer)]) -> Customer:
        if level not in allowed_levels(cust.factors):
            missing = missing_factors(cust.factors, level)
            raise e.NotAllowed(
                "需要进一步验证身份", missing_factors=[f.value for f in missing], level=level.value
            )
        return cust

    return check


AnySession = Annotated[Customer, Depends(customer)]
Summary = Annotated[Customer, Depends(require(Access.SUMMARY))]
Details = Annotated[Customer, Depends(require(Access.DETAILS))]
Sensitive = Annotated[Customer, Depends(require(Access.SENSITIVE))]


async def idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Required on every mutation; the same key replays the first answer.",
        ),
    ] = None,
) -> str:
    """The mutation's key (1-64 visible ASCII characters), or 422."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64 or not key.isascii() or not key.isprintable():
        raise e.InvalidInput("缺少或无效的 Idempotency-Key", field="Idempotency-Key")
    return key


IdemKey = Annotated[str, Depends(idempotency_key)]
