"""The home screen still fits 1080p with the "printing unavailable" notice showing, in
standard and large-text mode, in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.config import Config, UiConfig
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Services
from ui.features import discover
from ui.shell import Shell


def _never() -> object:
    raise AssertionError("no backend call expected")


@pytest.fixture(params=[False, True], ids=["standard", "large-text"])
def shell(request: pytest.FixtureRequest, app: QApplication) -> Iterator[Shell]:
    config = Config(ui=UiConfig(large_text=request.param, fullscreen=False))
    services = Services(backend=BackendHandle(_never))  # type: ignore[arg-type]
    options = ShellOptions(runner=SyncRunner(), services=services, installers=discover())
    built = build_shell(config, app, options)
    show_painted(built)
    yield built
    teardown(built)
    QApplication.processEvents()


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_home_with_printing_unavailable_fits_1080p(shell: Shell, locale: str) -> None:
    shell.ctx.translator.set_locale(locale)
    home = shell.home_screen
    home.set_printing_available(False)
    QApplication.processEvents()
    assert home.printing_notice.isVisible()
    assert shell.window.minimumSizeHint().height() <= 1080
    assert shell.window.height() == 1080
    assert not home.tiles["invoice"].isEnabled()
    home.set_printing_available(True)
    assert home.tiles["invoice"].isEnabled() and not home.printing_notice.isVisible()
