"""A fault-injecting HTTP/1.1 proxy between the kiosk and the backend.

It relays requests byte for byte over keep-alive connections and, when armed, spoils the next
mutation (a request carrying an ``Idempotency-Key``) in one of the ways a hall's network does:
the answer dropped after the backend applied it, the answer delayed past the kiosk's read
timeout, the connection reset before anything was forwarded, the request delivered twice, or
the request delivered late, after the kiosk gave up on it.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import socket
import struct
import threading
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

LATE_AT_MOST_S = 60.0


class Fault(enum.StrEnum):
    DROP_ANSWER = "drop_answer"  # forwarded and applied; the answer never reaches the kiosk
    DELAY_ANSWER = "delay_answer"  # the answer comes after the kiosk's read timeout
    RESET_BEFORE = "reset_before"  # TCP reset before the request is forwarded
    DUPLICATE = "duplicate"  # the request reaches the backend twice
    LATE_DELIVERY = "late_delivery"  # held back, delivered after the kiosk gave up


@dataclass
class _Message:
    head: bytes
    body: bytes

    @property
    def raw(self) -> bytes:
        return self.head + self.body

    def header(self, name: str) -> str | None:
        for line in self.head.split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == name.encode():
                return value.strip().decode("latin-1")
        return None


class _ClosedError(Exception):
    pass


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise _ClosedError
        self.buf += chunk

    def until(self, marker: bytes) -> bytes:
        while marker not in self.buf:
            self._fill()
        end = self.buf.index(marker) + len(marker)
        data, self.buf = self.buf[:end], self.buf[end:]
        return data

    def exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def message(self, *, response: bool = False) -> _Message:
        head = self.until(b"\r\n\r\n")
        msg = _Message(head, b"")
        length = msg.header("content-length")
        if length is not None:
            msg.body = self.exactly(int(length))
        elif (msg.header("transfer-encoding") or "").lower() == "chunked":
            body = b""
            while True:
                size_line = self.until(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                body += size_line + self.exactly(size + 2)
                if size == 0:
                    break
            msg.body = body
        elif response and not head.startswith((b"HTTP/1.1 204", b"HTTP/1.1 304")):
            raise ValueError("response without a length")
        return msg


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0) instead of FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


@dataclass
class FaultProxy:
    """Listens on 127.0.0.1:0; ``url`` is what the kiosk is configured with."""

    upstream: tuple[str, int]
    hold_s: float = 2.5  # delay and late delivery: longer than the kiosk's 1.5 s read timeout
    armed: Fault | None = None
    fired: threading.Event = field(default_factory=threading.Event)
    release_late: threading.Event = field(default_factory=threading.Event)
    faults_fired: dict[str, int] = field(default_factory=dict)
    mutations: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._late_until_event = False
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = int(self._server.getsockname()[1])
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._accept_loop, daemon=True)
        self._accept.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def arm(self, fault: Fault, *, late_until: threading.Event | None = None) -> None:
        """Spoil the next mutation; a late delivery waits ``hold_s`` or for ``late_until``."""
        with self._lock:
            self.armed = fault
            self.fired.clear()
            self.release_late = late_until or threading.Event()
            self._late_until_event = late_until is not None

    def close(self) -> None:
        self._stopping.set()
        self.release_late.set()
        with contextlib.suppress(OSError):
            self._server.close()
        for thread in self._threads:
            thread.join(timeout=10)

    # -- relaying ----------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _take_fault(self, request: _Message) -> Fault | None:
        if request.header("idempotency-key") is None:
            return None
        with self._lock:
            self.mutations += 1
            fault, self.armed = self.armed, None
            if fault is not None:
                self.faults_fired[fault.value] = self.faults_fired.get(fault.value, 0) + 1
            return fault

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        up_reader: _Reader | None = None
        try:
            reader = _Reader(client)
            while True:
                request = reader.message()
                fault = self._take_fault(request)
                if fault is Fault.RESET_BEFORE:
                    self.fired.set()
                    _reset(client)
                    return
                if fault is Fault.LATE_DELIVERY:
                    # The kiosk gives up on this connection; the request goes later, alone.
                    threading.Thread(
                        target=self._deliver_late, args=(request,), daemon=True
                    ).start()
                    self.fired.set()
                    reader.until(b"\x00never")  # until the kiosk closes its side
                    return
                if upstream is None:
                    upstream = socket.create_connection(self.upstream, timeout=60)
                    up_reader = _Reader(upstream)
                twin: threading.Thread | None = None
                if fault is Fault.DUPLICATE:  # both copies race to the backend
                    twin = threading.Thread(target=self._send_alone, args=(request,), daemon=True)
                    twin.start()
                assert up_reader is not None
                upstream.sendall(request.raw)
                response = up_reader.message(response=True)
                if twin is not None:
                    twin.join(timeout=60)
                    self.fired.set()
                if fault is Fault.DROP_ANSWER:
                    self.fired.set()
                    client.close()
                    return
                if fault is Fault.DELAY_ANSWER:
                    self.fired.set()
                    self._stopping.wait(self.hold_s)
                client.sendall(response.raw)
        except (_ClosedError, OSError, ValueError):
            return
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.close()

    def _send_alone(self, request: _Message) -> None:
        """The request over a connection of its own; the answer is read and thrown away."""
        try:
            with socket.create_connection(self.upstream, timeout=60) as sock:
                sock.sendall(request.raw)
                _Reader(sock).message(response=True)
        except (_ClosedError, OSError, ValueError) as exc:
            log.info("proxy: duplicate/late request not answered: %s", type(exc).__name__)

    def _deliver_late(self, request: _Message) -> None:
        release = self.release_late
        if self._late_until_event:
            release.wait(LATE_AT_MOST_S)  # e.g. until the restarted kiosk has settled
        else:
            self._stopping.wait(self.hold_s)
        if not self._stopping.is_set():
            self._send_alone(request)
