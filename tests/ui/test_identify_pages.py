"""The identification pages (issue 13 minors): a locked number is told the truth and takes no
entry, the last try says what the next wrong one costs, and the keypad never moves: the same
place on every page, banners or not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.config import Config, UiConfig
from kiosk.devices.idcard import IdCard
from kiosk.session import Customer
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.idcard import CARD
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Services
from ui.navigation import Destination
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell

PHONE = "13800138000"
UNTIL = dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class _Backend(StubBackend):
    def __init__(self) -> None:
        self.sms_error: be.BackendError | None = None
        self.verify_error: be.BackendError | None = None
        self.sms_sends = 0

    def send_sms_code(self, phone: str) -> m.SmsSent:
        self.sms_sends += 1
        if self.sms_error is not None:
            raise self.sms_error
        return m.SmsSent(resend_after_s=60, valid_for_s=300)

    def verify_sms_code(self, phone: str, code: str) -> m.Session:
        assert self.verify_error is not None
        raise self.verify_error


@pytest.fixture
def backend() -> _Backend:
    return _Backend()


@pytest.fixture(params=[False, True], ids=["standard", "large-text"])
def shell(request: pytest.FixtureRequest, app: QApplication, backend: _Backend) -> Iterator[Shell]:
    config = Config(ui=UiConfig(large_text=request.param, fullscreen=False))
    services = Services(backend=BackendHandle(lambda: backend))
    built = build_shell(config, app, ShellOptions(runner=SyncRunner(), services=services))
    show_painted(built)
    yield built
    teardown(built)
    QApplication.processEvents()


def _to_sms_page(shell: Shell, qtbot: QtBot) -> IdentifyScreen:
    shell.navigator.go("identify", Destination("home", None, m.Access.SUMMARY))
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    for digit in PHONE:
        qtbot.mouseClick(screen.phone_page.keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.phone_page.keypad.submit_button(), Qt.MouseButton.LeftButton)
    button = screen.choice_page.buttons[(m.Factor.SMS,)]
    qtbot.waitUntil(button.isVisible, timeout=2000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert screen.pages.currentWidget() is screen.sms_page
    return screen


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _where(widget: QWidget) -> QPoint:
    QApplication.processEvents()
    return widget.mapTo(widget.window(), QPoint(0, 0))


def test_a_locked_number_is_not_told_a_code_was_sent_and_the_keypad_takes_nothing(
    shell: Shell, qtbot: QtBot, backend: _Backend
) -> None:
    backend.sms_error = be.Locked("locked", UNTIL)
    page = _to_sms_page(shell, qtbot).sms_page
    assert "已发送" not in page.prompt.text()
    assert "没有" in page.prompt.text() and "138****8000" in page.prompt.text()
    assert page.error.isVisible() and "锁定" in page.error.text()
    qtbot.mouseClick(page.keypad.digit_button("1"), Qt.MouseButton.LeftButton)
    assert page.keypad.text() == ""
    assert not page.keypad.isEnabled() and not page.resend.isEnabled()


def test_a_lock_on_a_wrong_code_stops_the_keypad_too(
    shell: Shell, qtbot: QtBot, backend: _Backend
) -> None:
    page = _to_sms_page(shell, qtbot).sms_page
    assert "已发送" in page.prompt.text()
    backend.verify_error = be.Locked("locked", UNTIL)
    for digit in "123456":
        qtbot.mouseClick(page.keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.keypad.submit_button(), Qt.MouseButton.LeftButton)
    assert "锁定" in page.error.text()
    qtbot.mouseClick(page.keypad.digit_button("1"), Qt.MouseButton.LeftButton)
    assert page.keypad.text() == "" and not page.keypad.isEnabled()


def test_the_last_try_says_what_a_wrong_one_costs(
    shell: Shell, qtbot: QtBot, backend: _Backend
) -> None:
    page = _to_sms_page(shell, qtbot).sms_page
    backend.verify_error = be.AuthFailed("wrong", remaining_attempts=1, lock_minutes=60)
    for digit in "123456":
        qtbot.mouseClick(page.keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.keypad.submit_button(), Qt.MouseButton.LeftButton)
    text = page.error.text()
    assert "1 次" in text and "锁定 60 分钟" in text
    assert page.keypad.isEnabled()  # one more try is allowed


def test_the_keypad_sits_in_one_place_and_banners_do_not_push_it(
    shell: Shell, qtbot: QtBot, backend: _Backend
) -> None:
    shell.navigator.go("identify", Destination("home", None, m.Access.DETAILS))
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    screen.state = screen.state.with_phone(PHONE) if screen.state else None
    places = {}
    for name, page in (
        ("phone", screen.phone_page),
        ("password", screen.password_page),
        ("sms", screen.sms_page),
    ):
        screen._show_page(page)
        page.clear()
        _settle()  # the page brings its keypad into view (large text scrolls the body)
        quiet = _where(page.keypad)
        page.show_error(shell.ctx.tr("error.locked", time="15:30"))  # a two-line banner
        _settle()
        assert _where(page.keypad) == quiet, name
        page.set_busy(shell.ctx.tr("identify.checking"))
        _settle()
        assert _where(page.keypad) == quiet, name
        places[name] = quiet
    assert len(set(places.values())) == 1, places


# -- card first, routed by the shell from any screen ------------------------------------------


class _CardBackend(_Backend):
    """The card's holder has two numbers; a card login answers the factors it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.card_logins: list[tuple[str | None, int | None]] = []
        self.second_locked = False
        self.numbers_error: be.BackendError | None = None

    def id_card_numbers(self, **card: str) -> list[m.CardNumber]:
        if self.numbers_error is not None:
            raise self.numbers_error
        assert card["id_number"] == CARD.id_number
        return [m.CardNumber(0, "138****8000", "全球通"), m.CardNumber(1, "139****1234", "神州行")]

    def identify_id_card(  # type: ignore[override]
        self, *, phone: str | None = None, pick: int | None = None, **card: str
    ) -> m.Session:
        self.card_logins.append((phone, pick))
        if pick == 1 and self.second_locked:
            raise be.Locked("locked", UNTIL)
        number = phone or ["13800138000", "13912341234"][pick or 0]
        return m.Session(
            factors=frozenset({m.Factor.ID_CARD}),
            allowed=frozenset(),
            phone_masked=number[:3] + "****" + number[-4:],
            name_masked="张*峰",
            brand="全球通",
            status=m.LineStatus.NORMAL,
            expires_in_s=600,
            phone=number if pick is not None else "",
        )


