"""Real finger taps on the services lists (their own backend: the lists must be as seeded,
long enough to scroll)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fixtures.live_backend import LiveBackend, start_backend
from tests.ui.test_services_ui import Kiosk, _open, printer_emulator, zhang  # noqa: F401


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("services_tap_backend")) as live:
        yield live


def test_a_finger_tap_orders_after_an_unsubscribe(
    zhang: Kiosk,  # noqa: F811
    qtbot: QtBot,
) -> None:
    # Regression: the lists' drag-to-scroll held presses back and, once 退订 had moved a
    # list that can scroll, swallowed every later tap on 订购.
    # The kiosk has been up a while: the navigator has built its other screens. (While it
    # adds them to the shown window Qt sends the widget under the cursor a synthetic move at
    # the real cursor position, which a simulated press does not set: a test-only artefact.)
    qtbot.waitUntil(lambda: zhang.shell.navigator.pending() == 0, timeout=10_000)
    screen = _open(zhang)
    screen.cancel_buttons["SJB"].click()
    screen.confirm.confirm_button.click()  # 确认退订
    assert screen.state.done is not None
    bar = screen.catalogue.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)  # the list can scroll now
    button = screen.order_buttons["CL"]
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    qtbot.wait(120)  # a finger, not a robot
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    assert screen.confirm.isVisible()
