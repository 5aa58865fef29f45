"""Raw HTTP/1.1 over sockets, and the last-byte race: many requests whose final byte is sent
to the server at (nearly) the same instant, so every one is judged concurrently.

Each request goes on its own connection. Everything but the last byte is sent first and the
server is left waiting; then one thread per connection, released by a barrier, sends the last
byte. No request can be answered before all are complete, so their handlers overlap as much as
the server allows. Bounded: a fixed number of requests, a timeout on every socket.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Answer:
    """A parsed HTTP response."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


def request_bytes(
    url: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: object | None = None,
) -> bytes:
    """A complete request (``Connection: close``); ``body`` is sent as JSON."""
    host = urlsplit(url).netloc
    payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


def connect(url: str) -> socket.socket:
    """A TCP connection to the URL's host and port (loopback in these tests)."""
    parts = urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "localhost"), "tests talk to loopback only"
    sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=TIMEOUT_S)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_answer(sock: socket.socket) -> Answer:
    """Read until the server closes (``Connection: close``) and parse."""
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), headers, body)


def send(url: str, raw: bytes) -> Answer:
    """One request on its own connection."""
    with connect(url) as sock:
        sock.sendall(raw)
        return read_answer(sock)


def last_byte_race(targets: list[tuple[str, bytes]]) -> list[Answer]:
    """Send every (url, request) so that all final bytes leave together; the answers in order."""
    socks = [connect(url) for url, _ in targets]
    try:
        for sock, (_, raw) in zip(socks, targets, strict=True):
            sock.sendall(raw[:-1])
        barrier = threading.Barrier(len(targets))
        answers: list[Answer | None] = [None] * len(targets)
        errors: list[BaseException] = []

        def finish(i: int) -> None:
            try:
                barrier.wait(TIMEOUT_S)
                socks[i].sendall(targets[i][1][-1:])
                answers[i] = read_answer(socks[i])
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)

        threads = [threading.Thread(target=finish, args=(i,)) for i in range(len(targets))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT_S + 5)
        if errors:
            raise errors[0]
        assert all(a is not None for a in answers), "a racer did not finish"
        return [a for a in answers if a is not None]
    finally:
        for sock in socks:
            sock.close()
