"""The plan screens fit a 1080p screen in standard and large-text mode: the list, the
comparison with an error showing, the second confirmation with the agreement (入网协议) and
its consent button, and the result with the receipt
panel."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.backend import errors as be
from kiosk.backend.factors import Factor
from kiosk.config import Config, UiConfig
from kiosk.session import Customer
from tests.fixtures.qt import show_painted
from tests.ui.test_plan_ui import FakeBackend, qt_click
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Services
from ui.screens.plan.compare import PlanCompareScreen
from ui.screens.plan.install import features as install_plan
from ui.screens.plan.plans import PlansScreen
from ui.shell import Shell

# Set to a folder to look at the screens (e.g. PLAN_FIT_SHOTS=/tmp/plan-fit).
SHOTS = os.environ.get("PLAN_FIT_SHOTS", "")


@pytest.fixture(params=[False, True], ids=["standard", "large-text"])
def shell(request: pytest.FixtureRequest, app: QApplication) -> Iterator[Shell]:
    fake = FakeBackend()
    config = Config(ui=UiConfig(large_text=request.param, fullscreen=False))
    services = Services(backend=BackendHandle(lambda: fake))
    options = ShellOptions(runner=SyncRunner(), installers=[install_plan], services=services)
    built = build_shell(config, app, options)
    show_painted(built)
    built.ctx.sessions.identify(
        Customer("13800138000", "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS})
    )
    yield built
    teardown(built)
    QApplication.processEvents()


def _fits(shell: Shell, what: str) -> None:
    QApplication.processEvents()
    if SHOTS:
        size = "large" if shell.large_text else "standard"
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shell.window.grab().save(str(Path(SHOTS) / f"{what}-{size}.png"))
    assert shell.window.minimumSizeHint().height() <= 1080, what
    assert shell.window.height() == 1080, what


def test_plan_screens_fit_1080p(shell: Shell) -> None:
    shell.open_feature("plan")
    plans = shell.navigator.current
    assert isinstance(plans, PlansScreen)
    _fits(shell, "list")
    qt_click(shell.window.header.language_button)  # English is longer
    _fits(shell, "list-en")
    qt_click(shell.window.header.language_button)
    qt_click(plans.row("QQT88").choose_button)
    screen = shell.navigator.current
    assert isinstance(screen, PlanCompareScreen)
    screen.show_error(shell.ctx.tr("plan.refused", detail="您已办理该套餐，下月1日起生效"))
    _fits(shell, "compare")
    qt_click(shell.window.header.language_button)
    _fits(shell, "compare-en")
    qt_click(shell.window.header.language_button)
    qt_click(screen.change_button)
    # The question with the agreement, its consent button and the notice after an update.
    assert screen.confirm.agreement_scroll.isVisible()
    assert screen.confirm.consent_button.height() >= 84
    screen.show_error(shell.ctx.tr("agreement.updated"))
    _fits(shell, "confirm")
    qt_click(shell.window.header.language_button)
    _fits(shell, "confirm-en")
    qt_click(shell.window.header.language_button)
    fake = shell.ctx.backend
    assert isinstance(fake, FakeBackend)
    qt_click(screen.confirm.consent_button)
    _fits(shell, "confirm-agreed")
    qt_click(screen.confirm.confirm_button)
    qt_click(screen.receipt_button)
    _fits(shell, "result")
    fake.refuse = be.Conflict("已是当前套餐")
    qt_click(shell.window.header.language_button)  # English is longer
    _fits(shell, "result-en")
