"""The pay screen says what is due or left before an amount is picked (issue 13): the
overview's own figure, read quietly; a failed or late read never gets in the way of paying."""

from __future__ import annotations

import dataclasses
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
from kiosk.money import LineMoney, MoneyKind
from kiosk.session import Customer
from tests.fixtures.qt import show_painted
from tests.ui.walk_fakes import WalkBackend
from ui.app import ShellOptions, build_shell, teardown
from ui.background import BackgroundRunner
from ui.context import BackendHandle, Services
from ui.screens.pay import pay
from ui.screens.pay.install import features as install_pay
from ui.shell import Shell

AFTER = LineMoney(MoneyKind.POSTPAID, 15370, 4630, 20000)  # ¥50 paid against ¥96.30 due


class MoneyBackend(WalkBackend):
    """The walk's post-paid line (¥96.30 due, ¥103.70 credit left); its overview can be held
    or made to fail, and a payment is paid at once."""

    def __init__(self) -> None:
        super().__init__()
        self.fail = False
        self.release = threading.Event()
        self.release.set()

    def overview(self) -> m.AccountOverview:
        self.release.wait(10)
        if self.fail:
            raise be.BackendUnavailable("overview down")
        return super().overview()

    def create_payment(self, amount_fen: int, idempotency_key: str | None = None) -> m.PaymentOrder:
        order = super().create_payment(amount_fen, idempotency_key)
        paid_at = order.created_at + dt.timedelta(seconds=20)
        return dataclasses.replace(
            order, status=m.PaymentStatus.PAID, paid_at=paid_at, money=AFTER
        )


@pytest.fixture
def backend() -> MoneyBackend:
    return MoneyBackend()


@pytest.fixture
def shell(app: QApplication, backend: MoneyBackend) -> Iterator[Shell]:
    services = Services(backend=BackendHandle(lambda: backend))
    options = ShellOptions(runner=BackgroundRunner(), services=services, installers=[install_pay])
    built = build_shell(Config(), app, options)
    show_painted(built)
    built.ctx.sessions.identify(Customer("13800138000", "张*峰", "全球通", {Factor.PASSWORD}))
    yield built
    backend.release.set()
    teardown(built)
    QApplication.processEvents()


def _pay_screen(shell: Shell) -> pay.PayScreen:
    shell.navigator.go("pay")
    screen = shell.navigator.current
    assert isinstance(screen, pay.PayScreen)
    return screen


def test_the_amounts_come_with_what_is_due_now(shell: Shell, qtbot: QtBot) -> None:
    screen = _pay_screen(shell)
    qtbot.waitUntil(screen.money_view.isVisible, timeout=5000)
    assert screen.money_view.texts() == [("本月应缴", "¥96.30"), ("信用额度剩余", "¥103.70")]
    assert screen.amounts.isVisible()
    # above the amounts: read before choosing
    assert screen.money_view.geometry().bottom() < screen.amounts.geometry().top()
    shell.ctx.translator.set_locale("en")
    assert screen.money_view.texts()[0][0] == "Due this month"


def test_a_failed_read_leaves_the_amounts_usable_and_says_nothing(
    shell: Shell, backend: MoneyBackend, qtbot: QtBot
) -> None:
    backend.fail = True
    screen = _pay_screen(shell)
    qtbot.wait(300)
    assert not screen.money_view.isVisible()
    assert not screen.error.isVisible()
    qtbot.mouseClick(screen.amount_buttons[5000], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.order is not None, timeout=5000)
    assert screen.money_view.texts()[0] == ("本月应缴", "¥46.30")  # the paid order's figure


def test_a_read_answered_after_payment_does_not_undo_the_paid_figure(
    shell: Shell, backend: MoneyBackend, qtbot: QtBot
) -> None:
    backend.release.clear()  # the overview hangs
    screen = _pay_screen(shell)
    qtbot.mouseClick(screen.amount_buttons[5000], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.order is not None, timeout=5000)
    backend.release.set()
    qtbot.wait(300)
    assert screen.money_view.texts() == [("本月应缴", "¥46.30"), ("信用额度剩余", "¥153.70")]
