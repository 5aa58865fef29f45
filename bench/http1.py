"""A minimal HTTP/1.1 client on asyncio streams, for load generators that must stay cheap.

httpx costs about a millisecond of CPU per request in Python; with 2,000 simulated terminals
on a small shared machine the load generator then becomes the bottleneck and measures its own
queue. This client does only what the benches need: one request at a time per connection,
``Content-Length`` bodies (the reference backend does not chunk its small answers),
keep-alive with one transparent reconnect when the server closed an idle connection before
answering (the server's keep-alive timeout; nothing was processed then).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any


class HttpError(Exception):
    """The connection failed or the answer was not HTTP."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One keep-alive connection to ``host:port``."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        form: bytes | None = None,
    ) -> Response:
        body = b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if json_body is not None:
            body = json.dumps(json_body).encode()
            lines.append("Content-Type: application/json")
        elif form is not None:
            body = form
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if body or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(body)}")
        lines.extend(f"{k}: {v}" for k, v in (headers or {}).items())
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        reused = self._writer is not None
        try:
            return await self._exchange(raw)
        except HttpError:
            await self.close()
            if not reused:
                raise
        return await self._exchange(raw)  # the idle connection had been closed: once more

    async def _exchange(self, raw: bytes) -> Response:
        if self._writer is None:
            try:
                await self._open()
            except OSError as exc:
                raise HttpError(f"connect: {exc}") from exc
        assert self._reader is not None and self._writer is not None
        try:
            self._writer.write(raw)
            status_line = await self._reader.readline()
            if not status_line:
                raise HttpError("connection closed before an answer")
            parts = status_line.split(b" ", 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
                raise HttpError(f"not HTTP: {status_line[:40]!r}")
            headers: dict[str, str] = {}
            while True:
                line = await self._reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            body = await self._reader.readexactly(length) if length else b""
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            raise HttpError(str(exc) or type(exc).__name__) from exc
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(int(parts[1]), headers, body)
