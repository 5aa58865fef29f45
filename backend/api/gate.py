"""The door every request passes first: terminal authentication, then a body limit, and a
last catch for unexpected errors.

Pure ASGI, in this order, before any route runs:

1. Every path except ``/v1/health`` and the staff pages (``/staff``, browser-facing, with
   their own login, session cookie and CSRF tokens: backend/api/staff.py) needs valid
   terminal credentials (the same check as the ``TerminalId`` dependency). Without them the
   answer is 401 and the body is never read: an unauthenticated client cannot make the server
   buffer or parse anything.
2. The body is read here, up to ``body_limit`` bytes (Content-Length first, then the bytes
   actually received, so a chunked upload cannot exceed it either); more is 413. Only then
   does the route see the (buffered) body.
3. An exception escaping a route is logged as its type, the route template and the code
   locations of the traceback (file:line function), never its message, arguments or local
   values (those may carry request data). The answer is 500 ``internal``. Without this catch,
   Starlette re-raises to Uvicorn, which logs the full traceback with the message.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api import problems as p
from backend.ops import errors as e

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/v1/health", "/staff"})
OPEN_PREFIXES = ("/staff/",)

Authenticate = Callable[[str | None, str | None], Awaitable[bool]]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _send_problem(send: Send, err: e.DomainError) -> None:
    body = json.dumps(p.body(err), ensure_ascii=False).encode()
    headers = [
        (b"content-type", p.PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.lower().encode(), v.encode()) for k, v in p.headers(err).items()]
    await send({"type": "http.response.start", "status": p.status_of(err), "headers": headers})
    await send({"type": "http.response.body", "body": body})


def traceback_locations(exc: BaseException) -> str:
    """``file:line function`` of each frame, innermost last; no messages, no values."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1])


class Gate:
    """See the module docstring."""

    def __init__(self, app: ASGIApp, authenticate: Authenticate, body_limit: int) -> None:
        self.app = app
        self.authenticate = authenticate
        self.body_limit = body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if path not in OPEN_PATHS and not path.startswith(OPEN_PREFIXES):
            authorization = _header(scope, b"authorization") or ""
            scheme, _, token = authorization.partition(" ")
            terminal_id = _header(scope, b"x-terminal-id")
            if scheme.lower() != "bearer" or not token or not terminal_id:
                await _send_problem(send, e.TerminalUnauthorized("终端未认证"))
                return
            if not await self.authenticate(terminal_id, token.strip()):
                await _send_problem(send, e.TerminalUnauthorized("终端认证失败"))
                return
        buffered = await self._read_body(scope, receive)
        if buffered is None:
            await _send_problem(send, e.PayloadTooLarge(f"请求过大（上限{self.body_limit}字节）"))
            return
        await self._run(scope, _replay(buffered, receive), send)

    async def _read_body(self, scope: Scope, receive: Receive) -> list[Message] | None:
        """The request's body messages, or None when it exceeds the limit."""
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.body_limit):
            return None
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages  # disconnect: let the app see it
            size += len(message.get("body", b""))
            if size > self.body_limit:
                return None
            if not message.get("more_body", False):
                return messages

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = [False]

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started[0] = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            route = getattr(scope.get("route"), "path", "?")
            log.error(
                "unhandled %s on %s %s at %s",
                type(exc).__name__,
                scope.get("method", "-"),
                route,
                traceback_locations(exc),
            )
            if not started[0]:
                await _send_problem(send, e.Internal("系统繁忙，请稍后再试"))


def _replay(messages: list[Message], receive: Receive) -> Receive:
    queue = list(messages)

    async def replayed() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()

    return replayed
