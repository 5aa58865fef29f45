"""No Chinese on any screen in English mode (issue 13 major 8): every customer screen, walked
with the reference backend's seeded data (bills with roaming and partner charges, itemised
records, plans, services, agreements), shows only catalogue text and backend data in its
English form. Allowed: the customer's own name and address, shown as registered, and the
language button (中文: the other language in its own words)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from common.masking import mask_name
from common.months import months_back
from kiosk.backend.client import BackendClient
from kiosk.backend.factors import Factor
from kiosk.config import Config
from kiosk.journal import Journal
from kiosk.records import DetailTab
from kiosk.session import Customer
from tests.fixtures.live_backend import (
    CARDS,
    DEMO_TODAY,
    LiveBackend,
    identify_fully,
    start_backend,
)
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Lazy, Services
from ui.features import discover
from ui.screens.bills.month import MonthBillScreen
from ui.screens.bills.params import DetailsParams, MonthParams
from ui.screens.plan.compare import PlanCompareScreen
from ui.screens.plan.plans import PlansScreen
from ui.screens.services.services import ServicesScreen
from ui.shell import Shell
from ui.visible_text import cjk_texts, visible_texts

PHONE = "13800138000"  # 张晓峰: roaming, partner charges, services, a post-paid plan
CARD = CARDS[PHONE]
CLOSED = [months_back(DEMO_TODAY, n) for n in range(1, 6)]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("english-backend"), customers=1) as live:
        yield live


@pytest.fixture(scope="module")
def client(backend: LiveBackend) -> Iterator[BackendClient]:
    """ID card + SMS code: every function is open (nothing here changes the account)."""
    c = backend.client()
    identify_fully(backend, c, PHONE)
    yield c
    c.close()


def _shell(
    app: QApplication,
    config: Config,
    clock: ManualClock,
    client: BackendClient,
    tmp_path: Path,
    locale: str,
) -> Shell:
    config = dataclasses.replace(config, ui=dataclasses.replace(config.ui, locale=locale))
    journal = Lazy(lambda: Journal(tmp_path / "journal.sqlite3"), lambda j: j.close())
    services = Services(backend=BackendHandle(lambda: client), journal=journal)
    options = ShellOptions(
        runner=SyncRunner(), clock=clock, installers=discover(), services=services
    )
    shell = build_shell(config, app, options)
    show_painted(shell)
    factors = {Factor.ID_CARD, Factor.SMS}
    shell.ctx.sessions.identify(Customer(PHONE, mask_name(CARD["name"]), CARD["brand"], factors))
    return shell


@pytest.fixture
def english(
    app: QApplication, config: Config, clock: ManualClock, client: BackendClient, tmp_path: Path
) -> Iterator[Shell]:
    shell = _shell(app, config, clock, client, tmp_path, "en")
    yield shell
    teardown(shell)
    QApplication.processEvents()


ALLOWED = frozenset({CARD["name"], mask_name(CARD["name"]), CARD["address"], "中文"})


def chinese(shell: Shell) -> list[str]:
    QApplication.processEvents()
    return [f"{t.where}: {t.text}" for t in cjk_texts(shell.window, ALLOWED)]


def _go(shell: Shell, screen_id: str, params: object = None) -> None:
    shell.navigator.go(screen_id, params)
    QApplication.processEvents()
    current = shell.navigator.current
    assert current is not None and current.screen_id == screen_id


SIMPLE = ["home", "overview", "bills", "pay", "invoice", "spam", "line_status", "line_password"]


@pytest.mark.parametrize("screen_id", SIMPLE)
def test_screen_shows_no_chinese(english: Shell, screen_id: str) -> None:
    _go(english, screen_id)
    texts = visible_texts(english.window)
    assert len(texts) > 5  # the screen has content: the check looked at something
    assert not chinese(english), screen_id


@pytest.mark.parametrize("month", CLOSED)
def test_every_bill_month_in_english(english: Shell, month: str) -> None:
    _go(english, "bill", MonthParams(month))
    screen = english.navigator.current
    assert isinstance(screen, MonthBillScreen) and screen.cards
    assert all(card.explanation.text() for card in screen.cards)
    assert not chinese(english), month


@pytest.mark.parametrize("tab", list(DetailTab))
@pytest.mark.parametrize("month", [CLOSED[0], CLOSED[2]])  # CLOSED[2]: the roaming month
def test_itemised_records_in_english(english: Shell, month: str, tab: DetailTab) -> None:
    _go(english, "details", DetailsParams(month, tab))
    assert not chinese(english), (month, tab)


def test_dispute_screen_in_english(english: Shell, qtbot: QtBot) -> None:
    _go(english, "bill", MonthParams(CLOSED[0]))
    screen = english.navigator.current
    assert isinstance(screen, MonthBillScreen)
    button = next(b for card in screen.cards for b in card.dispute_buttons.values())
    button.click()
    QApplication.processEvents()
    assert english.navigator.current is not None
    assert english.navigator.current.screen_id == "dispute"
    assert not chinese(english)


def test_plan_change_and_its_agreement_in_english(english: Shell) -> None:
    _go(english, "plans")
    plans = english.navigator.current
    assert isinstance(plans, PlansScreen) and plans.rows
    assert not chinese(english)
    next(r for r in plans.rows if r.choose_button.isVisible()).choose_button.click()
    QApplication.processEvents()
    compare = english.navigator.current
    assert isinstance(compare, PlanCompareScreen)
    assert not chinese(english)
    if compare.change_button.isVisible():
        compare.change_button.click()
        QApplication.processEvents()
        assert compare.confirm.agreement_title.text()
        assert not chinese(english)


def test_services_and_the_order_question_in_english(english: Shell) -> None:
    _go(english, "services")
    screen = english.navigator.current
    assert isinstance(screen, ServicesScreen) and screen.order_buttons
    assert not chinese(english)
    next(iter(screen.order_buttons.values())).click()
    QApplication.processEvents()
    assert screen.confirm.isVisible() and screen.confirm.agreement_title.text()
    assert not chinese(english)
    screen.confirm.cancel_button.click()
    # The 退订 question names the service in English too (it said "Unsubscribe from 音乐随身听?").
    assert screen.cancel_buttons
    for code in list(screen.cancel_buttons):
        screen.cancel_buttons[code].click()
        QApplication.processEvents()
        assert screen.confirm.isVisible() and screen.confirm.title.text()
        assert not chinese(english), code
        screen.confirm.cancel_button.click()  # nothing is sent


def test_the_check_sees_chinese_in_chinese_mode(
    app: QApplication, config: Config, clock: ManualClock, client: BackendClient, tmp_path: Path
) -> None:
    shell = _shell(app, config, clock, client, tmp_path, "zh_CN")
    try:
        _go(shell, "bill", MonthParams(CLOSED[0]))
        found = " ".join(chinese(shell))
        assert "语音通信费" in found or "套餐及固定费" in found
    finally:
        teardown(shell)
        QApplication.processEvents()
