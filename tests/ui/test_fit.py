"""Every identification page fits a 1080p screen, in large-text mode, with an error showing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.backend.factors import Access
from kiosk.config import Config, UiConfig
from tests.fixtures.qt import show_painted
from ui.background import SyncRunner
from ui.context import BackendHandle, Services
from ui.main import ShellOptions, build_shell, teardown
from ui.screens.identify.screen import IdentifyScreen
from ui.shell import Shell


def _never() -> object:
    raise AssertionError("no backend call expected")


@pytest.fixture(params=[False, True], ids=["standard", "large-text"])
def shell(request: pytest.FixtureRequest, app: QApplication) -> Iterator[Shell]:
    config = Config(ui=UiConfig(large_text=request.param, fullscreen=False))
    services = Services(backend=BackendHandle(_never))  # type: ignore[arg-type]
    built = build_shell(config, app, ShellOptions(runner=SyncRunner(), services=services))
    show_painted(built)
    yield built
    teardown(built)
    QApplication.processEvents()


def test_identification_pages_fit_1080p(shell: Shell) -> None:
    shell.navigator.go("identify", {"target": "home", "level": Access.DETAILS})
    screen = shell.navigator.current
    assert isinstance(screen, IdentifyScreen)
    for page in screen._page_of.values():
        page.show_error(shell.ctx.tr("error.wrong_password", n=2))
        screen._show_page(page)
        QApplication.processEvents()
        assert shell.window.minimumSizeHint().height() <= 1080, type(page).__name__
        assert shell.window.height() == 1080, type(page).__name__
