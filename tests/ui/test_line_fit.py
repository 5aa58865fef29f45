"""The password-reset and 报停/复机 screens fit 1920x1080 in standard and large-text mode, at
their tallest: an error showing, the confirmation open, the result with the print panel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.backend.factors import Factor
from kiosk.config import Config, UiConfig
from kiosk.session import Customer
from tests.fixtures.qt import show_painted
from tests.ui.line_fakes import PHONE, LineBackend
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import Lazy, Services
from ui.screens.line.install import features as install_line
from ui.screens.line.password import PasswordResetScreen
from ui.screens.line.status import LineStatusScreen
from ui.shell import Shell


@pytest.fixture(
    params=[(False, "zh_CN"), (True, "zh_CN"), (True, "en")],
    ids=["standard", "large-text", "large-text-english"],
)
def shell(request: pytest.FixtureRequest, app: QApplication) -> Iterator[Shell]:
    large_text, locale = request.param
    config = Config(ui=UiConfig(large_text=large_text, fullscreen=False))
    backend = LineBackend()
    services = Services(backend=Lazy(lambda: backend, lambda _b: None))
    options = ShellOptions(runner=SyncRunner(), installers=[install_line], services=services)
    built = build_shell(config, app, options)
    show_painted(built)
    built.ctx.translator.set_locale(locale)
    built.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS}))
    yield built
    built.ctx.translator.set_locale("zh_CN")
    teardown(built)
    QApplication.processEvents()


def _fits(shell: Shell, what: str) -> None:
    QApplication.processEvents()
    assert shell.window.minimumSizeHint().height() <= 1080, what
    assert shell.window.height() == 1080, what


def _type(screen: PasswordResetScreen, digits: str) -> None:
    for digit in digits:
        screen.keypad.digit_button(digit).click()
    screen.keypad.submit_button().click()


def test_password_screen_fits_1080p(shell: Shell) -> None:
    shell.open_feature("line_password")
    screen = shell.navigator.current
    assert isinstance(screen, PasswordResetScreen)
    _type(screen, "123456")
    assert screen.error.isVisible()
    _fits(shell, "entry with an error")
    _type(screen, "135790")
    _type(screen, "135790")
    screen.show_error(shell.ctx.tr("error.timeout"))
    _fits(shell, "confirmation with an error")
    screen.confirm_panel.confirm_button.click()
    screen.result_card.receipt_button.click()  # no printer here: the panel says so
    assert screen.print_panel.isVisible() and screen.home_countdown.isVisible()
    _fits(shell, "result with the print panel")


def test_status_screen_fits_1080p(shell: Shell) -> None:
    shell.open_feature("line_status")
    screen = shell.navigator.current
    assert isinstance(screen, LineStatusScreen)
    screen.show_error(shell.ctx.tr("error.timeout"))
    assert screen.lost_note.isVisible()
    _fits(shell, "status with an error")
    screen.action_button.click()
    screen.show_error(shell.ctx.tr("error.timeout"))
    _fits(shell, "confirmation with an error")
    screen.confirm_panel.confirm_button.click()
    screen.result_card.receipt_button.click()
    assert screen.print_panel.isVisible() and screen.home_countdown.isVisible()
    _fits(shell, "result with the print panel")