@pytest.fixture
def card_shell(app: QApplication) -> Iterator[tuple[Shell, _CardBackend]]:
    backend = _CardBackend()
    services = Services(backend=BackendHandle(lambda: backend))
    config = Config(ui=UiConfig(fullscreen=False))
    built = build_shell(config, app, ShellOptions(runner=SyncRunner(), services=services))
    show_painted(built)
    yield built, backend
    teardown(built)
    QApplication.processEvents()


def test_a_card_on_the_home_screen_lists_its_numbers_and_a_pick_asks_the_code(
    card_shell: tuple[Shell, _CardBackend], qtbot: QtBot, id_card: IdCard
) -> None:
    shell, backend = card_shell
    assert shell.navigator.current is shell.home_screen
    shell.card_read(id_card)
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    page = screen.number_page
    assert screen.pages.currentWidget() is page
    assert [b.text() for b in page.buttons] == ["138****8000（全球通）", "139****1234（神州行）"]
    assert "张*峰" in page.prompt.text()
    qtbot.waitUntil(page.buttons[1].isVisible, timeout=2000)
    qtbot.mouseClick(page.buttons[1], Qt.MouseButton.LeftButton)
    assert backend.card_logins == [(None, 1)]
    assert screen.pages.currentWidget() is screen.sms_page
    assert "139****1234" in screen.sms_page.prompt.text()
    customer = shell.ctx.sessions.current.customer
    assert customer is not None and customer.phone == "13912341234"
    assert shell.window.header.customer_badge.text() == "139****1234"


def test_a_locked_number_of_the_card_takes_no_more_taps_the_other_still_does(
    card_shell: tuple[Shell, _CardBackend], qtbot: QtBot, id_card: IdCard
) -> None:
    shell, backend = card_shell
    backend.second_locked = True
    shell.card_read(id_card)
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    first, second = screen.number_page.buttons
    qtbot.waitUntil(second.isVisible, timeout=2000)
    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)
    assert "锁定" in screen.number_page.error.text()
    assert not second.isEnabled() and first.isEnabled()
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert backend.card_logins == [(None, 1), (None, 0)]
    assert screen.pages.currentWidget() is screen.sms_page


