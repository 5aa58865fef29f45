"""BackendClient behaviour on a tiny real HTTP server that answers as scripted.

The server is real (http.server on loopback): the client's sockets, timeouts, retries and
headers are exercised for real. Only the answers are scripted.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient

SESSION_BODY = {
    "session_token": "tok-123",
    "factors": ["password"],
    "allowed": ["summary"],
    "phone_masked": "138****8000",
    "name_masked": "张*峰",
    "brand": "全球通",
    "status": "normal",
    "expires_in_s": 900,
}


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Script:
    """Answers to give, in order (the last one repeats); requests seen."""

    answers: deque[tuple[str, int, Any]] = field(default_factory=deque)
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self) -> tuple[str, int, Any]:
        with self.lock:
            return self.answers.popleft() if len(self.answers) > 1 else self.answers[0]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test output clean

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        script = self.server.script
        with script.lock:
            script.seen.append(
                Seen(self.command, self.path, dict(self.headers), json.loads(raw) if raw else None)
            )
        action, status, body = script.next()
        if action == "stall":
            script.release.wait(timeout=10)
        payload = b"" if body is None else json.dumps(body).encode()
        try:
            self.send_response(status)
            ctype = "application/problem+json" if status >= 400 else "application/json"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): expected in stall tests

    do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 - http.server names


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()
    httpd = _Server(script)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    finally:
        script.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _client(url: str, **kwargs: Any) -> BackendClient:
    kwargs.setdefault("backoff_s", 0.01)
    return BackendClient(url, "KIOSK-T-01", "terminal-secret", **kwargs)


PLANS = {"plans": []}


def test_get_is_retried_on_503_then_succeeds(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.extend([("ok", 503, {"code": "unavailable"}), ("ok", 200, PLANS)])
    with _client(url) as client:
        assert client.plans() == []
    assert len(script.seen) == 2
    assert all(s.headers["Authorization"] == "Bearer terminal-secret" for s in script.seen)
    assert all(s.headers["X-Terminal-Id"] == "KIOSK-T-01" for s in script.seen)


def test_get_gives_up_after_the_retries(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.append(("ok", 503, None))
    with _client(url, retries=2) as client, pytest.raises(e.BackendUnavailable):
        client.plans()
    assert len(script.seen) == 3


def test_read_timeout_is_a_typed_error(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.append(("stall", 200, PLANS))
    with _client(url, read_timeout=0.3, retries=1) as client, pytest.raises(e.BackendTimeout):
        client.plans()
    assert len(script.seen) == 2


def test_identification_is_never_retried(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.append(("ok", 503, None))
    with _client(url, retries=3) as client, pytest.raises(e.BackendUnavailable):
        client.identify_password("13800138000", "864213")
    assert len(script.seen) == 1
    assert "Idempotency-Key" not in script.seen[0].headers


def test_a_stalled_identification_is_not_replayed(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.append(("stall", 200, SESSION_BODY))
    with _client(url, read_timeout=0.3, retries=3) as client, pytest.raises(e.BackendTimeout):
        client.identify_password("13800138000", "864213")
    assert len(script.seen) == 1


def test_mutation_retries_reuse_the_callers_key(server: tuple[str, Script]) -> None:
    url, script = server
    order = {
        "order_id": "PO1",
        "amount_fen": 5000,
        "qr_payload": "https://pay/PO1",
        "status": "pending",
        "created_at": "2026-11-25T10:00:00+08:00",
        "expires_at": "2026-11-25T10:15:00+08:00",
        "paid_at": None,
        "balance_after_fen": None,
    }
    script.answers.extend([("ok", 502, None), ("stall", 201, order), ("ok", 201, order)])
    with _client(url, read_timeout=0.3, retries=2) as client:
        result = client.create_payment(5000, idempotency_key="key-after-crash")
    assert result.order_id == "PO1"
    assert result.created_at.utcoffset() == dt.timedelta(hours=8)
    assert [s.headers["Idempotency-Key"] for s in script.seen] == ["key-after-crash"] * 3
    assert all(s.body == {"amount_fen": 5000} for s in script.seen)


def test_mutations_get_a_fresh_key_each(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.append(
        ("ok", 201, {"report_id": "JB1", "received_at": "2026-11-25T10:00:00+08:00"})
    )
    with _client(url) as client:
        client.report_spam("10659999", "a")
        client.report_spam("10659999", "b")
    keys = [s.headers["Idempotency-Key"] for s in script.seen]
    assert len(set(keys)) == 2 and all(len(k) == 36 for k in keys)


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more.
    with _client(f"http://127.0.0.1:{port}", retries=1) as client:
        with pytest.raises(e.BackendUnavailable):
            client.overview()
        assert client.health() is False


def test_session_token_is_kept_sent_and_forgotten(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.extend([("ok", 200, SESSION_BODY), ("ok", 200, PLANS), ("ok", 204, None)])
    with _client(url) as client:
        session = client.identify_password("13800138000", "864213")
        assert session.name_masked == "张*峰" and client.has_session
        client.plans()
        client.end_session()
        assert not client.has_session
    assert "X-Session-Token" not in script.seen[0].headers
    assert script.seen[1].headers["X-Session-Token"] == "tok-123"
    assert (script.seen[2].method, script.seen[2].path) == ("DELETE", "/v1/sessions/current")
    assert script.seen[2].headers["X-Session-Token"] == "tok-123"


def test_problems_map_to_typed_errors(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.extend(
        [
            ("ok", 401, {"code": "auth_failed", "detail": "服务密码错误", "remaining_attempts": 1}),
            (
                "ok",
                423,
                {"code": "locked", "detail": "已锁定", "until": "2026-11-25T11:00:00+08:00"},
            ),
            ("ok", 403, {"code": "not_allowed", "missing_factors": ["sms", "id_card"]}),
            ("ok", 422, {"code": "invalid_input", "field": "amount_fen", "detail": "金额"}),
            ("ok", 409, {"code": "conflict", "detail": "已订购"}),
            ("ok", 429, {"code": "rate_limited", "retry_after_s": 42}),
        ]
    )
    with _client(url) as client:
        with pytest.raises(e.AuthFailed) as auth:
            client.identify_password("13800138000", "000000")
        assert (auth.value.remaining_attempts, auth.value.message) == (1, "服务密码错误")
        with pytest.raises(e.Locked) as locked:
            client.identify_password("13800138000", "000000")
        assert locked.value.until == dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
        with pytest.raises(e.NotAllowed) as denied:
            client.records("2026-10")
        assert denied.value.missing_factors == ("sms", "id_card")
        with pytest.raises(e.InvalidInput) as invalid:
            client.create_payment(1)
        assert invalid.value.field == "amount_fen"
        with pytest.raises(e.Conflict):
            client.order_service("CL", "2026.11")
        with pytest.raises(e.RateLimited) as limited:
            client.send_sms_code("13800138000")
        assert limited.value.retry_after_s == 42
    assert all(isinstance(x, e.BackendError) for x in (auth.value, locked.value, denied.value))
    assert [auth.value.code, locked.value.code, denied.value.code] == [
        "auth_failed",
        "locked",
        "not_allowed",
    ]


def test_session_expired_drops_the_token(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.extend([("ok", 200, SESSION_BODY), ("ok", 401, {"code": "session_expired"})])
    with _client(url) as client:
        client.identify_password("13800138000", "864213")
        with pytest.raises(e.SessionExpired):
            client.overview()
        assert not client.has_session


def test_malformed_answers_are_errors_not_guesses(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers.append(("ok", 200, {"plans": [{"code": "X"}]}))
    with _client(url) as client, pytest.raises(e.BackendError) as broken:
        client.plans()
    assert "malformed" in broken.value.message
