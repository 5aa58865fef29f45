"""Attacks 5 and 6: bodies without limit, parsed before the terminal was authenticated (4 MB
posts without credentials stalled the server), and 500s from crafted input (a records cursor
with a huge id or a far-off time, ``journal_unresolved: 10**19``) whose full traceback went to
the log. Now the gate (backend/api/gate.py) refuses unauthenticated requests unread, refuses
bodies over 64 KB unread, every integer is bounded, cursors are validated, and an unexpected
error is logged as type, route and code locations only."""

from __future__ import annotations

import asyncio
import base64
import logging

import pytest
from starlette.types import Receive, Scope, Send

from backend.api.gate import Gate
from tests.security.conftest import Stack
from tests.security.helpers import get, latest_code, login, post
from tests.security.rawhttp import connect, read_answer, request_bytes, send

BIG = 4 * 1024 * 1024


def _partial_upload(stack: Stack, headers: dict[str, str], length: int) -> int:
    """Send headers announcing ``length`` bytes and only 1 KB of them: the status returned
    while the rest was never sent (the server did not wait to read it)."""
    url = stack.urls[0]
    head = request_bytes(url, "POST", "/v1/sessions/password", headers)
    head = head.replace(b"\r\n\r\n", f"\r\nContent-Length: {length}\r\n\r\n".encode(), 1)
    head = head.replace(b"\r\nContent-Type", b"\r\nX-Ignored", 1)
    with connect(url) as sock:
        sock.sendall(head + b"{" + b" " * 1023)
        return read_answer(sock).status


def test_an_unauthenticated_upload_is_refused_unread(stack: Stack) -> None:
    assert _partial_upload(stack, {"Content-Type": "application/json"}, BIG) == 401
    wrong = {"Authorization": "Bearer nope-nope-nope", "X-Terminal-Id": "KIOSK-X"}
    assert _partial_upload(stack, wrong, BIG) == 401


def test_an_authenticated_upload_over_the_limit_is_refused_unread(stack: Stack) -> None:
    assert _partial_upload(stack, stack.headers(), 64 * 1024 + 1) == 413


def test_a_chunked_upload_over_the_limit_is_refused(stack: Stack) -> None:
    url = stack.urls[0]
    head = request_bytes(url, "POST", "/v1/spam-reports", stack.headers())
    head = head.replace(b"\r\n\r\n", b"\r\nTransfer-Encoding: chunked\r\n\r\n", 1)
    chunk = b"x" * 16384
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(5)) + b"0\r\n\r\n"
    answer = send(url, head + body)
    assert answer.status == 413
    assert answer.json()["code"] == "payload_too_large"


def test_health_needs_no_credentials_and_the_api_does(stack: Stack) -> None:
    url = stack.urls[0]
    assert send(url, request_bytes(url, "GET", "/v1/health", {})).status == 200
    assert send(url, request_bytes(url, "GET", "/v1/account", {})).status == 401


def _details_session(stack: Stack) -> str:
    (number,) = stack.take()
    token = login(stack, number)
    assert post(stack, "/v1/sessions/sms-code", {"phone": number}).status == 200
    code = latest_code(stack, number)
    verify = {"phone": number, "code": code}
    assert (
        post(stack, "/v1/sessions/sms-verify", verify, **{"X-Session-Token": token}).status == 200
    )
    return token


@pytest.mark.parametrize(
    "raw",
    [
        "2026-10-01T00:00:00+00:00|99999999999999999999999",  # beyond any database integer
        "0001-01-01T00:00:00+05:00|1",  # before year 1 in UTC
        "9999-12-31T23:59:59-12:00|1",  # after year 9999 in UTC
        "2026-10-01T00:00:00|1",  # no offset
    ],
)
def test_crafted_cursors_are_invalid_input(stack: Stack, raw: str) -> None:
    token = _details_session(stack)
    cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    answer = get(stack, f"/v1/records?month=2026-10&cursor={cursor}", **{"X-Session-Token": token})
    assert answer.status == 422, answer.body
    assert answer.json()["field"] == "cursor"


def test_a_huge_integer_in_a_status_report_is_invalid_input(stack: Stack) -> None:
    report = {
        "app_version": "1.0",
        "reader": "ok",
        "printer": "ok",
        "problems": [],
        "journal_unresolved": 10**19,
        "in_session": False,
        "uptime_s": 1,
    }
    raw = request_bytes(stack.urls[0], "PUT", "/v1/terminal/status", stack.headers(), report)
    answer = send(stack.urls[0], raw)
    assert answer.status == 422
    assert answer.json()["field"] == "journal_unresolved"


@pytest.mark.allow_log_warnings
def test_an_unexpected_error_logs_no_message(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise ValueError("13800138000 张晓峰 110105196803120314")  # request data in a message

    async def anyone(_terminal: str | None, _token: str | None) -> bool:
        return True

    gate = Gate(broken, anyone, 1024)
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def capture(message: dict[str, object]) -> None:
        sent.append(message)

    credentials = [(b"authorization", b"Bearer t0ken-t0ken"), (b"x-terminal-id", b"K-1")]
    scope = {"type": "http", "method": "GET", "path": "/v1/account", "headers": credentials}
    with caplog.at_level(logging.ERROR):
        asyncio.run(gate(scope, receive, capture))  # type: ignore[arg-type]
    assert sent[0]["status"] == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged and "test_input.py:" in logged
    assert "13800138000" not in logged and "张晓峰" not in logged
    assert all(r.exc_info is None for r in caplog.records)  # no traceback text attached
