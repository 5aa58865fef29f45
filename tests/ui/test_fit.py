"""The home screen with every function and every identification page fit a 1080p screen, in
standard and large-text mode (pages with an error showing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.backend.factors import Access
from kiosk.config import Config, UiConfig
from kiosk.i18n import load_catalogue
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Services
from ui.features import discover
from ui.navigation import Destination
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell


def _never() -> StubBackend:
    raise AssertionError("no backend call expected")


@pytest.fixture(params=[False, True], ids=["standard", "large-text"])
def shell(request: pytest.FixtureRequest, app: QApplication) -> Iterator[Shell]:
    config = Config(ui=UiConfig(large_text=request.param, fullscreen=False))
    services = Services(backend=BackendHandle(_never))
    options = ShellOptions(runner=SyncRunner(), services=services, installers=discover())
    built = build_shell(config, app, options)
    show_painted(built)
    yield built
    teardown(built)
    QApplication.processEvents()


def test_identification_pages_fit_1080p(shell: Shell) -> None:
    shell.navigator.go("identify", Destination("home", None, Access.DETAILS))
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    for page in screen._page_of.values():
        page.show_error(shell.ctx.tr("error.wrong_password", n=2))
        screen._show_page(page)
        QApplication.processEvents()
        assert shell.window.minimumSizeHint().height() <= 1080, type(page).__name__
        assert shell.window.height() == 1080, type(page).__name__


def test_home_with_every_function_fits_1080p(shell: Shell) -> None:
    home = shell.home_screen
    assert len(home.tiles) >= 11  # every PRODUCT function has its tile
    messages = set(load_catalogue("zh_CN")) & set(load_catalogue("en"))
    for feature in shell.registry.all():  # tile texts come from the key: feature.<key>(_sub)
        assert {feature.title_key, feature.subtitle_key} <= messages, feature.key
    QApplication.processEvents()
    assert shell.window.minimumSizeHint().height() <= 1080
    assert shell.window.height() == 1080
    for tile in home.tiles.values():
        assert tile.width() >= 100 and tile.height() >= 100
        assert tile.subtitle.isVisible() is not shell.large_text
    shell.set_large_text(not shell.large_text)  # switching keeps it on one screen
    QApplication.processEvents()
    assert shell.window.minimumSizeHint().height() <= 1080


def test_window_stays_1080_through_a_session(shell: Shell) -> None:
    from kiosk.backend.models import Factor
    from kiosk.session import Customer, EndReason

    heights = []
    shell.ctx.sessions.identify(Customer("13800138000", "张*峰", "全球通", {Factor.PASSWORD}))
    shell.customer_identified()  # home with the bar and 结束服务
    heights.append(shell.window.height())
    shell.navigator.go("admin_pin")  # any screen with the bar
    heights.append(shell.window.height())
    shell.navigator.home()
    heights.append(shell.window.height())
    shell.end_session(EndReason.IDLE)  # the bar goes, the start hint comes back
    QApplication.processEvents()
    heights.append(shell.window.height())
    assert heights == [1080] * 4
