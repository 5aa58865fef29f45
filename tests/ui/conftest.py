"""UI fixtures: a shell without a backend, on a manual clock, with a synchronous runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.config import Config, TimeoutsConfig
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.shell import Shell


@pytest.fixture
def config(tmp_path: Path) -> Config:
    # journal_path: the kiosk's local state (journal, admin PIN lock-out) stays in the test's dir
    return Config(
        timeouts=TimeoutsConfig(idle=60, warning=20, entry=30, reading=120),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )


@pytest.fixture
def shell(app: QApplication, config: Config, clock: ManualClock) -> Iterator[Shell]:
    built = build_shell(config, app, ShellOptions(runner=SyncRunner(), clock=clock))
    show_painted(built)
    yield built
    teardown(built)
    QApplication.processEvents()
