"""The shell without a backend: lock-down, idle timeout and wipe, language, large text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from pytestqt.qtbot import QtBot

from kiosk.backend.models import Factor
from kiosk.idle import ScreenKind
from kiosk.session import Customer
from tests.fixtures.qt import ManualClock
from ui.main_window import NavBar
from ui.screen import Screen
from ui.shell import Shell
from ui.widgets.idle_overlay import IdleOverlay


class _Reading(Screen):
    screen_id = "reading"
    kind = ScreenKind.READING
    title_key = "overview.title"


def _identify(shell: Shell) -> None:
    shell.ctx.sessions.identify(Customer("13800138000", "张*峰", "全球通", {Factor.PASSWORD}))
    shell.ctx.sessions.current.cache["bills"] = ["secret"]


def test_home_has_no_nav_bar_and_header_shows_hall(shell: Shell) -> None:
    assert shell.navigator.current is shell.home_screen
    assert not shell.window.nav.isVisible()
    assert shell.window.header.isVisible()


class _KeyRecorder(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[int] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            self.keys.append(event.key())
        return False


def test_blocked_keys_never_reach_the_window(shell: Shell, qtbot: QtBot) -> None:
    window = shell.window
    recorder = _KeyRecorder()
    window.installEventFilter(recorder)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window, Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_5)  # ordinary keys pass
    window.removeEventFilter(recorder)
    blocked = {Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_Tab, Qt.Key.Key_Q}
    assert not blocked & set(recorder.keys)
    assert Qt.Key.Key_5 in recorder.keys
    assert shell.lockdown.blocked_count >= 4


def test_window_refuses_to_close(shell: Shell) -> None:
    event = QCloseEvent()
    shell.window.closeEvent(event)
    assert not event.isAccepted()
    assert shell.window.isVisible()


def test_admin_gesture_needs_five_quick_taps_and_the_pin(
    shell: Shell, qtbot: QtBot, clock: ManualClock
) -> None:
    header = shell.window.header
    for _ in range(4):
        qtbot.mouseClick(header, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    clock.advance(5)  # too slow: the count starts again
    qtbot.mouseClick(header, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert shell.navigator.current is shell.home_screen
    for _ in range(4):
        qtbot.mouseClick(header, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert shell.navigator.current is shell.admin_pin
    keypad = shell.admin_pin.keypad
    for digit in "1111":
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keypad.submit_button(), Qt.MouseButton.LeftButton)
    assert shell.admin_pin.error.isVisible()
    for digit in "2468":  # the demo PIN
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keypad.submit_button(), Qt.MouseButton.LeftButton)
    assert shell.navigator.current is shell.admin
    assert not shell.lockdown.exit_allowed


def test_idle_warning_countdown_more_time_and_wipe(
    shell: Shell, qtbot: QtBot, clock: ManualClock
) -> None:
    shell.add_screen(_Reading(shell.ctx))
    _identify(shell)
    shell.navigator.go("reading")
    overlay = shell.window.idle_overlay
    clock.advance(119)
    qtbot.wait(300)
    assert not overlay.isVisible()
    clock.advance(2)  # 121 s still: the warning with a 19 s countdown
    qtbot.waitUntil(overlay.isVisible, timeout=2000)
    assert overlay.countdown_text() == "19"
    qtbot.mouseClick(overlay.more_time, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()
    assert shell.navigator.current is not None
    assert shell.navigator.current.screen_id == "reading"
    clock.advance(141)
    qtbot.waitUntil(lambda: shell.navigator.current is shell.home_screen, timeout=2000)
    session = shell.ctx.sessions.current
    assert not session.identified
    assert session.cache == {}
    assert not overlay.isVisible()
    assert shell.window.header.customer_badge.text() == ""


def test_card_and_printer_events_count_as_activity(
    shell: Shell, qtbot: QtBot, clock: ManualClock
) -> None:
    shell.add_screen(_Reading(shell.ctx))
    _identify(shell)
    shell.navigator.go("reading")
    clock.advance(100)
    shell.device_activity()
    clock.advance(100)  # 200 s since the screen opened, 100 s since the card event
    qtbot.wait(300)
    assert shell.navigator.current is not None
    assert shell.navigator.current.screen_id == "reading"
    assert not shell.window.idle_overlay.isVisible()


def test_session_maximum_length_ends_the_session(
    shell: Shell, qtbot: QtBot, clock: ManualClock
) -> None:
    shell.add_screen(_Reading(shell.ctx))
    _identify(shell)
    shell.customer_identified()
    shell.navigator.go("reading")
    for _ in range(12):  # keep touching for 11 minutes
        clock.advance(55)
        shell.device_activity()
        qtbot.wait(20)
    qtbot.waitUntil(lambda: shell.navigator.current is shell.home_screen, timeout=2000)
    assert not shell.ctx.sessions.current.identified


def test_language_switch_retranslates_everything(shell: Shell, qtbot: QtBot) -> None:
    header = shell.window.header
    welcome = shell.home_screen._welcome.text()
    assert "欢迎" in welcome
    qtbot.mouseClick(header.language_button, Qt.MouseButton.LeftButton)
    assert shell.ctx.translator.locale == "en"
    assert shell.home_screen._welcome.text() == "Welcome to self-service"
    assert header.language_button.text() == "中文"
    assert shell.window.nav.home_button.text() == "Home"
    qtbot.mouseClick(header.language_button, Qt.MouseButton.LeftButton)
    assert shell.home_screen._welcome.text() == welcome


def test_large_text_mode_grows_type_and_targets(shell: Shell, qtbot: QtBot) -> None:
    shell.navigator.go("admin_pin")
    key = shell.admin_pin.keypad.digit_button("1")
    qtbot.wait(10)
    normal_height = key.height()
    normal_font = shell.admin_pin.hint.fontInfo().pixelSize()
    assert normal_height >= 80
    assert normal_font >= 24
    qtbot.mouseClick(shell.window.header.large_text_button, Qt.MouseButton.LeftButton)
    qtbot.wait(10)
    assert shell.large_text
    assert key.height() >= 100
    assert shell.admin_pin.hint.fontInfo().pixelSize() >= 32
    assert shell.window.header.large_text_button.property("active") == "true"


def test_home_with_a_customer_offers_only_end_session(shell: Shell) -> None:
    _identify(shell)
    shell.customer_identified()
    shell.navigator.home()
    nav = shell.window.nav
    assert nav.isVisible() and nav.end_button.isVisible()
    assert not nav.back_button.isVisible() and not nav.home_button.isVisible()
    nav.end_button.click()
    assert not shell.ctx.sessions.current.identified
    assert not nav.isVisible()


def test_the_bar_and_the_idle_cover_are_built_when_first_needed(
    shell: Shell, qtbot: QtBot, clock: ManualClock
) -> None:
    window = shell.window
    # Home, nobody identified, nobody idle: neither exists in the first frame.
    assert window.findChildren(NavBar) == [] and window.findChildren(IdleOverlay) == []
    shell.add_screen(_Reading(shell.ctx))
    _identify(shell)
    shell.navigator.go("reading")
    (nav,) = window.findChildren(NavBar)
    qtbot.waitUntil(nav.isVisible, timeout=2000)
    assert nav.geometry().top() >= window.stack.geometry().bottom()  # under the screens
    assert window.findChildren(IdleOverlay) == []
    clock.advance(121)  # the idle warning: the cover comes over header, screen and bar
    qtbot.waitUntil(lambda: len(window.findChildren(IdleOverlay)) == 1, timeout=2000)
    (overlay,) = window.findChildren(IdleOverlay)
    assert overlay.isVisible()
    central = window.centralWidget()
    assert central is not None and overlay.geometry() == central.rect()
    on_bar = central.childAt(nav.geometry().center())
    assert on_bar is overlay or overlay.isAncestorOf(on_bar)
    shell.ctx.translator.set_locale("en")  # both retranslate, built late as they were
    assert nav.home_button.text() == "Home"
    assert overlay.more_time.text() == shell.ctx.translator.tr("idle.more_time")
