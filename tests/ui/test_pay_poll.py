"""Pay polling against a slow backend: one status poll in flight at most, the next one timed
from the return of the last, and polling goes on after a failed poll."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.backend.factors import Factor
from kiosk.config import Config
from kiosk.session import Customer
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import BackgroundRunner
from ui.context import BackendHandle, Services
from ui.screens.pay import pay
from ui.screens.pay.install import features as install_pay
from ui.shell import Shell

PHONE = "13912345678"
POLL_MS = 5  # so that a repeating timer would have started dozens of polls meanwhile


class SlowPayments(StubBackend):
    """Creates a pending order; each status poll blocks until the test lets it answer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.polls = 0
        self.polled = threading.Semaphore(0)  # released once per poll that arrived
        self.answer = threading.Semaphore(0)  # the test releases one per poll to answer
        self.fail_next = False

    def create_payment(self, amount_fen: int, idempotency_key: str | None = None) -> m.PaymentOrder:
        return self._order(amount_fen)

    def payment_status(self, order_id: str) -> m.PaymentOrder:
        with self.lock:
            self.in_flight += 1
            self.polls += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.polled.release()
        try:
            if not self.answer.acquire(timeout=10):
                raise be.BackendTimeout()
            if self.fail_next:
                self.fail_next = False
                raise be.BackendTimeout()
            return self._order(5000)
        finally:
            with self.lock:
                self.in_flight -= 1

    @staticmethod
    def _order(amount_fen: int) -> m.PaymentOrder:
        now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
        return m.PaymentOrder(
            "PO-1", amount_fen, "pay://PO-1", m.PaymentStatus.PENDING, now,
            now + dt.timedelta(minutes=15), None, None,
        )  # fmt: skip


@pytest.fixture
def backend() -> SlowPayments:
    return SlowPayments()


@pytest.fixture
def shell(
    app: QApplication, backend: SlowPayments, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Shell]:
    monkeypatch.setattr(pay, "POLL_MS", POLL_MS)
    services = Services(backend=BackendHandle(lambda: backend))
    options = ShellOptions(runner=BackgroundRunner(), services=services, installers=[install_pay])
    built = build_shell(Config(), app, options)
    show_painted(built)
    built.ctx.sessions.identify(Customer(PHONE, "李*", "神州行", {Factor.PASSWORD}))
    yield built
    backend.answer.release(100)  # let any poll still out return before the pool is joined
    teardown(built)
    QApplication.processEvents()


def _wait_for_poll(qtbot: QtBot, backend: SlowPayments) -> None:
    qtbot.waitUntil(lambda: backend.polled.acquire(blocking=False), timeout=5000)


def test_a_slow_backend_gets_one_poll_at_a_time(
    shell: Shell, backend: SlowPayments, qtbot: QtBot
) -> None:
    shell.navigator.go("pay")
    screen = shell.navigator.current
    assert isinstance(screen, pay.PayScreen)
    qtbot.mouseClick(screen.amount_buttons[5000], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.order is not None, timeout=5000)
    _wait_for_poll(qtbot, backend)
    qtbot.wait(40 * POLL_MS)  # forty intervals while the first poll hangs
    assert (backend.polls, backend.most_in_flight, screen.polls_in_flight) == (1, 1, 1)
    for expected in (2, 3):  # each return times exactly one next poll
        backend.answer.release()
        _wait_for_poll(qtbot, backend)
        assert backend.polls == expected
    qtbot.wait(40 * POLL_MS)
    assert (backend.polls, backend.most_in_flight) == (3, 1)


def test_polling_goes_on_after_a_failed_poll(
    shell: Shell, backend: SlowPayments, qtbot: QtBot
) -> None:
    shell.navigator.go("pay")
    screen = shell.navigator.current
    assert isinstance(screen, pay.PayScreen)
    qtbot.mouseClick(screen.amount_buttons[5000], Qt.MouseButton.LeftButton)
    _wait_for_poll(qtbot, backend)
    backend.fail_next = True
    backend.answer.release()
    _wait_for_poll(qtbot, backend)  # the timeout did not stop polling
    assert (backend.polls, backend.most_in_flight) == (2, 1)
    assert not screen.error.isVisible()  # a failed poll is not the customer's business
