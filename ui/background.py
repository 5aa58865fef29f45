"""Runs short jobs (HTTP, PDF, disk) off the GUI thread and brings results back to it.

Screens call ``runner.run(op, on_done, on_error)``; callbacks always run on the GUI thread.
A ``guard`` drops late results, e.g. after the session they belong to was wiped.
Tests swap in :class:`SyncRunner`, which runs the job at once on the calling thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")


class Runner(Protocol):
    """What screens need: run ``op`` elsewhere, call back on the GUI thread."""

    def run(
        self,
        op: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        guard: Callable[[], bool] | None = None,
    ) -> None: ...


class _Relay(QObject):
    """Lives on the GUI thread; its queued signals carry a worker's outcome back."""

    finished = Signal(object)
    failed = Signal(object)


def _done() -> None:
    """What a job's operation is once it has run."""


class _Job(QRunnable):
    def __init__(self, op: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._op = op
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        # The job lets go of its closure first: the runnable's Python wrapper can outlive the
        # run, and the closure holds the session's data (the soak found a customer's raw phone
        # number in a finished receipt job's closure after the session had ended).
        op, self._op = self._op, _done
        try:
            result = op()
        except Exception as exc:  # handed to on_error on the GUI thread
            self._relay.failed.emit(exc)
        else:
            self._relay.finished.emit(result)
        finally:
            del op


class BackgroundRunner:
    """A small thread pool for short jobs (at most ``max_threads`` at once)."""

    def __init__(self, max_threads: int = 4) -> None:
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()
        # Called on the GUI thread when a job for the customer's session (one with a guard)
        # ends: an answer from the backend is activity. Housekeeping (warm-up, health reports)
        # runs without a guard and never keeps a forgotten session alive.
        self.on_result: Callable[[], None] | None = None

    def run(
        self,
        op: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        guard: Callable[[], bool] | None = None,
    ) -> None:
        relay = _Relay()
        self._relays.add(relay)

        def settle(deliver: Callable[[Any], None], value: object) -> None:
            self._relays.discard(relay)
            if self.on_result is not None and guard is not None:
                self.on_result()
            if guard is None or guard():
                deliver(value)
            else:
                log.info("dropped a late result of a finished session: %s", type(value).__name__)

        def done(result: object) -> None:
            settle(on_done, result)

        def failed(exc: object) -> None:
            settle(on_error, exc)

        relay.finished.connect(done)
        relay.failed.connect(failed)
        self._pool.start(_Job(op, relay))

    def pending(self) -> int:
        return len(self._relays)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Block until every job finished (shutdown and tests only)."""
        return bool(self._pool.waitForDone(msecs))


class SyncRunner:
    """Runs jobs immediately on the calling thread (tests, tools)."""

    def run(
        self,
        op: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        guard: Callable[[], bool] | None = None,
    ) -> None:
        try:
            result = op()
        except Exception as exc:
            if guard is None or guard():
                on_error(exc)
            return
        if guard is None or guard():
            on_done(result)
