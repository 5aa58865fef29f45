"""A tiny JSON-lines control channel for the emulators (shared by every emulated device).

Protocol: the client sends one JSON object per line, e.g. ``{"cmd": "place", "card": "0"}``;
the server answers one JSON line per request: ``{"ok": true, ...}`` or
``{"ok": false, "error": "..."}``. The server listens on 127.0.0.1 only: it is a demo and test
tool, not an operations interface.

An emulator builds a :class:`ControlServer` from a table of handlers::

    server = ControlServer({"place": on_place, "remove": on_remove})
    server.start()
    host, port = server.address
    send_control(host, port, {"cmd": "remove"})   # -> {"ok": True}

A handler takes the request dict and returns the extra answer fields (a dict, may be empty);
it raises :class:`ControlError` for a request it refuses (unknown card, bad fault name...).
"""

from __future__ import annotations

import json
import logging
import socket
import socketserver
import threading
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], dict[str, Any]]

_MAX_LINE = 64 * 1024


class ControlError(Exception):
    """A control request the emulator refuses; its message goes back as ``error``."""


def handle_message(handlers: Mapping[str, Handler], line: bytes) -> dict[str, Any]:
    """Dispatch one request line to its handler and build the answer object (pure, testable)."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {"ok": False, "error": f"not a JSON line: {exc}"}
    if not isinstance(message, dict):
        return {"ok": False, "error": "a request is a JSON object"}
    cmd = message.get("cmd")
    handler = handlers.get(cmd) if isinstance(cmd, str) else None
    if handler is None:
        return {"ok": False, "error": f"unknown cmd {cmd!r}; known: {sorted(handlers)}"}
    try:
        extra = handler(message)
    except ControlError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, **extra}


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handlers: Mapping[str, Handler]) -> None:
        self.handlers = handlers
        super().__init__(address, _RequestHandler)


class _RequestHandler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        while True:
            try:
                line = self.rfile.readline(_MAX_LINE)
            except OSError:
                return
            if not line:
                return
            if not line.strip():
                continue
            answer = handle_message(self.server.handlers, line)
            try:
                self.wfile.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
                self.wfile.flush()
            except OSError:
                return


class ControlServer:
    """JSON-lines TCP server on 127.0.0.1 running on a daemon thread."""

    def __init__(
        self, handlers: Mapping[str, Handler], host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._server = _Server((host, port), dict(handlers))
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) actually bound; port 0 at construction picks a free one."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        """Serve on a background thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="emulator-control",
            daemon=True,
        )
        self._thread.start()
        log.debug("control channel on %s:%d", *self.address)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> ControlServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def send_control(
    host: str, port: int, message: Mapping[str, Any], timeout: float = 5.0
) -> dict[str, Any]:
    """Send one request and return the decoded answer (raises OSError/ValueError on failure)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(json.dumps(dict(message), ensure_ascii=False).encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("control channel closed before answering")
            buf += chunk
    answer = json.loads(buf.decode("utf-8"))
    if not isinstance(answer, dict):
        raise ValueError("control answer is not a JSON object")
    return answer
