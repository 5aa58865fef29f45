"""Qt fixtures: an offscreen application with the CJK font, a shell on a manual clock, and a
check that no test leaves a top-level window open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.config import Config, TimeoutsConfig
from ui.background import SyncRunner
from ui.main import ShellOptions, build_shell, create_application, teardown
from ui.shell import Shell


class ManualClock:
    """Monotonic seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def app() -> QApplication:
    return create_application(["kiosk-tests"])


@pytest.fixture(autouse=True)
def _no_leaked_windows(request: pytest.FixtureRequest) -> Iterator[None]:
    if "app" not in request.fixturenames and "qtbot" not in request.fixturenames:
        yield
        return
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    yield
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
    for widget in leaked:
        widget.close()
    if leaked:
        names = ", ".join(type(w).__name__ for w in leaked)
        pytest.fail(f"test leaked top-level window(s): {names}", pytrace=False)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config() -> Config:
    return Config(timeouts=TimeoutsConfig(idle=60, warning=20, entry=30, reading=120))


@pytest.fixture
def shell(app: QApplication, config: Config, clock: ManualClock) -> Iterator[Shell]:
    built = build_shell(config, app, ShellOptions(runner=SyncRunner(), clock=clock))
    built.window.resize(1920, 1080)
    built.window.show()
    yield built
    teardown(built)
    QApplication.processEvents()
