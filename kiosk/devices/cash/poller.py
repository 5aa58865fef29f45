"""The acceptor's own thread: every wire exchange happens here, so commands never interleave.

A plain Python thread like the card poller. It opens the acceptor through a factory (and
reopens it with backoff when the link is lost), reads buffered events (159) every
``interval`` and hands each reply, already turned into new events by the shared
:class:`EventCounter`, to ``on_read``. Other work for the device (inhibit, accept, bill table)
goes through :meth:`submit`, which runs it between two polls and returns a Future.

``on_read`` runs on this thread and must be quick: the cash flow writes the events to its
journal there (that is the point: a note is journaled before anything else happens with it)
and leaves the slow work (HTTP) to another thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from kiosk.devices.cash.driver import BanknoteAcceptor
from kiosk.devices.cash.errors import (
    AcceptorDisconnected,
    AcceptorUnavailable,
    CashAcceptorError,
    NoReply,
)
from kiosk.devices.cash.events import EventCounter, EventRead

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The reference's advice: poll 159 every 100-200 ms while accepting.
DEFAULT_INTERVAL = 0.15
MIN_INTERVAL = 0.05


class LinkKind(Enum):
    """What happened to the link."""

    READY = "ready"
    LOST = "lost"  # unplugged, or silent: ``error`` says which


@dataclass(frozen=True)
class LinkEvent:
    kind: LinkKind
    error: CashAcceptorError | None = None

    @property
    def silent(self) -> bool:
        """The device stopped answering (as opposed to the port going away)."""
        return isinstance(self.error, NoReply)


class AcceptorPoller:
    """Owns one acceptor on a background thread; see the module docstring."""

    def __init__(
        self,
        factory: Callable[[], BanknoteAcceptor],
        on_read: Callable[[EventRead], None],
        on_link: Callable[[LinkEvent], None] | None = None,
        *,
        counter: EventCounter | None = None,
        interval: float = DEFAULT_INTERVAL,
        backoff: Sequence[float] = (0.2, 0.5, 1.0, 2.0),
        failures_before_lost: int = 3,
    ) -> None:
        if interval < MIN_INTERVAL:
            raise ValueError(f"poll interval must be at least {MIN_INTERVAL} s")
        self._factory = factory
        self._on_read = on_read
        self._on_link = on_link or (lambda _e: None)
        self.counter = counter or EventCounter()
        self.interval = interval
        self._backoff = tuple(backoff)
        self._failures_before_lost = failures_before_lost
        self._jobs: queue.Queue[tuple[Callable[[BanknoteAcceptor], Any], Future[Any]]] = (
            queue.Queue()
        )
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._acceptor: BanknoteAcceptor | None = None
        self._ready = threading.Event()
        self.polls = 0  # completed 159 reads (tests and the bench wait on it)
        self._polled = threading.Condition()

    # -- control -----------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True while the acceptor is open and answering."""
        return self._ready.is_set()

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            raise RuntimeError("an AcceptorPoller starts once")
        self._thread = threading.Thread(target=self._run, name="cash-poller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop, close the acceptor, fail queued jobs."""
        self._stop.set()
        self._wake.set()
        acceptor = self._acceptor
        if acceptor is not None:
            acceptor.cancel()
        if self._thread is not None:
            self._thread.join(timeout)
        self._fail_jobs(AcceptorUnavailable("the acceptor poller stopped"))

    def __enter__(self) -> AcceptorPoller:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def submit(self, job: Callable[[BanknoteAcceptor], T]) -> Future[T]:
        """Run ``job(acceptor)`` on the poller thread before the next poll."""
        future: Future[T] = Future()
        if self._stop.is_set():
            future.set_exception(AcceptorUnavailable("the acceptor poller stopped"))
            return future
        self._jobs.put((job, future))
        self._wake.set()
        return future

    def poll_now(self) -> None:
        """Read events at once instead of at the next interval."""
        self._wake.set()

    def wait_polls(self, count: int, timeout: float) -> bool:
        """Block until ``count`` more polls completed (True) or ``timeout`` passed."""
        with self._polled:
            target = self.polls + count
            return self._polled.wait_for(lambda: self.polls >= target, timeout)

    # -- thread ------------------------------------------------------------------------------

    def _fail_jobs(self, error: Exception) -> None:
        while True:
            try:
                _job, future = self._jobs.get_nowait()
            except queue.Empty:
                return
            if not future.done():
                future.set_exception(error)

    def _emit_link(self, event: LinkEvent) -> None:
        if event.kind is LinkKind.READY:
            self._ready.set()
        else:
            self._ready.clear()
        try:
            self._on_link(event)
        except Exception:
            log.exception("cash link listener failed")

    def _run(self) -> None:
        attempt = 0
        outage_reported = False
        try:
            while not self._stop.is_set():
                if self._acceptor is None:
                    try:
                        acceptor = self._factory()
                        acceptor.open()
                    except CashAcceptorError as exc:
                        self._fail_jobs(exc)
                        if not outage_reported:
                            log.warning("banknote acceptor unavailable: %s", exc.cause)
                            self._emit_link(LinkEvent(LinkKind.LOST, exc))
                            outage_reported = True
                        self._stop.wait(self._backoff[min(attempt, len(self._backoff) - 1)])
                        attempt += 1
                        continue
                    self._acceptor = acceptor
                    attempt, outage_reported = 0, False
                    self._emit_link(LinkEvent(LinkKind.READY))
                lost = self._poll_loop(self._acceptor)
                if lost is not None:
                    log.warning("banknote acceptor lost: %s", lost.cause)
                    self._drop()
                    self._fail_jobs(lost)
                    self._emit_link(LinkEvent(LinkKind.LOST, lost))
                    outage_reported = True
                    self._stop.wait(self._backoff[0])
        finally:
            self._drop()

    def _drop(self) -> None:
        acceptor, self._acceptor = self._acceptor, None
        if acceptor is not None:
            acceptor.close()

    def _run_jobs(self, acceptor: BanknoteAcceptor) -> None:
        while True:
            try:
                job, future = self._jobs.get_nowait()
            except queue.Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job(acceptor))
            except (AcceptorDisconnected, AcceptorUnavailable) as exc:
                future.set_exception(exc)
                raise
            except Exception as exc:
                future.set_exception(exc)

    def _poll_loop(self, acceptor: BanknoteAcceptor) -> CashAcceptorError | None:
        failures = 0
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self._run_jobs(acceptor)
                read = self.counter.advance(acceptor.read_events())
                failures = 0
            except (AcceptorDisconnected, AcceptorUnavailable) as exc:
                return exc
            except CashAcceptorError as exc:
                failures += 1
                log.debug("event poll failed (%d in a row): %s", failures, exc.cause)
                if failures >= self._failures_before_lost:
                    return exc
                continue
            try:
                self._on_read(read)
            except Exception:
                log.exception("cash event listener failed")
            with self._polled:
                self.polls += 1
                self._polled.notify_all()
            self._wake.wait(max(0.0, started + self.interval - time.monotonic()))
            self._wake.clear()
        return None