@pytest.mark.parametrize(
    ("error", "words"),
    [(be.AuthFailed("x"), "实名登记的信息不一致"), (be.NotFound("x"), "没有登记本网手机号码")],
)
def test_a_card_that_lists_nothing_is_told_calmly_on_the_number_page(
    card_shell: tuple[Shell, _CardBackend], error: be.BackendError, words: str, id_card: IdCard
) -> None:
    shell, backend = card_shell
    backend.numbers_error = error
    shell.card_read(id_card)
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    assert screen.pages.currentWidget() is screen.phone_page  # typing a number still works
    shown = screen.phone_page.error.text()
    assert words in shown and "该号码" not in shown  # no number was named


def test_a_card_on_the_code_page_adds_its_factor_to_the_typed_number(
    card_shell: tuple[Shell, _CardBackend], qtbot: QtBot, id_card: IdCard
) -> None:
    shell, backend = card_shell
    screen = _to_sms_page(shell, qtbot)
    sends = backend.sms_sends
    for digit in "12":
        qtbot.mouseClick(screen.sms_page.keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    shell.card_read(id_card)
    assert backend.card_logins == [(PHONE, None)]
    assert shell.ctx.sessions.current.has(m.Factor.ID_CARD)
    # The code already sent still completes it: no second code, nothing typed is lost.
    assert screen.pages.currentWidget() is screen.sms_page
    assert backend.sms_sends == sends and screen.sms_page.keypad.text() == "12"
    assert not screen.sms_page.error.isVisible()


def test_a_card_mid_session_raises_the_identification_in_place(
    card_shell: tuple[Shell, _CardBackend], id_card: IdCard
) -> None:
    shell, backend = card_shell
    shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {m.Factor.PASSWORD}))
    shell.navigator.home()
    shell.card_read(id_card)
    assert backend.card_logins == [(PHONE, None)]
    assert shell.navigator.current is shell.home_screen  # nothing interrupted
    assert shell.ctx.sessions.current.has(m.Factor.ID_CARD)


def test_the_card_page_keeps_one_layout_with_or_without_a_message(
    card_shell: tuple[Shell, _CardBackend],
) -> None:
    shell, _backend = card_shell
    shell.navigator.go("identify", Destination("home", None, m.Access.SENSITIVE))
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    page = screen.card_page
    screen._show_page(page)
    page.start(PHONE)
    quiet = _where(page.picture)
    page.set_reader_ready(False)  # the reader-offline banner
    assert page.error.isVisible()
    assert _where(page.picture) == quiet
    page.set_reader_ready(True)
    page.on_read_failed(None)
    assert _where(page.picture) == quiet


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_resend_button_beside_the_keypad_is_not_clipped(
    shell: Shell, qtbot: QtBot, backend: _Backend, locale: str
) -> None:
    shell.ctx.translator.set_locale(locale)
    page = _to_sms_page(shell, qtbot).sms_page
    for wait in (0, 60):
        page._wait = wait
        page.retranslate()
        QApplication.processEvents()
        assert page.resend.sizeHint().width() <= page.resend.width(), page.resend.text()


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_after_a_wrong_entry_the_keypads_ok_key_is_in_view(
    shell: Shell, qtbot: QtBot, locale: str
) -> None:
    """Large text with a banner makes the page taller than the screen: the page scrolls so
    that the key the customer needs next (OK) is whole on screen, not below the fold."""
    shell.ctx.translator.set_locale(locale)
    screen = _to_sms_page(shell, qtbot)
    for page in (screen.sms_page, screen.password_page, screen.phone_page):
        screen._show_page(page)
        page.show_error(shell.ctx.tr("error.wrong_password", n=2))
        QApplication.processEvents()
        QApplication.processEvents()
        ok = page.keypad.submit_button()
        viewport = screen.body_scroll.viewport()
        top_left = ok.mapTo(viewport, QPoint(0, 0))
        assert top_left.y() >= 0, (page, top_left)
        assert top_left.y() + ok.height() <= viewport.height(), (page, top_left, viewport.height())
