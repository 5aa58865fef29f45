"""Typed navigation: a tile and a step-up open the same way; a level the session lacks sends
the customer through identification, which hands the destination back unchanged (the target
gets the very same Params object), with nothing parked in the session cache."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.backend.factors import Access, Factor
from kiosk.config import Config
from kiosk.session import Customer
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import AppContext, BackendHandle, Services
from ui.navigation import IDENTIFY, Destination, level_enough, route
from ui.screen import Screen
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell

PHONE = "13800138000"


@dataclass(frozen=True)
class _Params:
    record: int


class _Target(Screen):
    Params = _Params
    screen_id = "target"
    title_key = "overview.title"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.entered: list[object] = []

    def enter(self, params: object) -> None:
        self.entered.append(params)


@pytest.fixture
def shell(app: QApplication, clock: ManualClock) -> Iterator[Shell]:
    services = Services(backend=BackendHandle(StubBackend))
    built = build_shell(
        Config(), app, ShellOptions(runner=SyncRunner(), clock=clock, services=services)
    )
    show_painted(built)
    built.add_screen(_Target(built.ctx))
    built.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.PASSWORD}))
    yield built
    teardown(built)
    QApplication.processEvents()


def test_the_level_rule_is_one_function() -> None:
    customer = Customer(PHONE, factors={Factor.PASSWORD})
    assert level_enough(customer, Access.SUMMARY)
    assert not level_enough(customer, Access.SENSITIVE)
    assert level_enough(None, None)
    destination = Destination("target", _Params(1), Access.SENSITIVE)
    assert route(destination, customer) == (IDENTIFY, destination)
    assert route(destination, None) == (IDENTIFY, destination)
    assert route(Destination("target", _Params(2), Access.SUMMARY), customer) == (
        "target",
        _Params(2),
    )


def test_a_held_level_opens_the_target_with_its_params(shell: Shell) -> None:
    home = shell.home_screen
    params = _Params(7)
    home.open("target", params, Access.SUMMARY)
    screen = shell.navigator.current
    assert isinstance(screen, _Target)
    assert screen.entered == [params]


def test_identification_hands_the_destination_back_unchanged(shell: Shell) -> None:
    params = _Params(42)
    shell.home_screen.open("target", params, Access.SENSITIVE)
    identify = shell.navigator.current
    assert isinstance(identify, IdentifyScreen)
    assert identify.continuation == Destination("target", params, Access.SENSITIVE)
    cache_before = dict(shell.ctx.sessions.current.cache)
    customer = shell.ctx.sessions.current.customer
    assert customer is not None
    customer.factors |= {Factor.SMS, Factor.ID_CARD}  # what identification would add
    identify.enter(identify.continuation)  # the flow sees the level held and finishes
    target = shell.navigator.current
    assert isinstance(target, _Target)
    assert target.entered[-1] is params
    assert shell.ctx.sessions.current.cache == cache_before  # no side channel
    shell.navigator.back()  # identification replaced itself: back skips it
    assert shell.navigator.current is shell.home_screen


def test_a_screen_opening_itself_is_not_a_step_back(shell: Shell) -> None:
    first, second = _Params(1), _Params(2)
    shell.home_screen.open("target", first, Access.SUMMARY)
    target = shell.navigator.current
    assert isinstance(target, _Target)
    target.open("target", second, Access.SUMMARY)  # e.g. 订购 on services, the level held
    assert shell.navigator.current is target and target.entered == [first, second]
    shell.navigator.back()
    assert shell.navigator.current is shell.home_screen
