"""Running the app under Uvicorn on a pre-bound socket (so ``--port 0`` can report its port)."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

log = logging.getLogger(__name__)


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Server(uvicorn.Server):
    """Writes the port file once Uvicorn is really serving."""

    def __init__(self, config: uvicorn.Config, port: int, port_file: Path | None) -> None:
        super().__init__(config)
        self._port = port
        self._port_file = port_file

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self._port_file is not None and not self.should_exit:
            write_atomically(self._port_file, f"{self._port}\n")
        log.info("backend listening on port %d", self._port)


@dataclass(frozen=True)
class TlsFiles:
    """HTTPS for the API: the server's certificate and key (PEM), and optionally the CA whose
    client certificates it demands (mutual TLS: a terminal without one is refused in the
    handshake, before any byte of HTTP is read)."""

    cert: Path
    key: Path
    client_ca: Path | None = None


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it Nagle + delayed ACK add ~40 ms to every response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _run(
    app: FastAPI, sock: socket.socket, port_file: Path | None, tls: TlsFiles | None
) -> None:
    # Handlers run in worker threads and hand results back to the event loop thread; with the
    # default 5 ms GIL switch interval each hand-over can wait that long under load.
    sys.setswitchinterval(0.0005)
    config = uvicorn.Config(
        app,
        loop="auto",  # uvloop and httptools when installed (backend extra), else asyncio/h11
        http="auto",
        access_log=False,  # access lines would carry paths and queries; see the timing log
        log_config=None,
        timeout_keep_alive=30,
        backlog=2048,
        **_ssl_options(tls),
    )
    _Server(config, int(sock.getsockname()[1]), port_file).run(sockets=[sock])


def serve(
    app: FastAPI,
    host: str,
    port: int,
    port_file: Path | None = None,
    tls: TlsFiles | None = None,
) -> None:
    """Bind, then serve until SIGINT/SIGTERM (over TLS when ``tls`` is given)."""
    _run(app, _bind(host, port), port_file, tls)


def serve_workers(
    build: Callable[[], FastAPI],
    host: str,
    port: int,
    port_file: Path | None,
    workers: int,
    tls: TlsFiles | None = None,
) -> int:
    """Serve with ``workers`` processes accepting on one socket; 0 after a clean stop.

    The socket is bound once and inherited through fork, so every worker accepts on the same
    port (``--port 0`` included) and the kernel spreads connections between them. Each worker
    builds its own app and engine after the fork: database connections must not be shared
    between processes. SIGTERM/SIGINT are passed on to the workers; if one dies on its own,
    the others are stopped too and the exit status says so (systemd restarts the service).
    """
    sock = _bind(host, port)
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            code = 0
            try:
                _run(build(), sock, port_file, tls)
            except BaseException:
                log.exception("backend worker failed")
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    sock.close()
    stopping = False

    def stop(_signum: int = 0, _frame: object = None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    remaining = set(children)
    while remaining:
        try:
            pid, code = os.wait()
        except ChildProcessError:
            break
        remaining.discard(pid)
        if not stopping:
            log.error("backend worker %d ended on its own (status %d); stopping", pid, code)
            status = 1
            stop()
    return status


def _ssl_options(tls: TlsFiles | None) -> dict[str, Any]:
    if tls is None:
        return {}
    import ssl

    options: dict[str, Any] = {"ssl_certfile": str(tls.cert), "ssl_keyfile": str(tls.key)}
    if tls.client_ca is not None:
        options["ssl_ca_certs"] = str(tls.client_ca)
        options["ssl_cert_reqs"] = ssl.CERT_REQUIRED
    return options
